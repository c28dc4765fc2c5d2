/** Why a planned image is built: new lines, changed inputs by component, a moved base image, age, force, offline. */
import { describe, expect, it } from '@jest/globals';
import { baseState, reasonsFor, unresolvedBase, whyText, type ReasonInput } from '../../src/plan/reasons.js';
import { imageInputs } from '../../src/plan/inputs.js';
import { REASON_LIST_MAX, type History } from '../../src/plan/changes.js';
import { TEMPLATE_VERSION, type FingerprintInput } from '../../src/plan/fingerprint.js';
import { imageTags, type ImageRecord } from '../../src/images/index.js';
import { sanitizeLabels } from '../../src/providers/gcp/labels.js';
import type { FingerprintedImage, ResolvedBase } from '../../src/plan/types.js';

const COMMIT = 'a'.repeat(40);

function input(
  over: { variables?: Record<string, unknown>; files?: Record<string, string>; source?: object; template?: string } = {},
): FingerprintInput {
  return {
    provider: 'aws',
    recipe: { name: 'web', playbooks: ['playbooks/site.yml'], variables: over.variables ?? { packages: ['jq'], port: 80 }, build: {} },
    source: (over.source ?? { owner: '136693071363', name: 'debian-12-amd64-*' }) as FingerprintInput['source'],
    files: over.files ?? { 'playbooks/site.yml': '1'.repeat(64), 'playbooks/roles/web/tasks/main.yml': '2'.repeat(64) },
    templateVersion: over.template ?? TEMPLATE_VERSION,
  };
}

function image(fp: FingerprintInput, extra: Partial<FingerprintedImage> = {}): FingerprintedImage {
  return {
    cloud: 'aws-prod',
    provider: 'aws',
    image: 'web',
    os: 'debian12',
    fingerprint: 'f'.repeat(32),
    name: 'ib-web-debian12-ffff',
    owner: 'o',
    recipe: { ...fp.recipe, lineage: [] },
    source: fp.source,
    regions: ['eu-west-1'],
    buildRegion: 'eu-west-1',
    target: { name: 'aws-prod', provider: 'aws', build_region: 'eu-west-1', regions: {}, share: { accounts: [], public: false } },
    inputs: imageInputs(fp),
    ...extra,
  };
}

const OLD_BASE: ResolvedBase = {
  id: 'ami-0old',
  name: 'debian-12-amd64-20240101-1600',
  created: '2024-01-01T10:00:00.000Z',
  pinned: false,
};
const NEW_BASE: ResolvedBase = {
  id: 'ami-0new',
  name: 'debian-12-amd64-20240210-1700',
  created: '2024-02-10T10:00:00.000Z',
  pinned: false,
};

/** A record of an image built from `fp` on `base`, as a build of this release tags it (`full`: the store keeps the maps too). */
function built(
  fp: FingerprintInput | undefined,
  extra: { base?: ResolvedBase; full?: boolean; commit?: string; builtAt?: string; gcp?: boolean } = {},
): ImageRecord {
  const builtAt = extra.builtAt ?? '2024-01-20T00:00:00.000Z';
  const inputs = fp && { ...imageInputs(fp), base: extra.base };
  const tags = imageTags({
    fingerprint: 'e'.repeat(32),
    image: 'web',
    os: 'debian12',
    cloud: 'aws-prod',
    builtAt,
    gitSha: extra.commit,
    source: '136693071363/debian-12-amd64-*',
    inputs,
  });
  return {
    id: 'ami-0built',
    name: 'ib-web-debian12-eeee-20240120000000',
    cloud: 'aws-prod',
    region: 'eu-west-1',
    fingerprint: 'e'.repeat(32),
    image: 'web',
    os: 'debian12',
    state: 'available',
    channel: 'gold',
    verified: 'passed',
    createdAt: builtAt,
    tags: extra.gcp ? sanitizeLabels(tags) : tags,
    ...(extra.full && inputs ? { inputs } : {}),
  };
}

const NOW = Date.parse('2024-02-20T00:00:00.000Z');
const reasons = (over: Partial<ReasonInput> & Pick<ReasonInput, 'image'>) =>
  reasonsFor({ base: baseState(NEW_BASE), offline: false, force: false, now: NOW, ...over });

