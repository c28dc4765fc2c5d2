/**
 * OpenStack in topology.yml: a cloud naming its clouds.yaml entry and NREC
 * naming, Keystone region names, the openstack source (a local build's
 * suite or image, plus disk_format, os_distro/os_version and hw_*
 * properties), and what is refused with its position and what to write.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { loadTopology, TopologyError } from '../../../src/topology/index.js';
import { fingerprinted } from '../../../src/plan/images.js';
import { removeTempDirs, writeTree } from '../../helpers/tree.js';

afterAll(removeTempDirs);

function topologyFile(
  source: string,
  cloud = '    cloud: nrec\n    naming: gold-prefix\n',
  regions = 'bgo: { instances: [ { name: n1, image: base, os: debian12 } ] }',
): string {
  const dir = writeTree({
    'topology.yml': `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12:
    openstack: ${source}
clouds:
  - name: nrec
    provider: openstack
${cloud}    regions:
      ${regions}
`,
    'playbooks/provision.yml': '- name: Play\n  hosts: all\n  tasks: []\n',
  });
  return path.join(dir, 'topology.yml');
}

async function failure(file: string): Promise<string> {
  const error = await loadTopology(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TopologyError);
  return (error as Error).message;
}

describe('openstack topology', () => {
  it('loads a cloud with its clouds.yaml entry, NREC naming and a full source', async () => {
    const topology = await loadTopology(
      topologyFile(
        '{ suite: bookworm, disk_format: raw, os_distro: debian, os_version: "12", properties: { hw_disk_bus: scsi, hw_scsi_model: virtio-scsi } }',
      ),
    );
    expect(topology.clouds[0]).toMatchObject({ provider: 'openstack', cloud: 'nrec', naming: 'gold-prefix', build_region: 'bgo' });
    expect(topology.sources.debian12.openstack).toEqual({
      suite: 'bookworm',
      disk_format: 'raw',
      os_distro: 'debian',
      os_version: '12',
      properties: { hw_disk_bus: 'scsi', hw_scsi_model: 'virtio-scsi' },
    });
    const [image] = fingerprinted(topology, { clouds: [], images: [] });
    expect(image).toMatchObject({ provider: 'openstack', regions: ['bgo'] });
    expect(image.name).toMatch(/^ib-base-debian12-[0-9a-f]{16}$/);
  });

  it('takes a store, where its local builds cache their base images, and refuses it on a cloud of another provider', async () => {
    const topology = await loadTopology(topologyFile('{ suite: bookworm }', '    cloud: nrec\n    store: /var/cache/images\n'));
    expect(topology.clouds[0]).toMatchObject({ provider: 'openstack', store: '/var/cache/images' });
    const aws = writeTree({
      'topology.yml': `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12: { aws: { ami: ami-0123456789abcdef0 } }
clouds:
  - name: prod
    provider: aws
    store: /var/cache/images
    regions: { us-east-1: { instances: [ { name: n1, image: base, os: debian12 } ] } }
`,
      'playbooks/provision.yml': '- name: Play\n  hosts: all\n  tasks: []\n',
    });
    expect(await failure(path.join(aws, 'topology.yml'))).toMatch(/"store" is for local and openstack clouds, but cloud "prod" is aws/);
  });

  it('keeps property values as text, as Glance stores them, whatever YAML read', async () => {
    const topology = await loadTopology(
      topologyFile('{ suite: bookworm, properties: { hw_vif_multiqueue_enabled: true, hw_video_ram: 64 } }'),
    );
    expect(topology.sources.debian12.openstack?.properties).toEqual({ hw_vif_multiqueue_enabled: 'true', hw_video_ram: '64' });
  });

  it('the upload settings are fingerprint inputs: raw and qcow2 images are different images', async () => {
    const of = async (source: string) => fingerprinted(await loadTopology(topologyFile(source)), { clouds: [], images: [] })[0].fingerprint;
    expect(await of('{ suite: bookworm, disk_format: raw }')).not.toBe(await of('{ suite: bookworm }'));
  });

  it('refuses a property that is not an image property this tool sets, naming the key', async () => {
    expect(await failure(topologyFile('{ suite: bookworm, properties: { hw_disk_bus: scsi, owner: me } }'))).toMatch(
      /"owner" at sources\.debian12\.openstack\.properties\.owner is not an image property this tool sets[\s\S]*use hw_\*/,
    );
  });

  it('refuses a disk format Glance is not given by this tool, and a source without suite or image', async () => {
    expect(await failure(topologyFile('{ suite: bookworm, disk_format: vmdk }'))).toMatch(/disk_format/);
    expect(await failure(topologyFile('{ os_distro: debian }'))).toMatch(/needs "suite" or "image"/);
  });

  it('refuses openstack fields on other clouds and a region name that cannot be a Keystone region here', async () => {
    expect(
      await failure(topologyFile('{ suite: bookworm }', '', 'RegionOne/x: { instances: [ { name: n1, image: base, os: debian12 } ] }')),
    ).toMatch(/"RegionOne\/x" is not an OpenStack region name/);
    const local = writeTree({
      'topology.yml': `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12: { local: { suite: bookworm } }
clouds:
  - name: lab
    provider: local
    cloud: nrec
    regions: { rack1: { instances: [ { name: n1, image: base, os: debian12 } ] } }
`,
      'playbooks/provision.yml': '- name: Play\n  hosts: all\n  tasks: []\n',
    });
    expect(await failure(path.join(local, 'topology.yml'))).toMatch(/"cloud" is for openstack clouds, but cloud "lab" is local/);
  });
});
