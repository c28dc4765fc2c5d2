/**
 * The OpenStack provider against a real Keystone and two real Glances
 * (RegionOne, RegionTwo) of scripts/openstack/harness.sh: upload, copy
 * between regions, tags, NREC naming, deprecation, sharing and removal.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOpenStackProvider, type OpenStackProvider } from '../../../src/providers/openstack/index.js';
import { TAGS, type ImageRecord } from '../../../src/images/index.js';
import { describeWithOpenStack, osEnv } from './harness.js';
import { qcow2, record, testCloud } from './images.js';

describeWithOpenStack('openstack provider against real Glance and Keystone', (harness) => {
  const fp = randomBytes(16).toString('hex');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'os-glance-'));
  const masked: string[] = [];
  let provider: OpenStackProvider;
  let nrec: OpenStackProvider;
  let built: ImageRecord;
  let copied: ImageRecord;

  beforeAll(async () => {
    const context = { baseDir: dir, env: osEnv(harness()), mask: (s: string) => void masked.push(s), sleep: async () => undefined };
    provider = await createOpenStackProvider(testCloud(), context);
    nrec = await createOpenStackProvider(testCloud({ naming: 'gold-prefix' }), context);
  });

  afterAll(async () => {
    if (!provider) return;
    for (const region of ['RegionOne', 'RegionTwo']) {
      for (const image of await provider.inventory(region))
        if (image.fingerprint === fp) await provider.remove(image).catch(() => undefined);
    }
  });

  it('masks the password and the token before any use', async () => {
    expect(masked).toContain(harness().OS_PASSWORD);
    expect(masked).toContain((await provider.session.token()).value);
  });

  it('uploads a qcow2 with our tags, os_distro and hw_* as properties, and Glance holds exactly the file', async () => {
    const file = qcow2(dir);
    built = await provider.upload(
      file,
      record(fp, `ib-base-debian12-${fp.slice(0, 16)}-1`),
      { os_distro: 'debian', properties: { hw_disk_bus: 'scsi' } },
      'qcow2',
    );
    const glance = await provider.glance('RegionOne');
    const image = await glance.get(built.id);
    expect(image).toMatchObject({
      status: 'active',
      disk_format: 'qcow2',
      visibility: 'private',
      os_distro: 'debian',
      hw_disk_bus: 'scsi',
      [TAGS.managedBy]: 'true',
      [TAGS.fingerprint]: fp,
      [TAGS.channel]: 'candidate',
      os_hash_algo: 'sha512',
      os_hash_value: createHash('sha512').update(readFileSync(file)).digest('hex'),
    });
    expect(built).toMatchObject({
      fingerprint: fp,
      channel: 'candidate',
      state: 'available',
      region: 'RegionOne',
      image: 'base',
      os: 'debian12',
    });
    expect((await provider.inventory('RegionOne')).filter((r) => r.fingerprint === fp).map((r) => r.id)).toEqual([built.id]);
  });

  it('uploading the same image again is idempotent: the image already there is the result', async () => {
    const again = await provider.upload(path.join(dir, 'image.qcow2'), record(fp, built.name), {}, 'qcow2');
    expect(again.id).toBe(built.id);
  });

  it('an image of that name and fingerprint holding other data is found out by its hash, deleted, and named', async () => {
    const name = `ib-base-debian12-${fp.slice(0, 16)}-x`;
    const first = await provider.upload(qcow2(dir, 'x.qcow2', '4M'), record(fp, name), {}, 'qcow2');
    await expect(provider.upload(qcow2(dir, 'y.qcow2', '2M'), record(fp, name), {}, 'qcow2')).rejects.toThrow(
      new RegExp(
        `region RegionOne: image ${first.id} does not hold the data of .*y\\.qcow2: Glance's sha512 is [0-9a-f]{128}, expected [0-9a-f]{128}; it was deleted, run again`,
      ),
    );
    expect(await (await provider.glance('RegionOne')).get(first.id)).toBeUndefined();
  });

  it('copies the image into RegionTwo by streaming it between the Glances, idempotently, with the same data', async () => {
    copied = await provider.copy(built, 'RegionTwo');
    expect(copied).toMatchObject({ region: 'RegionTwo', fingerprint: fp, name: built.name, state: 'available' });
    const [a, b] = [await (await provider.glance('RegionOne')).get(built.id), await (await provider.glance('RegionTwo')).get(copied.id)];
    expect(b?.os_hash_value).toBe(a?.os_hash_value);
    expect(b).toMatchObject({ disk_format: 'qcow2', [TAGS.fingerprint]: fp });
    expect((await provider.copy(built, 'RegionTwo')).id).toBe(copied.id);
    expect((await provider.inventory('RegionTwo')).filter((r) => r.fingerprint === fp).map((r) => r.id)).toEqual([copied.id]);
  });

  it('resumes a copy a broken run left queued in RegionTwo: the queued image gets the data', async () => {
    const name = `ib-base-debian12-${fp.slice(0, 16)}-resume`;
    const source = await provider.upload(qcow2(dir, 'resume.qcow2', '4M'), record(fp, name), {}, 'qcow2');
    const two = await provider.glance('RegionTwo');
    const queued = await two.create({
      name,
      disk_format: 'qcow2',
      container_format: 'bare',
      visibility: 'private',
      [TAGS.fingerprint]: fp,
    });
    expect(queued.status).toBe('queued');
    const copy = await provider.copy(source, 'RegionTwo');
    expect(copy.id).toBe(queued.id);
    expect(await two.get(queued.id)).toMatchObject({
      status: 'active',
      os_hash_value: (await (await provider.glance('RegionOne')).get(source.id))?.os_hash_value,
    });
    await provider.remove(copy);
    await provider.remove(source);
  });

  it('promotes in NREC style ("GOLD <name>"), then deprecates the old gold: hidden, "Outdated <name>", replacement recorded', async () => {
    const file = qcow2(dir, 'second.qcow2', '8M');
    const second = await nrec.upload(file, record(fp, `ib-base-debian12-${fp.slice(0, 16)}-2`), {}, 'qcow2');
    await nrec.tag(built, { [TAGS.channel]: 'gold' });
    await nrec.promote(built);
    const glance = await nrec.glance('RegionOne');
    expect((await glance.get(built.id))?.name).toBe(`GOLD ${built.name}`);
    // The next gold: the first is marked outdated and deprecated.
    await nrec.tag(second, { [TAGS.channel]: 'gold' });
    await nrec.promote(second);
    await nrec.tag(built, { [TAGS.channel]: 'outdated' });
    await nrec.deprecate(built, { replacement: second });
    const old = await glance.get(built.id);
    expect(old).toMatchObject({
      name: `Outdated ${built.name}`,
      os_hidden: true,
      [TAGS.channel]: 'outdated',
      [TAGS.replacement]: second.id,
    });
    expect(typeof old?.[TAGS.deprecatedAt]).toBe('string');
    expect((await glance.get(second.id))?.name).toBe(`GOLD ${second.name}`);
    // Hidden images stay in the inventory, as deprecated.
    const inventory = await nrec.inventory('RegionOne');
    expect(inventory.find((r) => r.id === built.id)).toMatchObject({ state: 'deprecated', channel: 'outdated' });
    expect(inventory.find((r) => r.id === second.id)).toMatchObject({ state: 'available', channel: 'gold' });
  });

  it('shares with the second project as an image member, and makes the image community-visible when public', async () => {
    const env = harness();
    await provider.share(copied, { accounts: [env.OS_SECOND_PROJECT_ID], public: false });
    const glance = await provider.glance('RegionTwo');
    expect((await glance.members(copied.id)).map((m) => [m.member_id, m.status])).toEqual([[env.OS_SECOND_PROJECT_ID, 'pending']]);
    expect((await glance.get(copied.id))?.visibility).toBe('shared');
    // Again: nothing to add, no error.
    await provider.share(copied, { accounts: [env.OS_SECOND_PROJECT_ID], public: false });
    // The member project can read it (and lists it once it accepts).
    const second = await createOpenStackProvider(testCloud(), { baseDir: dir, env: osEnv(env, 'second') });
    const theirs = await second.glance('RegionTwo');
    expect(await theirs.get(copied.id)).toMatchObject({ id: copied.id });
    await provider.share(copied, { accounts: [], public: true });
    expect((await glance.get(copied.id))?.visibility).toBe('community');
  });

  it('works the same for a project with the member role only (no admin): upload, list, tag, hide, share, remove', async () => {
    const member = await createOpenStackProvider(testCloud(), { baseDir: dir, env: osEnv(harness(), 'second') });
    const mine = await member.upload(qcow2(dir, 'member.qcow2', '2M'), record(fp, `ib-base-debian12-${fp.slice(0, 16)}-m`), {}, 'qcow2');
    const ours = async () => (await member.inventory('RegionOne')).filter((r) => r.fingerprint === fp);
    expect((await ours()).map((r) => r.id)).toEqual([mine.id]);
    await member.tag(mine, { [TAGS.channel]: 'gold' });
    await member.deprecate(mine);
    await member.share(mine, { accounts: [harness().OS_ADMIN_PROJECT_ID], public: true });
    expect(await (await member.glance('RegionOne')).get(mine.id)).toMatchObject({
      os_hidden: true,
      visibility: 'community',
      [TAGS.channel]: 'gold',
    });
    expect((await ours()).map((r) => [r.id, r.state])).toEqual([[mine.id, 'deprecated']]);
    await member.remove(mine);
    expect(await ours()).toEqual([]);
  });

  it('never deletes a protected image; removal deactivates, then deletes; a second removal is a no-op', async () => {
    const glance = await provider.glance('RegionTwo');
    await glance.patch(copied.id, [{ op: 'replace', path: '/protected', value: true }]);
    await expect(provider.remove(copied)).rejects.toThrow(/is protected, so it is never deleted; unset protected/);
    expect((await glance.get(copied.id))?.status).toBe('active');
    await glance.patch(copied.id, [{ op: 'replace', path: '/protected', value: false }]);
    await provider.remove(copied);
    expect(await glance.get(copied.id)).toBeUndefined();
    await provider.remove(copied);
  });
});