describe('reasonsFor', () => {
  it('a line without any image is new; a held fingerprint on the base the source resolves to needs nothing', () => {
    const fp = input();
    expect(reasons({ image: image(fp) })).toEqual([{ kind: 'new', text: 'new line: aws-prod has no web/debian12 image yet' }]);
    expect(reasons({ image: image(fp), current: built(fp, { base: NEW_BASE }) })).toEqual([]);
  });

  it('a moved base image rebuilds the held fingerprint, naming both upstream images with their dates', () => {
    const fp = input();
    const current = built(fp, { base: OLD_BASE });
    expect(reasons({ image: image(fp), current })).toEqual([
      {
        kind: 'base-moved',
        text: 'base image moved: ami-0old (debian-12-amd64-20240101-1600, 2024-01-01) -> ami-0new (debian-12-amd64-20240210-1700, 2024-02-10)',
        since: current.name,
        from: { id: 'ami-0old', name: 'debian-12-amd64-20240101-1600', created: '2024-01-01T10:00:00.000Z' },
        to: { id: 'ami-0new', name: 'debian-12-amd64-20240210-1700', created: '2024-02-10T10:00:00.000Z' },
      },
    ]);
  });

  it('reads a base image recorded in GCP labels (lowercased, cut at 63): a full image path compares by its image name', () => {
    const fp = input({ source: { project: 'debian-cloud', family: 'debian-12' } });
    const gcpBase = (name: string, created: string): ResolvedBase => ({
      id: `projects/debian-cloud/global/images/${name}`,
      name,
      created,
      pinned: false,
    });
    const old = gcpBase('debian-12-bookworm-v20240101', '2024-01-01T10:00:00.000Z');
    const now = gcpBase('debian-12-bookworm-v20240102', '2024-01-02T10:00:00.000Z');
    const current = built(fp, { base: old, gcp: true });
    expect(current.tags['ib-source-id']).toBe('debian-12-bookworm-v20240101');
    expect(current.tags['ib-source-date']).toBe('2024-01-01t10-00-00-000z');
    expect(reasons({ image: image(fp), current, base: baseState(old) })).toEqual([]);
    expect(reasons({ image: image(fp), current, base: baseState(now) }).map((r) => r.text)).toEqual([
      'base image moved: debian-12-bookworm-v20240101 (2024-01-01) -> projects/debian-cloud/global/images/debian-12-bookworm-v20240102 (debian-12-bookworm-v20240102, 2024-01-02)',
    ]);
  });

  it('an image that did not record its base counts as moved only when the upstream image was published after it was built', () => {
    const fp = input();
    const legacy = built(undefined, { builtAt: '2024-02-01T00:00:00.000Z' });
    expect(reasons({ image: image(fp), current: legacy, base: baseState(OLD_BASE) })).toEqual([]);
    expect(reasons({ image: image(fp), current: legacy })).toEqual([
      expect.objectContaining({
        kind: 'base-moved',
        text: `base image moved: ami-0new (debian-12-amd64-20240210-1700, 2024-02-10) was published after ${legacy.name} was built (2024-02-01), which did not record its base`,
      }),
    ]);
  });

  it('a pinned or unresolved base never moves', () => {
    const fp = input({ source: { ami: 'ami-0pin' } });
    const current = built(fp, { base: OLD_BASE });
    expect(reasons({ image: image(fp), current, base: baseState({ ...NEW_BASE, pinned: true }) })).toEqual([]);
    expect(reasons({ image: image(fp), current, base: baseState(undefined, 'not asked') })).toEqual([]);
  });

  it('rebuilds a current build older than rebuild_after; never, an unknown build time or a younger image do not', () => {
    const fp = input();
    const current = built(fp, { base: NEW_BASE, builtAt: '2024-01-01T00:00:00.000Z' });
    expect(reasons({ image: image(fp, { rebuildAfter: '30d' }), current })).toEqual([
      {
        kind: 'age',
        text: `older than rebuild_after 30d: ${current.name} was built 2024-01-01, 50 days ago`,
        since: current.name,
        builtAt: '2024-01-01T00:00:00.000Z',
        rebuildAfter: '30d',
      },
    ]);
    expect(reasons({ image: image(fp, { rebuildAfter: '8w' }), current })).toEqual([]);
    expect(reasons({ image: image(fp, { rebuildAfter: 'never' }), current })).toEqual([]);
    expect(reasons({ image: image(fp, { rebuildAfter: '1h' }), current: { ...current, createdAt: 'x', tags: {} } })).toEqual([]);
  });

  it('force and offline say so; offline compares nothing', () => {
    const fp = input();
    expect(reasons({ image: image(fp), force: true, current: built(fp, { base: NEW_BASE }) }).map((r) => r.kind)).toEqual(['forced']);
    expect(reasons({ image: image(fp), offline: true, base: unresolvedBase(image(fp), 'offline plan') }).map((r) => r.kind)).toEqual([
      'offline',
    ]);
    expect(unresolvedBase(image(input({ source: { ami: 'ami-0pin' } })), 'offline plan')).toEqual({
      state: 'pinned',
      resolved: { id: 'ami-0pin', name: 'ami-0pin', pinned: true },
      text: 'pinned to ami-0pin: it does not move',
    });
    expect(
      whyText([
        { kind: 'forced', text: 'a' },
        { kind: 'age', text: 'b' },
      ]),
    ).toBe('a; b');
  });
});

