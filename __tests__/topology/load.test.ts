import { join, relative } from 'node:path';
import { loadTopology, parseTopology, TopologyError } from '../../src/topology/index.js';
import { problemsOf } from '../helpers/topology.js';

const designDir = join(process.cwd(), '__tests__/fixtures/topology/design');
const designFile = join(designDir, 'topology.yml');

/** Parses text as if it were topology.yml in the design fixture folder (its playbooks exist). */
function parse(text: string) {
  return parseTopology(text, designFile);
}

const MINIMAL = `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12: { local: { suite: bookworm } }
clouds:
  - name: lab
    provider: local
    regions:
      rack1: { instances: [ { name: n1, image: base, os: debian12 } ] }
`;

describe('loadTopology', () => {
  it('loads the example of DESIGN.md', async () => {
    const t = await loadTopology(designFile);
    expect(t.version).toBe(1);
    expect(t.file).toBe(designFile);
    expect(t.dir).toBe(designDir);
    expect(t.images).toEqual({
      base: {
        playbooks: ['playbooks/provision.yml'],
        variables: { packages: ['chrony', 'jq'], container_images: [] },
      },
      controller: {
        extends: 'base',
        variables: { container_images: ['registry.example.com/controller:1.4'] },
        verify: 'playbooks/verify.yml',
      },
    });
    expect(t.sources).toEqual({
      debian12: {
        aws: { owner: '136693071363', name: 'debian-12-amd64-*' },
        gcp: { project: 'debian-cloud', family: 'debian-12' },
        azure: { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: 'latest' },
        local: { suite: 'bookworm' },
      },
    });
    expect(t.clouds).toEqual([
      {
        name: 'aws-prod',
        provider: 'aws',
        account: '123456789012',
        build_region: 'eu-central-1',
        regions: {
          'eu-central-1': {
            instances: [
              { name: 'ctrl', image: 'controller', os: 'debian12', count: 1 },
              { name: 'node', image: 'base', os: 'debian12', count: 10 },
            ],
          },
          'us-east-1': { instances: [{ name: 'node', image: 'base', os: 'debian12', count: 1 }] },
        },
        share: { accounts: [], public: false },
      },
      {
        name: 'lab',
        provider: 'local',
        store: '.images',
        build_region: 'rack1',
        regions: { rack1: { instances: [{ name: 'n1', image: 'base', os: 'debian12', count: 1 }] } },
        share: { accounts: [], public: false },
      },
    ]);
    expect(t.lifecycle).toEqual({ keep: 3, retired: [] });
  });

  it('names a missing file as a TopologyError, not a stack trace', async () => {
    const missing = join(designDir, 'nope.yml');
    await expect(loadTopology(missing)).rejects.toThrow(TopologyError);
    await expect(loadTopology(missing)).rejects.toMatchObject({
      problems: [{ file: missing, line: 1, col: 1, message: 'the topology file does not exist' }],
    });
  });
});

