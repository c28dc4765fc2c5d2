import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
  const logs: string[] = [];
  const provider = new LocalProvider(cloud, { baseDir: dir, log: (m) => logs.push(m) });
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
  return { dir, provider, files, record, logs };
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

describe('LocalProvider: an image is its folder', () => {
  const metadataOf = (provider: LocalProvider, region: string, name: string) =>
    JSON.parse(readFileSync(path.join(provider.imageDir(region, name), 'metadata.json'), 'utf8')) as ImageRecord;

  it('lists a folder copied by hand into another region under that region and folder, and says so', async () => {
    const { provider, files, record, logs } = setup();
    await provider.add(record('ib-a', 'fp1'), files);
    mkdirSync(provider.regionDir('rack2'), { recursive: true });
    cpSync(provider.imageDir('rack1', 'ib-a'), provider.imageDir('rack2', 'hand-copy'), { recursive: true });
    const [copy] = await provider.inventory('rack2');
    expect(copy).toMatchObject({ id: 'rack2/hand-copy', region: 'rack2', name: 'hand-copy', fingerprint: 'fp1' });
    expect(logs.join('\n')).toContain(
      `${provider.imageDir('rack2', 'hand-copy')}: its metadata.json says id "rack1/ib-a", name "ib-a", region "rack1"; listed as rack2/hand-copy`,
    );
    // rack1 is untouched by what happens to the copy
    await provider.tag(copy, { 'ib-channel': 'gold' });
    await provider.remove(copy);
    expect(existsSync(provider.imageDir('rack2', 'hand-copy'))).toBe(false);
    expect((await provider.inventory('rack1')).map((r) => [r.id, r.channel])).toEqual([['rack1/ib-a', 'candidate']]);
  });

  it('acts on the folder a record names, never on the folder its metadata names', async () => {
    const { provider, files, record } = setup();
    await provider.add({ ...record('gold-img', 'fp1'), channel: 'gold' }, files);
    await provider.add(record('zz-stale', 'fp0'), files);
    const text = readFileSync(path.join(provider.imageDir('rack1', 'zz-stale'), 'metadata.json'), 'utf8');
    writeFileSync(path.join(provider.imageDir('rack1', 'zz-stale'), 'metadata.json'), text.replace(/zz-stale/g, 'gold-img'));
    const stale = (await provider.inventory('rack1')).find((r) => r.fingerprint === 'fp0') as ImageRecord;
    expect(stale).toMatchObject({ id: 'rack1/zz-stale', name: 'zz-stale' });
    await provider.deprecate(stale);
    expect(metadataOf(provider, 'rack1', 'gold-img').state).toBe('available');
    // the rewrite puts the folder's identity back into the file
    expect(metadataOf(provider, 'rack1', 'zz-stale')).toMatchObject({ id: 'rack1/zz-stale', name: 'zz-stale', state: 'deprecated' });
    await provider.remove(stale);
    expect(existsSync(provider.imageDir('rack1', 'gold-img'))).toBe(true);
    expect(existsSync(provider.imageDir('rack1', 'zz-stale'))).toBe(false);
  });

  it('refuses to change a folder that no longer holds the image listed, or a record naming no folder of its region', async () => {
    const { provider, files, record } = setup();
    const a = await provider.add(record('ib-a', 'fp1'), files);
    const other = { ...a, fingerprint: 'fp-other' };
    for (const op of [
      () => provider.tag(other, { x: 'y' }),
      () => provider.deprecate(other),
      () => provider.remove(other),
      () => provider.inUse(other),
    ]) {
      await expect(op()).rejects.toThrow('local store: rack1/ib-a now holds fingerprint fp1, not fp-other as listed: not changed');
    }
    await expect(provider.copy(other, 'rack2')).rejects.toThrow(/now holds fingerprint fp1/);
    await expect(provider.remove({ ...a, region: 'rack2' })).rejects.toThrow(/"rack1\/ib-a" does not name a folder of region rack2/);
    await expect(provider.tag({ ...a, id: 'rack1/../rack2/ib-a' }, {})).rejects.toThrow(/does not name a folder/);
    expect(metadataOf(provider, 'rack1', 'ib-a')).toMatchObject({ fingerprint: 'fp1', state: 'available' });
    expect(existsSync(provider.imageDir('rack1', 'ib-a'))).toBe(true);
  });

  it('copies into a region once, and never over another image of that name', async () => {
    const { provider, files, record } = setup();
    const a = await provider.add(record('ib-a', 'fp1'), files);
    await provider.add({ ...record('ib-a', 'fp2'), region: 'rack2' }, files);
    await expect(provider.copy(a, 'rack2')).rejects.toThrow(
      'local store: rack2/ib-a already exists and holds fingerprint fp2, not fp1: not overwritten',
    );
    expect(metadataOf(provider, 'rack2', 'ib-a').fingerprint).toBe('fp2');
  });

  it('takes an image already removed as removed', async () => {
    const { provider, files, record, logs } = setup();
    const a = await provider.add(record('ib-a', 'fp1'), files);
    await provider.remove(a);
    await provider.remove(a);
    expect(logs).toContain('local store: rack1/ib-a was already removed');
  });
});

