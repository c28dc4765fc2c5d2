import { join } from 'node:path';
import { loadTopology, resolveImages, resolveRecipe, type Cloud, type Topology } from '../../src/topology/index.js';

const designFile = join(process.cwd(), '__tests__/fixtures/topology/design/topology.yml');

function cloud(name: string, provider: Cloud['provider'], regions: Record<string, [string, string][]>, extra: Partial<Cloud> = {}): Cloud {
  const entries = Object.entries(regions).map(([region, list]) => [
    region,
    { instances: list.map(([image, os], i) => ({ name: `n${i}`, image, os, count: 1 })) },
  ]);
  return {
    name,
    provider,
    build_region: Object.keys(regions)[0],
    regions: Object.fromEntries(entries),
    share: { accounts: [], public: false },
    ...extra,
  };
}

function topology(images: Topology['images'], clouds: Cloud[] = []): Topology {
  return {
    version: 1,
    file: '/repo/topology.yml',
    dir: '/repo',
    images,
    sources: {
      debian12: {
        aws: { owner: '136693071363', name: 'debian-12-amd64-*' },
        gcp: { project: 'debian-cloud', family: 'debian-12' },
        local: { suite: 'bookworm' },
      },
      ubuntu24: { aws: { ami: 'ami-0123456789abcdef0' }, gcp: { project: 'ubuntu-os-cloud', family: 'ubuntu-2404-lts-amd64' } },
    },
    clouds,
    lifecycle: { keep: 3, retired: [] },
  };
}

describe('resolveRecipe', () => {
  const t = topology({
    base: {
      description: 'the base',
      playbooks: ['playbooks/provision.yml', 'playbooks/harden.yml'],
      variables: { packages: ['chrony', 'jq'], sysctl: { 'vm.swappiness': 10, net: { ipv6: true, forward: false } }, motd: 'base' },
      build: { instance_type: 't3.small', disk_size_gb: 10 },
    },
    web: {
      extends: 'base',
      variables: { packages: ['nginx'], sysctl: { net: { forward: true } } },
      build: { disk_size_gb: 20 },
      verify: 'playbooks/verify-web.yml',
    },
    shop: { extends: 'web', description: 'the shop', playbooks: ['playbooks/shop.yml'], variables: { motd: 'shop' } },
  });

  it('returns a recipe without parent as written, with empty defaults filled', () => {
    expect(resolveRecipe(topology({ solo: { playbooks: ['p.yml'] } }), 'solo')).toEqual({
      name: 'solo',
      playbooks: ['p.yml'],
      variables: {},
      build: {},
      lineage: [],
    });
  });

  it('deep-merges maps over the parent, replaces lists, overrides scalars', () => {
    expect(resolveRecipe(t, 'web')).toEqual({
      name: 'web',
      description: 'the base',
      playbooks: ['playbooks/provision.yml', 'playbooks/harden.yml'],
      variables: { packages: ['nginx'], sysctl: { 'vm.swappiness': 10, net: { ipv6: true, forward: true } }, motd: 'base' },
      build: { instance_type: 't3.small', disk_size_gb: 20 },
      verify: 'playbooks/verify-web.yml',
      lineage: ['base'],
    });
  });

  it('applies several levels, nearest parent first in lineage', () => {
    const shop = resolveRecipe(t, 'shop');
    expect(shop.lineage).toEqual(['web', 'base']);
    expect(shop.description).toBe('the shop');
    expect(shop.playbooks).toEqual(['playbooks/shop.yml']);
    expect(shop.variables).toEqual({
      packages: ['nginx'],
      sysctl: { 'vm.swappiness': 10, net: { ipv6: true, forward: true } },
      motd: 'shop',
    });
    expect(shop.verify).toBe('playbooks/verify-web.yml');
    expect(shop.build).toEqual({ instance_type: 't3.small', disk_size_gb: 20 });
  });

  it('never changes the topology nor shares objects with it', () => {
    const before = JSON.stringify(t.images);
    const web = resolveRecipe(t, 'web');
    (web.variables.packages as string[]).push('x');
    (web.variables.sysctl as Record<string, unknown>).added = 1;
    web.playbooks.push('y.yml');
    expect(JSON.stringify(t.images)).toBe(before);
  });

  it('refuses unknown recipes and cycles (the loader reports them first)', () => {
    expect(() => resolveRecipe(t, 'nope')).toThrow('unknown recipe "nope"');
    const looped = topology({ a: { extends: 'b' }, b: { extends: 'a' } });
    expect(() => resolveRecipe(looped, 'a')).toThrow('a -> b -> a');
  });
});

