/** What the OpenStack provider tests build with: the topology cloud, a small qcow2, a built image's record. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { imageTags, type ImageRecord } from '../../../src/images/index.js';
import type { Cloud } from '../../../src/topology/model.js';

export function testCloud(extra: Partial<Cloud> = {}): Cloud {
  return {
    name: 'os-test',
    provider: 'openstack',
    build_region: 'RegionOne',
    regions: { RegionOne: { instances: [] }, RegionTwo: { instances: [] } },
    share: { accounts: [], public: false },
    ...extra,
  };
}

/** A small empty qcow2 disk (qemu-img create): Glance takes it as any image data. */
export function qcow2(dir: string, name = 'image.qcow2', size = '16M'): string {
  const file = path.join(dir, name);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, size]);
  return file;
}

export function record(fingerprint: string, name: string, region = 'RegionOne'): Omit<ImageRecord, 'id'> {
  const tags = imageTags({ fingerprint, image: 'base', os: 'debian12', cloud: 'os-test', owner: 'test-owner', source: 'debian:bookworm' });
  return {
    name,
    cloud: 'os-test',
    region,
    fingerprint,
    image: 'base',
    os: 'debian12',
    state: 'available',
    channel: 'candidate',
    verified: 'unverified',
    createdAt: '',
    tags,
  };
}