describe('LocalProvider: one bad metadata file', () => {
  it('is skipped with a warning naming its folder; the rest of the region is listed', async () => {
    const { provider, files, record, logs } = setup();
    await provider.add(record('ib-good', 'fp1'), files);
    const bad: Record<string, string> = {
      'm-null': 'null',
      'm-empty': '{}',
      'm-json': '{"trunc',
      'm-list': '[1, 2]',
      'm-no-date': JSON.stringify({ ...record('x', 'fp'), createdAt: undefined }),
      'm-date-number': JSON.stringify({ ...record('x', 'fp'), createdAt: 1717236000000 }),
      'm-state': JSON.stringify({ ...record('x', 'fp'), state: 'running' }),
      'm-tags': JSON.stringify({ ...record('x', 'fp'), tags: 'image-builder=true' }),
      'm-tag-type': JSON.stringify({ ...record('x', 'fp'), tags: { 'image-builder': true } }),
      'm-fp': JSON.stringify({ ...record('x', 'fp'), fingerprint: null }),
    };
    for (const [folder, text] of Object.entries(bad)) writeTree({ [`${folder}/metadata.json`]: text }, provider.regionDir('rack1'));
    mkdirSync(path.join(provider.regionDir('rack1'), 'm-dir', 'metadata.json'), { recursive: true });
    writeTree({ 'foreign/metadata.json': JSON.stringify({ tags: { owner: 'someone' }, name: 'theirs' }) }, provider.regionDir('rack1'));
    writeTree({ 'has space/metadata.json': JSON.stringify(record('x', 'fp')) }, provider.regionDir('rack1'));

    expect((await provider.inventory('rack1')).map((r) => r.id)).toEqual(['rack1/ib-good']);
    const said = (folder: string) =>
      logs.find((l) => l.startsWith(`local store: skipped ${path.join(provider.regionDir('rack1'), folder)}: `));
    expect(said('m-null')).toMatch(/metadata.json holds null, not an image record$/);
    expect(said('m-empty')).toMatch(/metadata.json has no "tags" object$/);
    expect(said('m-json')).toMatch(/metadata.json is not valid JSON$/);
    expect(said('m-list')).toMatch(/holds a list/);
    expect(said('m-no-date')).toMatch(/"createdAt" is missing$/);
    expect(said('m-date-number')).toMatch(/"createdAt" is a number$/);
    expect(said('m-state')).toMatch(/"state" is a string \("running"\), not one of pending, available, failed, deprecated$/);
    expect(said('m-tags')).toMatch(/has no "tags" object$/);
    expect(said('m-tag-type')).toMatch(/tag "image-builder" is not text$/);
    expect(said('m-fp')).toMatch(/"fingerprint" is null$/);
    expect(said('m-dir')).toMatch(/metadata.json is a folder$/);
    expect(said('has space')).toMatch(/not a name an image folder can have/);
    // another tool's image is left alone without a word
    expect(said('foreign')).toBeUndefined();
    expect(logs).toHaveLength(Object.keys(bad).length + 2);
  });

  it('lists an image whose createdAt is text but no date: lifecycle decides what to do with it', async () => {
    const { provider, files, record } = setup();
    await provider.add(record('ib-a', 'fp1', '1717236000000'), files);
    expect((await provider.inventory('rack1')).map((r) => [r.id, r.createdAt])).toEqual([['rack1/ib-a', '1717236000000']]);
  });
});