describe('resolveImages', () => {
  it('resolves the example of DESIGN.md: one image per cloud, recipe and os, with its regions', async () => {
    const t = await loadTopology(designFile);
    const images = resolveImages(t);
    expect(images.map((i) => [i.cloud, i.provider, i.image, i.os, i.regions, i.buildRegion])).toEqual([
      ['aws-prod', 'aws', 'base', 'debian12', ['eu-central-1', 'us-east-1'], 'eu-central-1'],
      ['aws-prod', 'aws', 'controller', 'debian12', ['eu-central-1'], 'eu-central-1'],
      ['lab', 'local', 'base', 'debian12', ['rack1'], 'rack1'],
    ]);
    expect(images[0].source).toEqual({ owner: '136693071363', name: 'debian-12-amd64-*' });
    expect(images[2].source).toEqual({ suite: 'bookworm' });
    expect(images[0].target).toBe(t.clouds[0]);
    expect(images[1].recipe).toEqual({
      name: 'controller',
      playbooks: ['playbooks/provision.yml'],
      variables: { packages: ['chrony', 'jq'], container_images: ['registry.example.com/controller:1.4'] },
      build: {},
      verify: 'playbooks/verify.yml',
      lineage: ['base'],
    });
  });

  it('sorts by cloud order of the file, then recipe, then os; regions sorted', () => {
    const t = topology({ web: { playbooks: ['w.yml'] }, base: { playbooks: ['b.yml'] } }, [
      cloud(
        'zeta',
        'aws',
        {
          'us-east-1': [
            ['web', 'ubuntu24'],
            ['base', 'debian12'],
          ],
          'eu-west-1': [
            ['web', 'ubuntu24'],
            ['web', 'debian12'],
            ['base', 'debian12'],
          ],
          'ap-south-1': [['web', 'ubuntu24']],
        },
        { build_region: 'eu-west-1' },
      ),
      cloud('alpha', 'gcp', { 'europe-west1': [['base', 'ubuntu24']] }, { project: 'p' }),
    ]);
    expect(resolveImages(t).map((i) => [i.cloud, i.image, i.os, i.regions.join(' '), i.buildRegion])).toEqual([
      ['zeta', 'base', 'debian12', 'eu-west-1 us-east-1', 'eu-west-1'],
      ['zeta', 'web', 'debian12', 'eu-west-1', 'eu-west-1'],
      ['zeta', 'web', 'ubuntu24', 'ap-south-1 eu-west-1 us-east-1', 'eu-west-1'],
      ['alpha', 'base', 'ubuntu24', 'europe-west1', 'europe-west1'],
    ]);
  });

  it('takes the source of the os for the cloud provider', () => {
    const t = topology({ base: { playbooks: ['b.yml'] } }, [
      cloud('g', 'gcp', { 'europe-west1': [['base', 'debian12']], 'us-central1': [['base', 'debian12']] }, { project: 'p' }),
      cloud('a', 'aws', { 'eu-west-1': [['base', 'ubuntu24']] }),
      cloud('l', 'local', { rack1: [['base', 'debian12']] }, { store: '.images' }),
    ]);
    const [gcp, aws, local] = resolveImages(t);
    expect(gcp.source).toEqual({ project: 'debian-cloud', family: 'debian-12' });
    expect(gcp.regions).toEqual(['europe-west1', 'us-central1']);
    expect(aws.source).toEqual({ ami: 'ami-0123456789abcdef0' });
    expect(local.source).toEqual({ suite: 'bookworm' });
    expect(local.target.store).toBe('.images');
  });

  it('gives each image its own recipe copy', () => {
    const t = topology({ base: { playbooks: ['b.yml'], variables: { list: [1] } } }, [
      cloud('one', 'local', { r: [['base', 'debian12']] }),
      cloud('two', 'local', { r: [['base', 'debian12']] }),
    ]);
    const [a, b] = resolveImages(t);
    (a.recipe.variables.list as number[]).push(2);
    expect(b.recipe.variables).toEqual({ list: [1] });
    expect(t.images.base.variables).toEqual({ list: [1] });
  });

  it('skips regions without instances and gives nothing for a topology without clouds', () => {
    const t = topology({ base: { playbooks: ['b.yml'] } }, [cloud('c', 'aws', { 'eu-west-1': [], 'us-east-1': [['base', 'debian12']] })]);
    expect(resolveImages(t).map((i) => i.regions)).toEqual([['us-east-1']]);
    expect(resolveImages(topology({}))).toEqual([]);
  });
});