describe('parseTopology', () => {
  it('keeps the file name as given in problems, and makes Topology paths absolute', () => {
    const rel = relative(process.cwd(), designFile);
    const t = parseTopology(MINIMAL, rel);
    expect(t.file).toBe(designFile);
    expect(t.dir).toBe(designDir);
    const [p] = problemsOf(MINIMAL.replace('version: 1', 'version: 3'), rel);
    expect(p).toMatchObject({ file: rel, line: 1, col: 10 });
  });

  it('applies the defaults', () => {
    const t = parse(MINIMAL);
    expect(t.lifecycle).toEqual({ keep: 3, retired: [] });
    expect(t.clouds[0]).toMatchObject({ build_region: 'rack1', store: '.images', share: { accounts: [], public: false } });
    expect(t.clouds[0].regions.rack1.instances[0].count).toBe(1);
  });

  it('keeps the build region the file names and the store it gives', () => {
    const t = parse(
      MINIMAL.replace('    provider: local\n', '    provider: local\n    store: /var/images\n    build_region: rack2\n').replace(
        '      rack1:',
        '      rack2: {}\n      rack1:',
      ),
    );
    expect(t.clouds[0]).toMatchObject({ build_region: 'rack2', store: '/var/images' });
  });

  it('reads an unquoted 12-digit AWS account, and integers in text fields, as text', () => {
    const t = parse(`version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12:
    aws: { owner: 136693071363, name: debian-12-* }
    azure: { publisher: Debian, offer: debian-12, sku: 12, version: 20240101 }
clouds:
  - name: aws-prod
    provider: aws
    account: 123456789012
    share: { accounts: [210987654321] }
    regions: { eu-west-1: { instances: [ { name: n, image: base, os: debian12 } ] } }
`);
    expect(t.clouds[0].account).toBe('123456789012');
    expect(t.clouds[0].share.accounts).toEqual(['210987654321']);
    expect(t.sources.debian12.aws).toEqual({ owner: '136693071363', name: 'debian-12-*' });
    expect(t.sources.debian12.azure).toEqual({ publisher: 'Debian', offer: 'debian-12', sku: '12', version: '20240101' });
  });

  it('loads GCP and Azure clouds with their required fields', () => {
    const t = parse(`version: 1
images:
  base: { playbooks: [playbooks/provision.yml], build: { instance_type: e2-medium, disk_size_gb: 20 } }
sources:
  debian12:
    gcp: { project: debian-cloud, family: debian-12 }
    azure: { publisher: Debian, offer: debian-12, sku: 12-gen2 }
clouds:
  - name: gcp-prod
    provider: gcp
    project: my-project
    zone: europe-west1-b
    regions: { europe-west1: { instances: [ { name: n, image: base, os: debian12 } ] } }
  - name: azure-prod
    provider: azure
    subscription: 00000000-0000-0000-0000-000000000000
    resource_group: images
    gallery: golden
    share: { accounts: [tenant-a], public: true }
    regions: { westeurope: { instances: [ { name: n, image: base, os: debian12, count: 3 } ] } }
`);
    expect(t.clouds.map((c) => [c.name, c.provider, c.build_region])).toEqual([
      ['gcp-prod', 'gcp', 'europe-west1'],
      ['azure-prod', 'azure', 'westeurope'],
    ]);
    expect(t.clouds[0].store).toBeUndefined();
    expect(t.clouds[1].share).toEqual({ accounts: ['tenant-a'], public: true });
    expect(t.sources.debian12.azure?.version).toBe('latest');
    expect(t.images.base.build).toEqual({ instance_type: 'e2-medium', disk_size_gb: 20 });
  });

  it('accepts YAML anchors and aliases', () => {
    const t = parse(`version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12: { local: { suite: bookworm } }
clouds:
  - name: lab
    provider: local
    regions:
      rack1: { instances: &fleet [ { name: n1, image: base, os: debian12, count: 2 } ] }
      rack2: { instances: *fleet }
`);
    expect(t.clouds[0].regions.rack2.instances).toEqual([{ name: 'n1', image: 'base', os: 'debian12', count: 2 }]);
  });

  it('allows retiring a recipe that no instance uses any more, and unused recipes without playbooks', () => {
    const t = parse(
      MINIMAL.replace('sources:', '  abstract: { variables: { a: 1 } }\nsources:') +
        'lifecycle: { keep: 5, retired: [old-role, abstract] }\n',
    );
    expect(t.lifecycle).toEqual({ keep: 5, retired: ['old-role', 'abstract'] });
  });

  it('reports every problem at once, sorted by position, in a readable message', () => {
    const text = `version: 1
images:
  base:
    playbook: [playbooks/provision.yml]
sources:
  debian12: { local: { suite: bookworm } }
clouds:
  - name: lab
    provider: lokal
    regions:
      rack1: { instances: [ { name: n1, image: bsae, os: debian12, count: 0 } ] }
`;
    let error: TopologyError | undefined;
    try {
      parseTopology(text, 'topology.yml');
    } catch (err) {
      error = err as TopologyError;
    }
    expect(error).toBeInstanceOf(TopologyError);
    expect(error?.file).toBe('topology.yml');
    expect(error?.message.split('\n')).toEqual([
      'topology.yml: 4 problems in the topology file',
      'topology.yml:4:5: unknown key "playbook" in images.base — did you mean "playbooks"?',
      'topology.yml:9:15: unknown provider "lokal" in clouds[0] — did you mean "local"? (one of "aws", "gcp", "azure", "local", "openstack")',
      'topology.yml:11:48: unknown image "bsae" — did you mean "base"?',
      'topology.yml:11:75: clouds[0].regions.rack1.instances[0].count must be greater than 0, not 0 — e.g. count: 1 (to run none, remove the instance)',
    ]);
    expect(error?.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '4:5 unknown key "playbook" in images.base',
      '9:15 unknown provider "lokal" in clouds[0]',
      '11:48 unknown image "bsae"',
      '11:75 clouds[0].regions.rack1.instances[0].count must be greater than 0, not 0',
    ]);
  });
});
