/**
 * A retired line on OpenStack against the real Keystone and Glance of
 * scripts/openstack/harness.sh, through the lifecycle command as a workflow
 * runs it, as a member-role user (not admin): run 1 deactivates the line's
 * images (Glance status `deactivated`, ib-retired-at recorded), run 2 within
 * lifecycle.delete_retired_after finds them still listed and keeps them,
 * run 3 past the window deletes them. And the provider's deactivate: an
 * image already deactivated only gets the time; a protected one is refused.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runLifecycle } from '../../../src/commands/lifecycle.js';
import { parseInputs, type Inputs } from '../../../src/io/inputs.js';
import { createOpenStackProvider, type OpenStackProvider } from '../../../src/providers/openstack/index.js';
import { imageTags, TAGS, type ImageRecord } from '../../../src/images/index.js';
import { recorder } from '../../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../../helpers/tree.js';
import { describeWithOpenStack } from './harness.js';
import { qcow2, testCloud } from './images.js';

const DAY = 86_400_000;

function topology(namespace: string): string {
  return `version: 1
namespace: ${namespace}
images:
  base: { playbooks: [playbooks/provision.yml] }
  old: { playbooks: [playbooks/provision.yml] }
sources:
  debian12:
    openstack: { image: base/base.qcow2 }
clouds:
  - name: nrec
    provider: openstack
    cloud: harness
    regions:
      RegionOne: { instances: [ { name: n, image: base, os: debian12 } ] }
lifecycle: { keep: 2, retired: [old], delete_retired_after: 7d }
`;
}

describeWithOpenStack('openstack: a retired line is deactivated first and deleted after delete_retired_after', (harness) => {
  const namespace = `os-retire-${randomBytes(4).toString('hex')}`;
  const fp = randomBytes(16).toString('hex');
  const saved = process.env.OS_CLIENT_CONFIG_FILE;
  let dir: string;
  let provider: OpenStackProvider;
  const retired: ImageRecord[] = [];

  /** An image of `recipe` owned by this test's topology, uploaded to RegionOne. */
  async function upload(recipe: string, name: string): Promise<ImageRecord> {
    const tags = imageTags({ fingerprint: fp, image: recipe, os: 'debian12', cloud: 'nrec', owner: namespace, channel: 'gold' });
    const fields = { name, cloud: 'nrec', region: 'RegionOne', fingerprint: fp, image: recipe, os: 'debian12', createdAt: '', tags };
    return provider.upload(
      qcow2(dir, `${name}.qcow2`, '1M'),
      { ...fields, state: 'available', channel: 'gold', verified: 'unverified' },
      {},
      'qcow2',
    );
  }

  beforeAll(async () => {
    const env = harness();
    dir = writeTree({
      'topology.yml': topology(namespace),
      'base/base.qcow2': 'disk',
      'playbooks/provision.yml': '- name: Play\n  hosts: all\n  tasks: []\n',
    });
    // The second project's user has the member role only: what it lists is what a project sees, not what an admin does.
    writeFileSync(
      path.join(dir, 'clouds.yaml'),
      `clouds:\n  harness:\n    auth:\n      auth_url: ${env.OS_AUTH_URL}\n      username: ${env.OS_SECOND_USERNAME}\n` +
        `      password: ${env.OS_SECOND_PASSWORD}\n      project_name: ${env.OS_SECOND_PROJECT_NAME}\n` +
        '      user_domain_id: default\n      project_domain_id: default\n    region_name: RegionOne\n',
    );
    process.env.OS_CLIENT_CONFIG_FILE = path.join(dir, 'clouds.yaml');
    provider = await createOpenStackProvider(testCloud({ name: 'nrec', cloud: 'harness' }), { baseDir: dir });
    retired.push(await upload('old', `ib-old-debian12-${fp.slice(0, 8)}-1`), await upload('old', `ib-old-debian12-${fp.slice(0, 8)}-2`));
  }, 120_000);

  afterAll(async () => {
    if (provider) {
      const glance = await provider.glance('RegionOne');
      for (const image of await glance.list({ [TAGS.fingerprint]: fp, visibility: 'all' })) {
        if (image.protected) await glance.patch(image.id, [{ op: 'replace', path: '/protected', value: false }]);
        await glance.remove(image.id);
      }
    }
    if (saved === undefined) delete process.env.OS_CLIENT_CONFIG_FILE;
    else process.env.OS_CLIENT_CONFIG_FILE = saved;
    removeTempDirs();
  }, 120_000);

  const inputs = (extra: Record<string, string>): Inputs =>
    parseInputs(
      (n) =>
        (
          ({
            command: 'lifecycle',
            topology: path.join(dir, 'topology.yml'),
            results: path.join(dir, 'results'),
            delete: 'true',
            ...extra,
          }) as Record<string, string>
        )[n] ?? '',
    );
  const status = async (id: string) => (await (await provider.glance('RegionOne')).get(id))?.status;
  const ours = async () => (await provider.inventory('RegionOne')).filter((r) => r.fingerprint === fp && r.image === 'old');
  const start = new Date();
  const fast = { sleep: async () => undefined };

  it('a dry run says what it would deactivate and when it would delete, and changes nothing', async () => {
    const reporter = recorder();
    const result = await runLifecycle(inputs({ 'dry-run': 'true' }), reporter, { ...fast, now: () => start });
    expect(result.deactivated).toBe(0);
    const deleteAt = new Date(start.getTime() + 7 * DAY).toISOString();
    for (const image of retired) {
      expect(reporter.infos.join('\n')).toContain(`would deactivate ${image.name} (${image.id}): retired, deleted from ${deleteAt} on`);
      expect(await status(image.id)).toBe('active');
    }
  }, 60_000);

  it('run 1: deactivates every image of the retired line and records when; Glance still lists them', async () => {
    const reporter = recorder();
    const result = await runLifecycle(inputs({}), reporter, { ...fast, now: () => start });
    expect(result.failures).toEqual([]);
    expect([result.deactivated, result.removed]).toEqual([2, 0]);
    for (const image of retired) {
      expect(await status(image.id)).toBe('deactivated');
      expect((await (await provider.glance('RegionOne')).get(image.id))?.[TAGS.retiredAt]).toBe(start.toISOString());
    }
    const listed = await ours();
    expect(listed.map((r) => [r.id, r.state, r.retiredAt]).sort()).toEqual(
      retired.map((r) => [r.id, 'deprecated', start.toISOString()]).sort(),
    );
    expect(reporter.texts.join('\n')).toMatch(/Retired images: deactivated first, deleted after delete_retired_after \(7d\)/);
  }, 60_000);

  it('run 2, within the window: both kept, still deactivated, with the time they will be deleted', async () => {
    const reporter = recorder();
    const result = await runLifecycle(inputs({}), reporter, { ...fast, now: () => new Date(start.getTime() + 3 * DAY) });
    expect(result.failures).toEqual([]);
    expect([result.deactivated, result.removed]).toEqual([0, 0]);
    const line = result.lines.find((l) => l.location.image === 'old');
    const deleteAt = new Date(start.getTime() + 7 * DAY).toISOString();
    expect(line?.decision.kept.map((k) => [k.record.id, k.reason, k.deleteAt]).sort()).toEqual(
      retired.map((r) => [r.id, 'retiring', deleteAt]).sort(),
    );
    for (const image of retired) expect(await status(image.id)).toBe('deactivated');
    expect(reporter.texts.join('\n')).toContain(`deactivated since ${start.toISOString()}, kept`);
  }, 60_000);

  it('run 3, past the window: both deleted', async () => {
    const result = await runLifecycle(inputs({}), recorder(), { ...fast, now: () => new Date(start.getTime() + 8 * DAY) });
    expect(result.failures).toEqual([]);
    expect([result.deactivated, result.removed]).toEqual([0, 2]);
    for (const image of retired) expect(await status(image.id)).toBeUndefined();
    expect(await ours()).toEqual([]);
  }, 60_000);

  it('deactivate on an image already deactivated only records the time', async () => {
    const image = await upload('old', `ib-old-debian12-${fp.slice(0, 8)}-again`);
    const glance = await provider.glance('RegionOne');
    await glance.deactivate(image.id);
    const at = new Date(start.getTime() + DAY);
    await provider.deactivate(image, at);
    expect(await glance.get(image.id)).toMatchObject({ status: 'deactivated', [TAGS.retiredAt]: at.toISOString() });
    expect((await ours()).find((r) => r.id === image.id)?.retiredAt).toBe(at.toISOString());
    await provider.remove(image);
  }, 60_000);

  it('a protected image is neither deactivated nor deleted, and the error says what to do', async () => {
    const image = await upload('old', `ib-old-debian12-${fp.slice(0, 8)}-protected`);
    const glance = await provider.glance('RegionOne');
    await glance.patch(image.id, [{ op: 'replace', path: '/protected', value: true }]);
    await expect(provider.deactivate(image, start)).rejects.toThrow(
      `image ${image.id} (${image.name}) is protected, so it is never deactivated or deleted; unset protected on it (openstack image set --unprotected) if it should go`,
    );
    await expect(provider.remove(image)).rejects.toThrow(`is protected, so it is never deleted`);
    const current = await glance.get(image.id);
    expect(current?.status).toBe('active');
    expect(current?.[TAGS.retiredAt]).toBeUndefined();
  }, 60_000);
});
