/**
 * Checks on clouds that the schema cannot make: unique names, the fields each
 * provider needs, build_region, and the images and OSes instances refer to.
 */
import { PROVIDERS, type ProviderName } from './model.js';
import type { Path } from './positions.js';
import { regionProblem } from './regions.js';
import { asList, asMap, asName, has, type RawMap, type Report } from './raw.js';
import { AWS_ACCOUNT } from './schema.js';
import { didYouMean } from './suggest.js';

/** Fields only some providers read (`store`: openstack builds locally and caches its base images there too). */
const OWNER: Record<string, ProviderName[]> = {
  account: ['aws'],
  kms_key_id: ['aws'],
  kms_key_ids: ['aws'],
  project: ['gcp'],
  zone: ['gcp'],
  subscription: ['azure'],
  resource_group: ['azure'],
  gallery: ['azure'],
  store: ['local', 'openstack'],
  cloud: ['openstack'],
  naming: ['openstack'],
};

/** Fields a provider cannot work without, with what to write. */
const REQUIRED: Partial<Record<ProviderName, Record<string, string>>> = {
  gcp: { project: 'add project: my-project (the GCP project id that builds and holds the images)' },
  azure: {
    subscription: 'add subscription: 00000000-0000-0000-0000-000000000000 (the Azure subscription id)',
    resource_group: 'add resource_group: images (the resource group that holds the images)',
  },
};

const SOURCE_EXAMPLES: Record<ProviderName, string> = {
  aws: 'aws: { owner: "136693071363", name: "debian-12-amd64-*" }',
  gcp: 'gcp: { project: debian-cloud, family: debian-12 }',
  azure: 'azure: { publisher: Debian, offer: debian-12, sku: 12-gen2 }',
  local: 'local: { suite: bookworm }',
  openstack: 'openstack: { suite: bookworm, os_distro: debian }',
};

/** Recipe name -> a description of the first instance that uses it. */
export type Usage = Map<string, string>;

interface Context {
  images?: RawMap;
  sources?: RawMap;
  /** The names, listed once (suggestions are remembered per list). */
  imageNames: string[];
  osNames: string[];
  report: Report;
  used: Usage;
}

/** Checks every cloud; returns which recipes the instances use. */
export function checkClouds(data: RawMap, report: Report): Usage {
  const images = asMap(data.images);
  const sources = asMap(data.sources);
  const ctx: Context = {
    images,
    sources,
    imageNames: Object.keys(images ?? {}),
    osNames: Object.keys(sources ?? {}),
    report,
    used: new Map(),
  };
  const seen = new Map<string, number>();
  (asList(data.clouds) ?? []).forEach((value, i) => {
    const cloud = asMap(value);
    if (!cloud) return;
    const name = asName(cloud.name) ?? `#${i + 1}`;
    const first = seen.get(name);
    if (first !== undefined && asName(cloud.name) !== undefined) {
      report(
        ['clouds', i, 'name'],
        `duplicate cloud name "${name}": clouds[${first}] has it too`,
        'cloud names must be unique: rename one of them',
      );
    } else {
      seen.set(name, i);
    }
    checkCloud(cloud, i, name, ctx);
  });
  return ctx.used;
}

