/**
 * The source AMI's root device, read before the build (cloud audit #16): the
 * template's launch block device mapping must name it, or amazon-ebs adds an
 * extra volume instead of resizing the root disk. Real SDK against the EC2 fake.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { startAwsHarness, type AwsHarness } from '../../fakes/aws/harness.js';

const REGION = 'eu-west-1';
const CANONICAL = '099720109477';
let h: AwsHarness;

afterEach(async () => {
  await h?.close();
});

const ubuntu = (name: string, creationDate: string, rootDeviceName: string, state = 'available') =>
  h.fake.state.seedImage({ region: REGION, name, ownerId: CANONICAL, creationDate, rootDeviceName, state });

describe('buildSettings: the source root device', () => {
  test('the newest available AMI of the owner and name pattern names it (as source_ami_filter most_recent picks)', async () => {
    h = await startAwsHarness();
    ubuntu('ubuntu-noble-24.04-amd64-server-20260101', '2026-01-01T00:00:00.000Z', '/dev/xvda');
    ubuntu('ubuntu-noble-24.04-amd64-server-20260301', '2026-03-01T00:00:00.000Z', '/dev/sda1');
    ubuntu('ubuntu-noble-24.04-amd64-server-20260401', '2026-04-01T00:00:00.000Z', '/dev/xvdz', 'pending');
    const settings = await h.provider.buildSettings({
      region: REGION,
      source: { owner: CANONICAL, name: 'ubuntu-noble-24.04-amd64-server-*' },
    });
    expect(settings).toEqual({ source: { root_device_name: '/dev/sda1' } });
  });

  test('an AMI named by id, and a root device the topology gives wins without asking', async () => {
    h = await startAwsHarness();
    const ami = ubuntu('rhel-9', '2026-01-01T00:00:00.000Z', '/dev/sda1');
    expect(await h.provider.buildSettings({ region: REGION, source: { ami: ami.id } })).toEqual({
      source: { root_device_name: '/dev/sda1' },
    });
    const calls = h.fake.calls.length;
    expect(await h.provider.buildSettings({ region: REGION, source: { ami: ami.id, root_device_name: '/dev/xvda' } })).toEqual({});
    expect(h.fake.calls.length).toBe(calls);
  });

  test('no matching AMI: nothing to add (Packer reports the missing source itself)', async () => {
    h = await startAwsHarness();
    expect(await h.provider.buildSettings({ region: REGION, source: { owner: CANONICAL, name: 'nothing-*' } })).toEqual({});
  });
});