describe('changed inputs, since the newest image of the line', () => {
  const role = 'playbooks/roles/web/tasks/main.yml';
  const changedRole = { 'playbooks/site.yml': '1'.repeat(64), [role]: '3'.repeat(64), 'playbooks/roles/web/files/motd': '4'.repeat(64) };

  it('from the full record a store keeps: files added, removed and changed by path, variables by key', () => {
    const before = input({ files: { 'playbooks/site.yml': '1'.repeat(64), [role]: '2'.repeat(64), 'playbooks/old.yml': '5'.repeat(64) } });
    const after = input({ files: changedRole, variables: { packages: ['jq'], port: 8080, tz: 'UTC' } });
    const [reason] = reasons({ image: image(after), newest: built(before, { base: NEW_BASE, full: true }) });
    expect(reason.changes).toEqual([
      { component: 'variables', text: 'variables changed: port; added tz', changed: ['port'], added: ['tz'] },
      {
        component: 'files',
        text: `files changed: ${role}; added playbooks/roles/web/files/motd; removed playbooks/old.yml`,
        changed: [role],
        added: ['playbooks/roles/web/files/motd'],
        removed: ['playbooks/old.yml'],
      },
    ]);
    expect(reason.text).toBe(`inputs changed since ib-web-debian12-eeee-20240120000000: ${reason.changes!.map((c) => c.text).join('; ')}`);
  });

  it('from the build commit in the checkout; without it, names the component and what the detail needs', () => {
    const before = input();
    const after = input({ files: changedRole, variables: { packages: ['jq'], port: 8080 } });
    const asked: string[] = [];
    const history: History = {
      changedSince: (commit, files) => (
        asked.push(`${commit} ${files.join(',')}`),
        { changed: [role], added: ['playbooks/roles/web/files/motd'] }
      ),
      variablesAt: () => before.recipe.variables,
    };
    const newest = built(before, { base: NEW_BASE, commit: COMMIT });
    expect(reasons({ image: image(after), newest, history })[0].changes).toEqual([
      { component: 'variables', text: 'variables changed: port', changed: ['port'] },
      {
        component: 'files',
        text: `files changed since aaaaaaaaaaaa: ${role}; added playbooks/roles/web/files/motd`,
        changed: [role],
        added: ['playbooks/roles/web/files/motd'],
      },
    ]);
    expect(asked).toEqual([`${COMMIT} ${Object.keys(changedRole).join(',')}`]);

    const shallow: History = { changedSince: () => undefined, variablesAt: () => undefined };
    expect(reasons({ image: image(after), newest, history: shallow })[0].changes!.map((c) => c.text)).toEqual([
      "variables changed (which keys: the topology at aaaaaaaaaaaa is not in the checkout or differs from the build's)",
      'files changed (per-file detail needs the build commit aaaaaaaaaaaa in the checkout: fetch-depth: 0)',
    ]);
    // The commit's topology must give what the image recorded, or its keys would be a guess.
    const edited: History = { changedSince: () => undefined, variablesAt: () => ({ packages: ['curl'], port: 80 }) };
    expect(reasons({ image: image(after), newest, history: edited })[0].changes![0].text).toMatch(/^variables changed \(which keys/);
    expect(reasons({ image: image(after), newest: built(before, { base: NEW_BASE }) })[0].changes!.map((c) => c.text)).toEqual([
      'variables changed (which keys: the image records no build commit)',
      'files changed (which: the image records no build commit)',
    ]);
  });

  it('names the source as written, the template version, the recipe settings and a moved base image', () => {
    const before = input();
    const pinned = input({ source: { ami: 'ami-0pin' }, template: '99' });
    const after = { ...pinned, recipe: { ...pinned.recipe, build: { disk_size_gb: 20 } } };
    const [reason] = reasons({
      image: image(after),
      newest: built(before, { base: OLD_BASE }),
      base: baseState({ ...NEW_BASE, pinned: true }),
    });
    expect(reason.changes).toEqual([
      {
        component: 'source',
        text: 'source changed in the topology: 136693071363/debian-12-amd64-* -> ami-0pin',
        from: '136693071363/debian-12-amd64-*',
        to: 'ami-0pin',
      },
      { component: 'recipe', text: 'recipe settings changed (its playbooks list or build settings)' },
      { component: 'template', text: `template version ${TEMPLATE_VERSION} -> 99`, from: TEMPLATE_VERSION, to: '99' },
      expect.objectContaining({ component: 'base', text: expect.stringMatching(/^base image moved: ami-0old .* -> ami-0new /) }),
    ]);
  });

  it('an image of an earlier release records no inputs: said so; long lists are capped, the rest counted', () => {
    const after = input();
    expect(reasons({ image: image(after), newest: built(undefined) })[0].text).toBe(
      'inputs changed since ib-web-debian12-eeee-20240120000000: ib-web-debian12-eeee-20240120000000 records no inputs (built by an earlier release), so no detail',
    );
    const many = Object.fromEntries(Array.from({ length: REASON_LIST_MAX + 7 }, (_, i) => [`f/${String(i).padStart(3, '0')}`, 'x']));
    const [reason] = reasons({ image: image(input({ files: many })), newest: built(input({ files: {} }), { full: true, base: NEW_BASE }) });
    const files = reason.changes!.find((c) => c.component === 'files')!;
    expect([files.added!.length, files.more]).toEqual([REASON_LIST_MAX, 7]);
    expect(files.text).toBe('files changed: added f/000, f/001, f/002, f/003, f/004 and 52 more');
  });
});
