/** The fingerprint's components, as images record them (tags, manifest, store) and as a plan reads them back. */
import { describe, expect, it } from '@jest/globals';
import { imageInputs, pinnedId, recordedInputs, sameBase, sourceText } from '../../src/plan/inputs.js';
import { builtTime, tagTime } from '../../src/plan/built.js';
import { fingerprint, type FingerprintInput } from '../../src/plan/fingerprint.js';
import { imageTags, inputTags, manifestInputs, sourceIdTag } from '../../src/images/index.js';
import { sanitizeLabels } from '../../src/providers/gcp/labels.js';

const INPUT: FingerprintInput = {
  provider: 'gcp',
  recipe: { name: 'web', playbooks: ['playbooks/site.yml'], variables: { packages: ['jq'], port: 80 }, build: { disk_size_gb: 20 } },
  source: { project: 'debian-cloud', family: 'debian-12' },
  files: { 'playbooks/site.yml': '1'.repeat(64), 'builtin:roles/image_builder_manifest/tasks/main.yml': '2'.repeat(64) },
  templateVersion: '1',
};

describe('imageInputs', () => {
  it('splits the fingerprint input into components: every change to the fingerprint changes exactly one of them', () => {
    const base = imageInputs(INPUT);
    expect(Object.values(base.digests).every((d) => /^[0-9a-f]{16}$/.test(d))).toBe(true);
    const changes: [string, FingerprintInput][] = [
      ['source', { ...INPUT, source: { project: 'debian-cloud', family: 'debian-13' } }],
      ['variables', { ...INPUT, recipe: { ...INPUT.recipe, variables: { packages: ['jq'], port: 81 } } }],
      ['files', { ...INPUT, files: { ...INPUT.files, 'playbooks/site.yml': '3'.repeat(64) } }],
      ['recipe', { ...INPUT, recipe: { ...INPUT.recipe, build: { disk_size_gb: 30 } } }],
      ['recipe', { ...INPUT, recipe: { ...INPUT.recipe, playbooks: ['playbooks/other.yml'] } }],
      ['recipe', { ...INPUT, provider: 'aws' }],
    ];
    for (const [component, changed] of changes) {
      expect(fingerprint(changed)).not.toBe(fingerprint(INPUT));
      const now = imageInputs(changed).digests;
      const differ = Object.keys(now).filter((k) => now[k as keyof typeof now] !== base.digests[k as keyof typeof now]);
      expect({ component, differ }).toEqual({ component, differ: [component] });
    }
    expect(imageInputs({ ...INPUT, templateVersion: '2' }).template).toBe('2');
  });

  it('keeps a digest per variable and the sha256 of every file; key order changes nothing', () => {
    const inputs = imageInputs(INPUT);
    expect(Object.keys(inputs.variables)).toEqual(['packages', 'port']);
    expect(inputs.files).toEqual(INPUT.files);
    const reordered = imageInputs({ ...INPUT, recipe: { ...INPUT.recipe, variables: { port: 80, packages: ['jq'] } } });
    expect(reordered).toEqual(inputs);
  });
});

