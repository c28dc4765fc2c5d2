/**
 * build then verify of a GCP and an Azure cell, end to end: the real
 * commands and providers against the Compute and ARM fakes on 127.0.0.1, and
 * the Packer stand-in (helpers/fake-packer.ts) holding the plugins' rules:
 * - GCP: the zone the template names must exist (europe-west1 has b, c, d),
 *   and verification must not name the image it boots (#1, #2);
 * - Azure: Packer builds with rights on the topology's resource group only,
 *   and verifies the gallery version the build published, with the azure
 *   plugin pinned to a line that accepts skip_create_image alone (#3, #4).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runBuild } from '../../src/commands/build.js';
import { runVerify } from '../../src/commands/verify.js';
import { runPlan } from '../../src/commands/plan.js';
import { writeResult, type BuildResult } from '../../src/commands/results.js';
import { parseInputs } from '../../src/io/inputs.js';
import { loadTopology } from '../../src/topology/index.js';
import { fingerprinted } from '../../src/plan/images.js';
import { imageTags } from '../../src/images/index.js';
import { azureImageDefinition, azureVersionName } from '../../src/providers/azure/names.js';
import { AZURE_OIDC_ENV } from '../../src/packer/sources/azure.js';
import { startGcpFake, type GcpFake } from '../fakes/gcp/server.js';
import { startAzureFake, type AzureFake } from '../fakes/azure/server.js';
import { withFakePacker, type FakePackerOptions } from '../helpers/fake-packer.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, tempDir, writeTree } from '../helpers/tree.js';

const AZURE_TOKEN = 'fake-azure-token-c0de';
const ENV_KEYS = [
  'IMAGE_BUILDER_GCP_ENDPOINT',
  'IMAGE_BUILDER_AZURE_ENDPOINT',
  'IMAGE_BUILDER_AZURE_ACCESS_TOKEN',
  'IMAGE_BUILDER_AZURE_CA_FILE',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  ...Object.values(AZURE_OIDC_ENV),
] as const;
const saved = ENV_KEYS.map((k) => process.env[k]);

let gcp: GcpFake;
let azure: AzureFake;
beforeAll(async () => {
  [gcp, azure] = await Promise.all([startGcpFake(), startAzureFake({ token: AZURE_TOKEN })]);
  const ca = path.join(tempDir('ib-ca-'), 'fake-ca.pem');
  writeFileSync(ca, azure.ca);
  for (const k of Object.values(AZURE_OIDC_ENV)) delete process.env[k];
  Object.assign(process.env, {
    IMAGE_BUILDER_GCP_ENDPOINT: gcp.url,
    IMAGE_BUILDER_AZURE_ENDPOINT: azure.url,
    IMAGE_BUILDER_AZURE_ACCESS_TOKEN: AZURE_TOKEN,
    IMAGE_BUILDER_AZURE_CA_FILE: ca,
    // Anything not aimed at the fakes fails at once instead of reaching the internet.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
  });
});
afterAll(async () => {
  await Promise.all([gcp.close(), azure.close()]);
  ENV_KEYS.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i])));
  removeTempDirs();
});

const TOPOLOGY = `version: 1
images:
  base:
    playbooks: [p.yml]
sources:
  debian12:
    gcp: { project: debian-cloud, family: debian-12 }
    azure: { publisher: Debian, offer: debian-12, sku: 12-gen2, version: latest }
clouds:
  - name: gcp-prod
    provider: gcp
    project: test-project
    regions:
      europe-west1: { instances: [ { name: n, image: base, os: debian12 } ] }
  - name: azure-prod
    provider: azure
    subscription: 00000000-0000-0000-0000-000000000001
    resource_group: images-rg
    gallery: image_builder
    regions:
      westeurope: { instances: [ { name: n, image: base, os: debian12 } ] }
`;

async function setup() {
  const dir = writeTree({ 'p.yml': '- hosts: all\n  tasks: []\n', 'topology.yml': TOPOLOGY });
  const inputs = (extra: Record<string, string> = {}) =>
    parseInputs(
      (n) =>
        (
          ({
            topology: path.join(dir, 'topology.yml'),
            'plan-file': path.join(dir, 'plan.json'),
            results: path.join(dir, 'results'),
            'work-dir': path.join(dir, 'work'),
            'gcp-access-token': 'fake-gcp-token',
            offline: 'true',
            ...extra,
          }) as Record<string, string>
        )[n] ?? '',
    );
  const { plan } = await runPlan(inputs(), recorder());
  const cell = (cloud: string) => JSON.stringify(plan.builds.find((b) => b.cloud === cloud));
  const owner = fingerprinted(await loadTopology(path.join(dir, 'topology.yml')), { clouds: [], images: [] })[0].owner;
  /** The result file a build of `cloud`'s cell leaves, naming the image it made. */
  const result = async (cloud: string, name: string, imageId: string, builtAt: Date): Promise<BuildResult> => {
    const planned = plan.builds.find((b) => b.cloud === cloud)!;
    const written: BuildResult = {
      version: 1,
      cloud,
      provider: planned.provider,
      image: planned.image,
      os: planned.os,
      fingerprint: planned.fingerprint,
      name,
      region: planned.region,
      regions: planned.regions,
      imageId,
      builtAt: builtAt.toISOString(),
      durationSeconds: 600,
      packerVersion: '1.11.2',
      verified: 'unverified',
    };
    await writeResult(path.join(dir, 'results'), written);
    return written;
  };
  return { dir, inputs, cell, owner, result };
}

