/**
 * The GCP build zone: the topology's, else the first zone of the build
 * region that Compute Engine reports UP (zones.list against the fake, whose
 * zones are the real ones: europe-west1 and us-east1 have b, c and d, no a).
 * The provider comes from the factory, as build and verify make it.
 */
import { createProvider } from '../../../src/providers/index.js';
import type { Cloud } from '../../../src/topology/model.js';
import { gcpCloud, useGcpFake } from '../../fakes/gcp/harness.js';

const gcp = useGcpFake();
const logs: string[] = [];

function provider(cloud: Cloud = gcpCloud) {
  return createProvider(cloud, {
    baseDir: '.',
    env: { IMAGE_BUILDER_GCP_ENDPOINT: gcp.fake.url },
    gcpAccessToken: 'fake-access-token',
    sleep: async () => {},
    log: (m) => void logs.push(m),
  });
}

const line = (region: string) => ({ image: 'base', os: 'debian12', region });

describe('GCP build zone', () => {
  it('is the first zone of the region that is UP, never a made-up <region>-a (#1)', async () => {
    const p = await provider();
    expect(await p.buildSettings?.(line('europe-west1'))).toEqual({ zone: 'europe-west1-b' });
    expect(await p.buildSettings?.(line('us-east1'))).toEqual({ zone: 'us-east1-b' });
    const calls = gcp.fake.calls.log.filter((c) => c.op === 'zones.list');
    expect(calls.map((c) => c.query.filter)).toEqual([
      '(region eq .*/regions/europe-west1) (status eq UP)',
      '(region eq .*/regions/us-east1) (status eq UP)',
    ]);
    expect(logs.join('\n')).toContain('building in zone europe-west1-b');
  });

  it('asks once per region and run, whoever asks', async () => {
    const [a, b] = await Promise.all([provider(), provider()]);
    const zones = await Promise.all([a.buildSettings?.(line('europe-west1')), b.buildSettings?.(line('europe-west1'))]);
    expect(zones).toEqual([{ zone: 'europe-west1-b' }, { zone: 'europe-west1-b' }]);
    await a.buildSettings?.(line('europe-west1'));
    expect(gcp.fake.calls.count('zones.list')).toBe(1);
  });

  it('skips a zone that is DOWN', async () => {
    gcp.fake.state.zones.set('europe-west1-b', 'DOWN');
    expect(await (await provider()).buildSettings?.(line('europe-west1'))).toEqual({ zone: 'europe-west1-c' });
  });

  it("takes the topology's zone without asking", async () => {
    const p = await provider({ ...gcpCloud, zone: 'europe-west1-d' });
    expect(await p.buildSettings?.(line('europe-west1'))).toEqual({ zone: 'europe-west1-d' });
    expect(gcp.fake.calls.count('zones.list')).toBe(0);
  });

  it('says what to do when the region has no zone that is up, and when the identity may not list zones', async () => {
    const p = await provider();
    await expect(p.buildSettings?.(line('europe-west9'))).rejects.toThrow(
      /region europe-west9 has no zone that is UP: check the region's name, or set zone: in the topology \(e\.g\. zone: europe-west9-b\)/,
    );
    gcp.fake.failNext('zones.list', { status: 403 });
    await expect(p.buildSettings?.(line('us-east1'))).rejects.toThrow(
      /zones\.list failed .*Grant the workflow's identity roles\/compute\.instanceAdmin\.v1 \(it holds compute\.zones\.list\)/,
    );
  });

  it('retries a throttled zones.list', async () => {
    gcp.fake.failNext('zones.list', { status: 429, times: 2 });
    expect(await (await provider()).buildSettings?.(line('us-east1'))).toEqual({ zone: 'us-east1-b' });
    expect(gcp.fake.calls.count('zones.list')).toBe(3);
  });
});
