/**
 * The GCP provider's surface through the real @google-cloud/compute client
 * (REST mode) against the local fake (__tests__/fakes/gcp/server.ts).
 * Failures and retries: gcp-errors.test.ts; credentials and endpoints: gcp-clients.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { labelValue, sanitizeLabels } from '../../../src/providers/gcp/labels.js';
import type { GcpProvider } from '../../../src/providers/gcp/index.js';
import { startGcpFake } from '../../fakes/gcp/server.js';
import { PROJECT, gcpCloud as cloud, useGcpFake } from '../../fakes/gcp/harness.js';

const gcp = useGcpFake({ pageSize: 3, deletePolls: 3 });

describe('inventory', () => {
  it('lists every managed image across pages with the label filter, mapped to records', async () => {
    for (let i = 0; i < 7; i++) gcp.seedManaged(`ib-base-debian12-${i}`);
    gcp.fake.seedImage({ name: 'someone-elses', labels: { team: 'x' } });
    const p = await gcp.provider();
    const records = await p.inventory('europe-west1');
    expect(records.map((r) => r.name)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `ib-base-debian12-${i}`));
    expect(records[0]).toMatchObject({
      id: 'ib-base-debian12-0',
      cloud: 'gcp-prod',
      region: 'europe-west1',
      fingerprint: 'fp-ib-base-debian12-0',
      image: 'base',
      os: 'debian12',
      state: 'available',
      channel: 'candidate',
      verified: 'unverified',
      createdAt: '2024-01-01T00:00:01.000Z',
    });
    const lists = gcp.fake.calls.log.filter((c) => c.op === 'images.list');
    expect(lists.map((c) => c.query.pageToken)).toEqual([undefined, expect.any(String), expect.any(String)]);
    expect(lists[0]).toMatchObject({
      method: 'GET',
      path: `/compute/v1/projects/${PROJECT}/global/images`,
      query: { filter: 'labels.image-builder = "true"', maxResults: '500' },
      token: 'fake-access-token',
    });
    expect(p.scope).toBe('global');
    expect(gcp.masked).toEqual(['fake-access-token']);
  });

  it('makes one list chain for any number of regions, records carrying the asked region', async () => {
    for (let i = 0; i < 5; i++) gcp.seedManaged(`img-${i}`);
    const p = await gcp.provider({ pageSize: 2 });
    const regions = Array.from({ length: 20 }, (_, i) => `region-${i}`);
    const results = await Promise.all(regions.map((r) => p.inventory(r)));
    expect(results.map((r) => r.length)).toEqual(regions.map(() => 5));
    expect(results.map((r) => r[0].region)).toEqual(regions);
    expect(gcp.fake.calls.count('images.list')).toBe(3);
    await p.inventory('one-more');
    expect(gcp.fake.calls.count('images.list')).toBe(3);
  });

  it('maps status and deprecation; DELETING images are left out', async () => {
    gcp.seedManaged('a-ready', {}, { status: 'READY' });
    gcp.seedManaged('b-pending', {}, { status: 'PENDING' });
    gcp.seedManaged('c-failed', {}, { status: 'FAILED' });
    gcp.seedManaged('d-deleting', {}, { status: 'DELETING' });
    gcp.seedManaged('e-deprecated', {}, { deprecated: { state: 'DEPRECATED' } });
    gcp.seedManaged('f-obsolete', {}, { deprecated: { state: 'OBSOLETE' } });
    gcp.seedManaged('g-active', {}, { deprecated: { state: 'ACTIVE' } });
    const records = await (await gcp.provider()).inventory('us-east1');
    expect(Object.fromEntries(records.map((r) => [r.name, r.state]))).toEqual({
      'a-ready': 'available',
      'b-pending': 'pending',
      'c-failed': 'failed',
      'e-deprecated': 'deprecated',
      'f-obsolete': 'deprecated',
      'g-active': 'available',
    });
  });

  it('reads channel and verdict from labels and gives back the cloud name it sanitized', async () => {
    gcp.seedManaged('gold-one', { 'ib-channel': 'gold', 'ib-verified': 'passed', 'ib-cloud': labelValue('GCP.Prod') });
    const p = await gcp.provider({}, 't', { ...cloud, name: 'GCP.Prod' });
    const [r] = await p.inventory('x');
    expect(r).toMatchObject({ cloud: 'GCP.Prod', channel: 'gold', verified: 'passed' });
  });
});

describe('copy', () => {
  it('returns the same image for the region without calling GCP', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    const image = await gcp.record(p, 'img');
    gcp.fake.calls.reset();
    const copy = await p.copy(image, 'asia-east1', { wait: true });
    expect(copy).toEqual({ ...image, region: 'asia-east1' });
    expect(gcp.fake.calls.count()).toBe(0);
  });
});

describe('tag', () => {
  it('merges sanitized labels using the label fingerprint', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    const image = await gcp.record(p, 'img');
    await p.tag(image, { 'ib-channel': 'gold', 'ib-built-at': '2024-05-01T12:00:00.000Z', 'ib-version': '1.2.3' });
    const labels = gcp.fake.state.image(PROJECT, 'img')!.labels;
    expect(labels).toMatchObject({
      'image-builder': 'true',
      'ib-channel': 'gold',
      'ib-built-at': '2024-05-01t12-00-00-000z',
      'ib-version': '1-2-3',
    });
    const set = gcp.fake.calls.log.find((c) => c.op === 'images.setLabels')!;
    expect(set).toMatchObject({ method: 'POST', path: `/compute/v1/projects/${PROJECT}/global/images/img/setLabels` });
    expect(set.body).toMatchObject({ labelFingerprint: expect.any(String), labels });
    expect((await gcp.record(p, 'img')).channel).toBe('gold');
  });

  it('reads again and retries when the fingerprint changed meanwhile (412)', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    const image = await gcp.record(p, 'img');
    gcp.fake.failNext('images.setLabels', { status: 412 });
    await p.tag(image, { 'ib-channel': 'outdated' });
    expect(gcp.fake.calls.count('images.get')).toBe(2);
    expect(gcp.fake.calls.count('images.setLabels')).toBe(2);
    expect(gcp.fake.state.image(PROJECT, 'img')!.labels['ib-channel']).toBe('outdated');
  });

  it('does not call setLabels when nothing changes', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    await p.tag(await gcp.record(p, 'img'), { 'ib-channel': 'candidate' });
    expect(gcp.fake.calls.count('images.setLabels')).toBe(0);
  });

  it('sanitizes values the same way for a Packer template', () => {
    expect(sanitizeLabels({ 'ib-source': 'projects/debian-cloud/global/images/family/debian-12' })).toEqual({
      'ib-source': 'projects-debian-cloud-global-images-family-debian-12',
    });
    expect(labelValue('x'.repeat(80))).toHaveLength(63);
    expect(() => sanitizeLabels({ '1bad': 'v' })).toThrow(/must start with a lowercase letter/);
  });
});

describe('share', () => {
  it('grants roles/compute.imageUser to the principals and allAuthenticatedUsers when public', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    const image = await gcp.record(p, 'img');
    await p.share(image, {
      accounts: ['user:alice@example.com', 'deployer@proj.iam.gserviceaccount.com', 'group:ops@example.com', 'domain:example.com'],
      public: true,
    });
    expect(gcp.fake.state.policy(PROJECT, 'img')!.bindings).toEqual([
      {
        role: 'roles/compute.imageUser',
        members: [
          'user:alice@example.com',
          'serviceAccount:deployer@proj.iam.gserviceaccount.com',
          'group:ops@example.com',
          'domain:example.com',
          'allAuthenticatedUsers',
        ],
      },
    ]);
    expect(gcp.fake.calls.log.find((c) => c.op === 'images.setIamPolicy')!.body).toEqual({
      policy: {
        version: 1,
        etag: expect.any(String),
        bindings: [{ role: 'roles/compute.imageUser', members: expect.arrayContaining(['allAuthenticatedUsers']) }],
      },
    });
    const get = gcp.fake.calls.log.find((c) => c.op === 'images.getIamPolicy')!;
    expect(get.query).toEqual({ optionsRequestedPolicyVersion: '3' });
    await p.share(image, { accounts: ['user:alice@example.com'], public: false });
    expect(gcp.fake.calls.count('images.setIamPolicy')).toBe(1);
  });

  it('starts over on a concurrent policy change (409) and refuses non-principals', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    const image = await gcp.record(p, 'img');
    gcp.fake.failNext('images.setIamPolicy', { status: 409 });
    await p.share(image, { accounts: ['user:bob@example.com'], public: false });
    expect(gcp.fake.calls.count('images.getIamPolicy')).toBe(2);
    expect(gcp.fake.state.policy(PROJECT, 'img')!.bindings[0].members).toEqual(['user:bob@example.com']);
    await expect(p.share(image, { accounts: ['123456789012'], public: false })).rejects.toThrow(/not an IAM principal/);
  });
});

describe('deprecate', () => {
  it('deprecates with the replacement URL and time, and inventory shows it', async () => {
    gcp.seedManaged('old');
    gcp.seedManaged('new');
    const p = await gcp.provider();
    const [oldImage, newImage] = [await gcp.record(p, 'old'), await gcp.record(p, 'new')];
    await p.deprecate(oldImage, { replacement: newImage, at: new Date('2030-01-01T00:00:00Z') });
    expect(gcp.fake.state.image(PROJECT, 'old')!.deprecated).toEqual({
      state: 'DEPRECATED',
      deprecated: '2030-01-01T00:00:00.000Z',
      replacement: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/images/new`,
    });
    expect(gcp.fake.calls.log.find((c) => c.op === 'images.deprecate')).toMatchObject({
      method: 'POST',
      path: `/compute/v1/projects/${PROJECT}/global/images/old/deprecate`,
    });
    expect((await gcp.record(p, 'old')).state).toBe('deprecated');
  });
});

describe('promote', () => {
  it('puts the gold image into its family, so family/ resolves to it and never to a newer candidate', async () => {
    gcp.seedManaged('old', {}, { family: 'ib-base-debian12' });
    gcp.seedManaged('gold');
    gcp.seedManaged('candidate');
    const p = await gcp.provider();
    expect(gcp.fake.state.fromFamily(PROJECT, 'ib-base-debian12')?.name).toBe('old');
    await p.promote!(await gcp.record(p, 'gold'));
    expect(gcp.fake.state.image(PROJECT, 'gold')!.family).toBe('ib-base-debian12');
    expect(gcp.fake.state.image(PROJECT, 'candidate')!.family).toBeUndefined();
    expect(gcp.fake.calls.log.find((c) => c.op === 'images.patch')).toMatchObject({
      method: 'PATCH',
      path: `/compute/v1/projects/${PROJECT}/global/images/gold`,
      body: { family: 'ib-base-debian12' },
    });
    const [served] = await (p as GcpProvider).clients.images.getFromFamily({ project: PROJECT, family: 'ib-base-debian12' });
    expect(served.name).toBe('gold');
    await p.deprecate(await gcp.record(p, 'old'), { replacement: await gcp.record(p, 'gold') });
    expect(gcp.fake.state.fromFamily(PROJECT, 'ib-base-debian12')?.name).toBe('gold');
  });

  it('leaves an image already in its family alone', async () => {
    gcp.seedManaged('gold', {}, { family: 'ib-base-debian12' });
    const p = await gcp.provider();
    await p.promote!(await gcp.record(p, 'gold'));
    expect(gcp.fake.calls.count('images.patch')).toBe(0);
  });
});

describe('remove', () => {
  it('deletes and waits on the global operation until DONE', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    await p.remove(await gcp.record(p, 'img'));
    expect(gcp.fake.state.image(PROJECT, 'img')).toBeUndefined();
    expect(gcp.fake.calls.count('images.delete')).toBe(1);
    expect(gcp.fake.calls.count('globalOperations.wait')).toBe(3);
    const del = gcp.fake.calls.log.find((c) => c.op === 'images.delete')!;
    expect(del).toMatchObject({ method: 'DELETE', path: `/compute/v1/projects/${PROJECT}/global/images/img` });
    expect(gcp.fake.calls.log.find((c) => c.op === 'globalOperations.wait')!.path).toMatch(
      new RegExp(`^/compute/v1/projects/${PROJECT}/global/operations/operation-[\\w-]+/wait$`),
    );
    expect(gcp.sleeps).toEqual([5, 5]);
    expect(await p.inventory('europe-west1')).toEqual([]);
  });

  it('surfaces the operation error', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    gcp.fake.failNext('images.delete', {
      status: 200,
      operationError: { code: 'RESOURCE_IN_USE_BY_ANOTHER_RESOURCE', message: 'used by instance vm-1' },
    });
    await expect(p.remove(await gcp.record(p, 'img'))).rejects.toThrow(
      /cloud "gcp-prod".*images\.delete operation operation-\S+ failed \(HTTP 400\): RESOURCE_IN_USE_BY_ANOTHER_RESOURCE: used by instance vm-1/,
    );
    expect(gcp.fake.state.image(PROJECT, 'img')).toBeDefined();
  });

  it('treats an image already gone as removed', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    const image = await gcp.record(p, 'img');
    gcp.fake.state.deleteImage(PROJECT, 'img');
    await expect(p.remove(image)).resolves.toBeUndefined();
  });
});

describe('inUse', () => {
  it('finds instances, unattached disks and templates (global and regional) built on the image', async () => {
    const img = gcp.seedManaged('img');
    gcp.seedManaged('spare');
    gcp.fake.seedInstance({ name: 'vm-1', zone: 'europe-west1-b', sourceImage: img.selfLink });
    gcp.fake.seedInstance({ name: 'vm-2', zone: 'us-east1-c', sourceImage: `projects/${PROJECT}/global/images/img` });
    gcp.fake.seedDisk({ name: 'loose', zone: 'us-east1-c', sourceImage: img.selfLink });
    gcp.fake.seedDisk({ name: 'other', zone: 'us-east1-c', sourceImage: 'projects/debian-cloud/global/images/img' });
    gcp.fake.seedTemplate({ name: 'tpl', sourceImage: 'global/images/img' });
    gcp.fake.seedTemplate({ name: 'tpl-r', scope: 'regions/us-east1', sourceImage: img.selfLink });
    gcp.fake.seedTemplate({ name: 'tpl-family', sourceImage: `projects/${PROJECT}/global/images/family/img` });
    const p = await gcp.provider({ pageSize: 2 });
    expect(await p.inUse(await gcp.record(p, 'img'))).toEqual({
      inUse: true,
      references: [
        'global/instanceTemplates/tpl',
        'regions/us-east1/instanceTemplates/tpl-r',
        'zones/europe-west1-b/instances/vm-1',
        'zones/us-east1-c/disks/loose',
        'zones/us-east1-c/instances/vm-2',
      ],
    });
    expect(gcp.fake.calls.count('disks.aggregatedList')).toBe(2);
    expect(gcp.fake.calls.count('instanceTemplates.aggregatedList')).toBe(2);
    expect(await p.inUse(await gcp.record(p, 'spare'))).toEqual({ inUse: false, references: [] });
  });
});

describe('the fake', () => {
  it('adds a fixed latency to every answer when asked (benchmarks use 50 ms)', async () => {
    const slow = await startGcpFake({ latencyMs: 50 });
    try {
      const started = Date.now();
      const response = await fetch(`${slow.url}/compute/v1/projects/${PROJECT}/global/images`, {
        headers: { authorization: 'Bearer t' },
      });
      expect(await response.json()).toEqual({ kind: 'compute#imageList', id: 'projects/list', items: [] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      expect(slow.calls.count('images.list', PROJECT)).toBe(1);
    } finally {
      await slow.close();
    }
  });
});