describe('what an image records of its inputs', () => {
  const inputs = imageInputs(INPUT);
  const base = {
    id: 'projects/debian-cloud/global/images/debian-12-bookworm-v20240101',
    name: 'debian-12-bookworm-v20240101',
    created: '2024-01-01T10:00:00.000Z',
    pinned: false,
  };

  it('as tags: a digest per component, the template, and the base image by its last path segment, within every label limit', () => {
    const tags = inputTags({ ...inputs, base });
    expect(tags).toEqual({
      'ib-digest-source': inputs.digests.source,
      'ib-digest-variables': inputs.digests.variables,
      'ib-digest-files': inputs.digests.files,
      'ib-digest-recipe': inputs.digests.recipe,
      'ib-template': '1',
      'ib-source-id': 'debian-12-bookworm-v20240101',
      'ib-source-name': 'debian-12-bookworm-v20240101',
      'ib-source-date': '2024-01-01T10:00:00.000Z',
    });
    expect(Object.values(sanitizeLabels(tags)).every((v) => v.length <= 63)).toBe(true);
    expect(sourceIdTag('ami-0123')).toBe('ami-0123');
    expect(sourceIdTag('x'.repeat(300))).toHaveLength(200);
  });

  it('as the manifest inside the image: lists of plain values, so no path becomes a key', () => {
    expect(manifestInputs({ ...inputs, base })).toEqual({
      base,
      digests: inputs.digests,
      template: '1',
      variables: [
        { key: 'packages', digest: inputs.variables.packages },
        { key: 'port', digest: inputs.variables.port },
      ],
      files: [
        { path: 'playbooks/site.yml', sha256: '1'.repeat(64) },
        { path: 'builtin:roles/image_builder_manifest/tasks/main.yml', sha256: '2'.repeat(64) },
      ],
    });
  });

  it('read back from tags, also as GCP keeps them, and the full maps only when they are maps of text', () => {
    const tags = sanitizeLabels(
      imageTags({
        fingerprint: 'f',
        image: 'web',
        os: 'd',
        cloud: 'c',
        gitSha: 'a'.repeat(40),
        source: 'debian-cloud/debian-12',
        inputs: { ...inputs, base },
      }),
    );
    const read = recordedInputs({ tags, inputs: { variables: inputs.variables, files: { bad: 1 } } });
    expect(read).toEqual({
      digests: inputs.digests,
      template: '1',
      sourceText: 'debian-cloud-debian-12',
      commit: 'a'.repeat(40),
      base: { id: 'debian-12-bookworm-v20240101', name: 'debian-12-bookworm-v20240101', created: '2024-01-01t10-00-00-000z' },
      variables: inputs.variables,
    });
    expect(sameBase(read.base!.id, base.id)).toBe(true);
    expect(sameBase(read.base!.id, base.id.replace('0101', '0102'))).toBe(false);
    expect(recordedInputs({ tags: {}, inputs: 'junk' })).toEqual({ digests: {} });
  });

  it('build times: ib-built-at (ISO or as a GCP label), else the creation time', () => {
    expect(tagTime('2024-05-01T12:00:00.000Z')).toBe(Date.parse('2024-05-01T12:00:00.000Z'));
    expect(tagTime('2024-05-01t12-00-00-000z')).toBe(Date.parse('2024-05-01T12:00:00.000Z'));
    expect(tagTime('2024-05-01t12-00-00z')).toBe(Date.parse('2024-05-01T12:00:00Z'));
    for (const bad of [undefined, '', '1717236000000', 'yesterday']) expect(tagTime(bad)).toBeUndefined();
    expect(builtTime({ tags: { 'ib-built-at': '2024-01-01T00:00:00Z' }, createdAt: '2024-03-01T00:00:00Z' })).toBe(
      Date.parse('2024-01-01T00:00:00Z'),
    );
    expect(builtTime({ tags: {}, createdAt: '2024-03-01T00:00:00Z' })).toBe(Date.parse('2024-03-01T00:00:00Z'));
  });
});

describe('sources', () => {
  it('pinned: an AWS ami, a GCP image, an Azure version other than latest; a local source never', () => {
    expect(pinnedId('aws', { ami: 'ami-1' })).toBe('ami-1');
    expect(pinnedId('aws', { owner: 'o', name: 'n' })).toBeUndefined();
    expect(pinnedId('gcp', { project: 'p', image: 'img' })).toBe('img');
    expect(pinnedId('gcp', { project: 'p', family: 'f' })).toBeUndefined();
    expect(pinnedId('azure', { publisher: 'P', offer: 'O', sku: 'S', version: '0.1.2' })).toBe('0.1.2');
    expect(pinnedId('azure', { publisher: 'P', offer: 'O', sku: 'S', version: 'latest' })).toBeUndefined();
    expect(pinnedId('local', { image: 'disk.qcow2' })).toBeUndefined();
    expect(sourceText({ publisher: 'P', offer: 'O', sku: 'S' })).toBe('P:O:S:latest');
  });
});
