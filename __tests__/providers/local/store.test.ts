import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { LocalProvider } from '../../../src/providers/local/store.js';
import { imageTags, type ImageRecord } from '../../../src/images/index.js';
import type { Cloud } from '../../../src/topology/model.js';
import { writeTree } from '../../helpers/tree.js';

const cloud: Cloud = {
  name: 'lab',
  provider: 'local',
  store: 'store',
  build_region: 'rack1',
  regions: { rack1: { instances: [] }, rack2: { instances: [] } },
  share: { accounts: [], public: false },
};

function setup() {
  const dir = writeTree({ 'build/image.qcow2': 'disk-bytes', 'build/vmlinuz': 'kernel', 'build/initrd.img': 'initrd' });
  const provider = new LocalProvider(cloud, { baseDir: dir });
  const files = { 'image.qcow2': path.join(dir, 'build/image.qcow2'), vmlinuz: path.join(dir, 'build/vmlinuz') };
  const record = (name: string, fp: string, createdAt = '2026-01-01T00:00:00.000Z'): Omit<ImageRecord, 'id'> => ({
    name,
    cloud: 'lab',
    region: 'rack1',
    fingerprint: fp,
    image: 'base',
    os: 'debian12',
    state: 'available',
    channel: 'candidate',
    verified: 'unverified',
    createdAt,
    tags: imageTags({ fingerprint: fp, image: 'base', os: 'debian12', cloud: 'lab' }),
  });
  return { dir, provider, files, record };
}

describe('LocalProvider', () => {
  it('stores an image with its metadata and lists it per region, oldest first', async () => {
    const { provider, files, record } = setup();
    expect(await provider.inventory('rack1')).toEqual([]);
    await provider.add(record('ib-b', 'fp2', '2026-02-01T00:00:00.000Z'), files);
    const a = await provider.add(record('ib-a', 'fp1'), files);
    expect(a.id).toBe('rack1/ib-a');
    const listed = await provider.inventory('rack1');
    expect(listed.map((r) => [r.name, r.fingerprint])).toEqual([
      ['ib-a', 'fp1'],
      ['ib-b', 'fp2'],
    ]);
    expect(readdirSync(provider.imageDir('rack1', 'ib-a')).sort()).toEqual(['image.qcow2', 'metadata.json', 'vmlinuz']);
    expect(await provider.inventory('rack2')).toEqual([]);
  });

  it('reads an image an earlier release deprecated (ib-replaced-by) with the current key ib-replacement', async () => {
    const { provider, files, record } = setup();
    const old = await provider.add(
      { ...record('ib-old', 'fp0'), tags: { ...record('ib-old', 'fp0').tags, 'ib-replaced-by': 'ib-new' } },
      files,
    );
    const [listed] = await provider.inventory('rack1');
    expect(listed.id).toBe(old.id);
    expect(listed.tags['ib-replacement']).toBe('ib-new');
  });

  it('refuses to overwrite an image and leaves no staging folder when a file is missing', async () => {
    const { provider, files, record } = setup();
    await provider.add(record('ib-a', 'fp1'), files);
    await expect(provider.add(record('ib-a', 'fp1'), files)).rejects.toThrow('already holds rack1/ib-a');
    await expect(provider.add(record('ib-c', 'fp3'), { 'image.qcow2': '/nonexistent/disk' })).rejects.toThrow(/ENOENT/);
    expect(readdirSync(provider.regionDir('rack1')).sort()).toEqual(['ib-a']);
  });

  it('ignores half-written folders', async () => {
    const { provider, files, record } = setup();
    await provider.add(record('ib-a', 'fp1'), files);
    mkdirSync(path.join(provider.regionDir('rack1'), 'torn'), { recursive: true });
    writeFileSync(path.join(provider.regionDir('rack1'), 'torn', 'metadata.json'), '{"trunc');
    mkdirSync(path.join(provider.regionDir('rack1'), '.staging-x'), { recursive: true });
    expect((await provider.inventory('rack1')).map((r) => r.name)).toEqual(['ib-a']);
  });

  it('copies between regions once (idempotent), tags, deprecates and removes', async () => {
    const { provider, files, record } = setup();
    const a = await provider.add(record('ib-a', 'fp1'), files);
    const copy = await provider.copy(a, 'rack2');
    expect(copy).toMatchObject({ id: 'rack2/ib-a', region: 'rack2', fingerprint: 'fp1', state: 'available' });
    expect(await provider.copy(a, 'rack2')).toEqual(copy);
    await provider.tag(copy, { 'ib-channel': 'gold' });
    const [gold] = await provider.inventory('rack2');
    expect(gold.channel).toBe('gold');
    await provider.share(gold, { accounts: ['team-a'], public: false });
    await provider.deprecate(gold, { replacement: a });
    const [dep] = await provider.inventory('rack2');
    expect(dep.state).toBe('deprecated');
    expect(dep.tags).toMatchObject({ 'ib-replacement': 'ib-a', 'ib-shared-with': 'team-a', 'ib-channel': 'gold' });
    await provider.remove(dep);
    expect(await provider.inventory('rack2')).toEqual([]);
    expect(existsSync(provider.imageDir('rack2', 'ib-a'))).toBe(false);
  });

  it('finds users of an image: markers and processes that hold its files', async () => {
    const { provider, files, record } = setup();
    const a = await provider.add(record('ib-a', 'fp1'), files);
    expect(await provider.inUse(a)).toEqual({ inUse: false, references: [] });
    mkdirSync(path.join(provider.imageDir('rack1', 'ib-a'), 'in-use'));
    writeFileSync(path.join(provider.imageDir('rack1', 'ib-a'), 'in-use', 'vm-7'), '');
    expect(await provider.inUse(a)).toEqual({ inUse: true, references: ['marker:vm-7'] });
    const disk = path.join(provider.imageDir('rack1', 'ib-a'), 'image.qcow2');
    const child = spawn('tail', ['-f', disk]);
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect((await provider.inUse(a)).references).toContain(`process:${child.pid}`);
    } finally {
      child.kill();
    }
  });

  it('rejects names that could escape the store', async () => {
    const { provider, files, record } = setup();
    await expect(provider.add({ ...record('../x', 'fp'), name: '../x' }, files)).rejects.toThrow(/cannot name a folder/);
  });
});