const MODERN: FakePackerOptions = { version: '1.11.2' };
const variables = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('GCP build and verify', () => {
  it('builds in a zone the region has (europe-west1-b, not -a) and verifies the image it made (#1, #2)', async () => {
    const { dir, inputs, cell, owner } = await setup();
    const zones = [...gcp.state.zones.keys()];
    const built = await withFakePacker(dir, { ...MODERN, gcpZones: zones }, () =>
      runBuild(inputs({ command: 'build', cell: cell('gcp-prod') }), recorder()),
    );
    expect(variables(built.varFile)).toMatchObject({ zone: 'europe-west1-b', image_name: built.result?.name });
    const result = built.result!;
    expect(result).toMatchObject({ cloud: 'gcp-prod', imageId: result.name, region: 'europe-west1' });

    // What Packer made, as Compute Engine lists it.
    gcp.seedImage({
      name: result.name,
      labels: imageTags({ fingerprint: result.fingerprint, image: 'base', os: 'debian12', cloud: 'gcp-prod', owner }),
    });
    const out = await withFakePacker(dir, { ...MODERN, gcpZones: zones, existing: [result.name] }, () =>
      runVerify(inputs({ command: 'verify', cell: cell('gcp-prod') }), recorder()),
    );
    expect(out.verdict).toBe('passed');
    expect(gcp.state.image('test-project', result.name)?.labels['ib-verified']).toBe('passed');
    const verifyVars = variables(path.join(dir, 'work', `gcp-prod--${result.name}--verify`, 'image.pkrvars.json'));
    expect(verifyVars).toMatchObject({ zone: 'europe-west1-b', source_image: result.name });
    expect(verifyVars).not.toHaveProperty('image_name');
  });

  it('a dry run asks no cloud: the template says the zone is chosen at build time, with a warning', async () => {
    const { dir, inputs, cell } = await setup();
    gcp.calls.reset();
    const r = recorder();
    const out = await withFakePacker(dir, MODERN, () =>
      runBuild(inputs({ command: 'build', 'dry-run': 'true', cell: cell('gcp-prod') }), r),
    );
    expect(variables(out.varFile).zone).toBe('europe-west1-zone-chosen-at-build-time');
    expect(r.warnings.join('\n')).toMatch(
      /names no zone, so the dry run's template has the placeholder .* a real build picks a zone of europe-west1/,
    );
    expect(gcp.calls.count()).toBe(0);
  });
});