function checkCloud(cloud: RawMap, i: number, name: string, ctx: Context): void {
  const { report } = ctx;
  const raw = asName(cloud.provider);
  const provider = PROVIDERS.find((p) => p === raw);
  if (provider) {
    for (const [field, hint] of Object.entries(REQUIRED[provider] ?? {})) {
      if (!has(cloud, field)) report(['clouds', i], `${provider} cloud "${name}" needs "${field}"`, hint);
    }
    for (const field of Object.keys(cloud)) {
      const owners = OWNER[field];
      if (owners && !owners.includes(provider)) {
        const owner = owners.join(' and ');
        report(['clouds', i, field], `"${field}" is for ${owner} clouds, but cloud "${name}" is ${provider}`, 'remove it', 'key');
      }
    }
    if (provider === 'aws') checkShareAccounts(cloud, i, name, report);
  }

  const regions = asMap(cloud.regions);
  if (!regions) return;
  const regionNames = Object.keys(regions);
  if (provider) {
    for (const region of regionNames) {
      const wrong = regionProblem(provider, region);
      if (wrong) report(['clouds', i, 'regions', region], wrong.message, wrong.hint, 'key');
    }
  }
  const buildRegion = asName(cloud.build_region);
  if (buildRegion !== undefined && regionNames.length > 0 && !has(regions, buildRegion)) {
    report(
      ['clouds', i, 'build_region'],
      `build_region "${buildRegion}" is not one of the regions of cloud "${name}"`,
      didYouMean(buildRegion, regionNames, 'regions', 'add it under regions'),
    );
  }
  // A GCP zone is named <region>-<letter> (cloud.google.com/compute/docs/regions-zones); Packer builds in the build region's zone.
  const zone = provider === 'gcp' ? asName(cloud.zone) : undefined;
  const zoneRegion = buildRegion ?? regionNames[0];
  if (zone !== undefined && zoneRegion !== undefined && !zone.startsWith(`${zoneRegion}-`)) {
    report(
      ['clouds', i, 'zone'],
      `zone "${zone}" is not in the build region ${zoneRegion} of cloud "${name}"`,
      `use a zone of ${zoneRegion} (e.g. ${zoneRegion}-b), or leave zone out: the build then picks a zone of ${zoneRegion} that is up`,
    );
  }

  let total = 0;
  let malformed = false;
  const missingSource = new Set<string>();
  for (const region of regionNames) {
    const instances = asMap(regions[region])?.instances;
    if (instances !== undefined && !Array.isArray(instances)) malformed = true;
    if (!asMap(regions[region])) malformed = true;
    (asList(instances) ?? []).forEach((item, k) => {
      total += 1;
      const instance = asMap(item);
      if (!instance) return;
      const path: Path = ['clouds', i, 'regions', region, 'instances', k];
      const where = `cloud "${name}" region ${region}`;
      checkImage(instance, path, where, ctx);
      const os = checkOs(instance, path, ctx);
      if (os !== undefined && provider && !missingSource.has(os)) {
        const spec = asMap(ctx.sources?.[os]);
        if (spec && spec[provider] === undefined) {
          missingSource.add(os);
          report(
            [...path, 'os'],
            `os "${os}" has no ${provider} source, but ${provider} cloud "${name}" runs it`,
            `add sources.${os}.${provider}, e.g. ${SOURCE_EXAMPLES[provider]}`,
          );
        }
      }
    });
  }
  if (regionNames.length > 0 && total === 0 && !malformed) {
    report(
      ['clouds', i, 'regions'],
      `cloud "${name}" has no instances in any of its regions`,
      'add instances to a region, e.g. instances: [ { name: node, image: base, os: debian12 } ], or remove the cloud',
    );
  }
}

function checkImage(instance: RawMap, path: Path, where: string, ctx: Context): void {
  const image = asName(instance.image);
  if (image === undefined || !ctx.images) return;
  if (has(ctx.images, image)) {
    if (!ctx.used.has(image)) ctx.used.set(image, `an instance in ${where}`);
    return;
  }
  ctx.report(
    [...path, 'image'],
    `unknown image "${image}"`,
    didYouMean(image, ctx.imageNames, 'images', 'add a recipe of that name under images'),
  );
}

/** Returns the os when it names a known source. */
function checkOs(instance: RawMap, path: Path, ctx: Context): string | undefined {
  const os = asName(instance.os);
  if (os === undefined || !ctx.sources) return undefined;
  if (has(ctx.sources, os)) return os;
  const hint = didYouMean(os, ctx.osNames, 'OS names (keys of sources)', 'add it under sources');
  ctx.report([...path, 'os'], `unknown os "${os}": it is not a key of sources`, hint);
  return undefined;
}

function checkShareAccounts(cloud: RawMap, i: number, name: string, report: Report): void {
  (asList(asMap(cloud.share)?.accounts) ?? []).forEach((item, k) => {
    const account = asName(item);
    if (account === undefined || AWS_ACCOUNT.test(account)) return;
    report(
      ['clouds', i, 'share', 'accounts', k],
      `share account "${account}" of AWS cloud "${name}" must be a 12-digit account id`,
      'write it in quotes, e.g. "012345678901" (unquoted, YAML reads it as a number and drops leading zeros)',
    );
  });
}

/** A retired recipe must no longer be used by any instance. */
export function checkRetired(data: RawMap, used: Usage, report: Report): void {
  (asList(asMap(data.lifecycle)?.retired) ?? []).forEach((item, k) => {
    const name = asName(item);
    const where = name === undefined ? undefined : used.get(name);
    if (where === undefined) return;
    report(
      ['lifecycle', 'retired', k],
      `recipe "${name}" is retired, but ${where} still uses it`,
      'remove the instances or the retirement',
    );
  });
}
