/**
 * The OpenStack build hooks against the real Glance of
 * scripts/openstack/harness.sh: the local QEMU machine (dry-run base image
 * here), the built qcow2 uploaded, converted to raw when the source asks, and
 * verification booting an overlay on a copy downloaded from Glance.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OpenStackBuildHooks } from '../../../src/providers/openstack/build.js';
import { createOpenStackProvider, type OpenStackProvider } from '../../../src/providers/openstack/index.js';
import { createBuildHooks } from '../../../src/providers/index.js';
import { TAGS } from '../../../src/images/index.js';
import { describeWithOpenStack, osEnv } from './harness.js';
import { qcow2, record, testCloud } from './images.js';

describeWithOpenStack('openstack build hooks against real Glance', (harness) => {
  const fp = randomBytes(16).toString('hex');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'os-build-'));
  let provider: OpenStackProvider;
  const made: string[] = [];

  beforeAll(async () => {
    provider = await createOpenStackProvider(testCloud(), { baseDir: dir, env: osEnv(harness()) });
  });
  afterAll(async () => {
    for (const image of await provider.inventory('RegionOne')) if (image.fingerprint === fp) await provider.remove(image);
  });

  async function built(source: Record<string, unknown>, name: string) {
    const hooks = new OpenStackBuildHooks(testCloud(), { baseDir: dir }, async () => provider);
    // The local QEMU path prepares the machine (a dry run: no debootstrap here) and remembers the source.
    const machine = await hooks.machine({
      name,
      source,
      work: path.join(dir, 'work'),
      dryRun: true,
      log: () => undefined,
      group: (_t, fn) => fn(),
    });
    expect(machine.files.kernel).toMatch(/vmlinuz$/);
    const outputDir = path.join(dir, name);
    mkdirSync(outputDir, { recursive: true });
    qcow2(outputDir, 'image.qcow2', '8M');
    const id = await hooks.store({ record: record(fp, name), artifactId: 'VM', outputDir, machine });
    made.push(id);
    return { hooks, id, outputDir };
  }

  it('the factory gives openstack clouds the upload hooks without logging in', async () => {
    const hooks = await createBuildHooks(testCloud(), { baseDir: dir, env: {} });
    expect(hooks).toBeInstanceOf(OpenStackBuildHooks);
  });

  it('uploads the qcow2 Packer wrote, with the source settings', async () => {
    const { id } = await built({ suite: 'bookworm', os_distro: 'debian', os_version: '12' }, `ib-base-debian12-${fp.slice(0, 8)}-q`);
    const image = await (await provider.glance('RegionOne')).get(id);
    expect(image).toMatchObject({ status: 'active', disk_format: 'qcow2', os_distro: 'debian', os_version: '12', [TAGS.fingerprint]: fp });
  });

  it('converts to raw with qemu-img when the source asks for disk_format: raw, as nodepool does', async () => {
    const { id, outputDir } = await built({ suite: 'bookworm', disk_format: 'raw' }, `ib-base-debian12-${fp.slice(0, 8)}-r`);
    const image = await (await provider.glance('RegionOne')).get(id);
    expect(image).toMatchObject({ status: 'active', disk_format: 'raw', size: 8 * 1024 * 1024 });
    // The raw file was a temporary: only Packer's qcow2 stays in the output folder.
    expect(existsSync(path.join(outputDir, 'image.raw'))).toBe(false);
  });

  it('verification boots a qcow2 overlay on a copy downloaded from Glance, released afterwards', async () => {
    const hooks = new OpenStackBuildHooks(testCloud(), { baseDir: dir }, async () => provider);
    const name = `ib-base-debian12-${fp.slice(0, 8)}-q`;
    const source = await hooks.verifySource({ region: 'RegionOne', name, imageId: made[0] }, path.join(dir, 'verify'));
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', source.source], { encoding: 'utf8' })) as Record<
      string,
      unknown
    >;
    expect(info).toMatchObject({ format: 'qcow2', 'backing-filename-format': 'qcow2', 'virtual-size': 8 * 1024 * 1024 });
    expect(statSync(String(info['full-backing-filename'])).size).toBeGreaterThan(0);
    await source.release();
    expect(existsSync(source.source)).toBe(false);
  });
});