describe('verification of a built image', () => {
  const BUILT = new Date('2026-11-28T20:10:15Z');

  it('GCP: the verify template does not name the image it boots, so googlecompute does not halt on it (#2)', async () => {
    const { dir, inputs, cell, owner, result } = await setup();
    // Named as before builds stamped names (the rule holds whatever the name).
    const { fingerprint, name } = JSON.parse(cell('gcp-prod'));
    await result('gcp-prod', name, name, BUILT);
    gcp.seedImage({ name, labels: imageTags({ fingerprint, image: 'base', os: 'debian12', cloud: 'gcp-prod', owner }) });
    const out = await withFakePacker(dir, { ...MODERN, gcpZones: [...gcp.state.zones.keys()], existing: [name] }, () =>
      runVerify(inputs({ command: 'verify', cell: cell('gcp-prod') }), recorder()),
    );
    expect(out).toMatchObject({ verdict: 'passed', result: { name, imageId: name, verified: 'passed' } });
  });

  it('Azure: verification boots the gallery version by name, and validates with the pinned plugin (#3)', async () => {
    const { dir, inputs, cell, owner, result } = await setup();
    const fingerprint = JSON.parse(cell('azure-prod')).fingerprint;
    const id = azure.seedVersion({
      definition: azureImageDefinition('base', 'debian12'),
      version: azureVersionName(BUILT),
      regions: ['westeurope'],
      tags: imageTags({ fingerprint, image: 'base', os: 'debian12', cloud: 'azure-prod', owner }),
    });
    await result('azure-prod', `${JSON.parse(cell('azure-prod')).name}-20261128201015`, id, BUILT);
    const out = await withFakePacker(dir, { ...MODERN, azureRbac: 'resource-group' }, () =>
      runVerify(inputs({ command: 'verify', cell: cell('azure-prod') }), recorder()),
    );
    expect(out).toMatchObject({ verdict: 'passed', result: { imageId: id, verified: 'passed' } });
    const work = path.join(dir, 'work', `azure-prod--${out.result.name}--verify`);
    expect(variables(path.join(work, 'image.pkrvars.json')).source_version).toBe('2026.1128.201015');
  });
});

describe('Azure build and verify', () => {
  it('builds with rights on its resource group only and verifies the gallery version it published (#3, #4)', async () => {
    const { dir, inputs, cell, owner } = await setup();
    const built = await withFakePacker(dir, { ...MODERN, azureRbac: 'resource-group' }, () =>
      runBuild(inputs({ command: 'build', cell: cell('azure-prod') }), recorder()),
    );
    const result = built.result!;
    const version = azureVersionName(new Date(result.builtAt));
    const definition = azureImageDefinition('base', 'debian12');
    expect(result.imageId).toBe(
      `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/images-rg/providers/Microsoft.Compute/galleries/image_builder/images/${definition}/versions/${version}`,
    );

    // What Packer published, as ARM lists it.
    const id = azure.seedVersion({
      definition,
      version,
      regions: ['westeurope'],
      tags: imageTags({ fingerprint: result.fingerprint, image: 'base', os: 'debian12', cloud: 'azure-prod', owner }),
      excludeFromLatest: true,
    });
    expect(id.toLowerCase()).toBe(result.imageId.toLowerCase());
    const out = await withFakePacker(dir, { ...MODERN, azureRbac: 'resource-group' }, () =>
      runVerify(inputs({ command: 'verify', cell: cell('azure-prod') }), recorder()),
    );
    expect(out.verdict).toBe('passed');
    expect(variables(path.join(dir, 'work', `azure-prod--${result.name}--verify`, 'image.pkrvars.json')).source_version).toBe(version);
  });
});
