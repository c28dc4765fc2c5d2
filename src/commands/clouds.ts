/**
 * What the commands share to reach the clouds: the ProviderContext, the seams
 * tests and benchmarks use, and one inventory fan-out (openClouds).
 */
import type { Cloud, Topology } from '../topology/model.js';
import { matcher } from '../plan/filter.js';
import { ownerOf } from '../plan/images.js';
import { ownership, TAGS, type Ownership } from '../images/index.js';
import type { CloudInventory } from '../plan/types.js';
import { createProvider, type ProviderContext } from '../providers/index.js';
import type { Provider } from '../providers/provider.js';
import type { StepFailure } from '../distribute/rules.js';
import { mapLimit } from '../util/pool.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';

/** Seams for tests and benchmarks: how providers are made. */
export interface PlanDeps {
  providerFor?: (cloud: Cloud, context: ProviderContext) => Promise<Provider>;
  context?: Partial<ProviderContext>;
}

export interface CommandDeps extends PlanDeps {
  /** Waits between copy-limit retries (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds, for durations (default performance.now). */
  clock?: () => number;
}

/** The ProviderContext every command gives the providers: credentials from the inputs, logs and masking through the reporter. */
export function providerContext(
  baseDir: string,
  inputs: Pick<Inputs, 'gcpAccessToken' | 'azureCloud'>,
  reporter: Reporter,
  extra: Partial<ProviderContext> = {},
): ProviderContext {
  return {
    baseDir,
    gcpAccessToken: inputs.gcpAccessToken,
    azureCloud: inputs.azureCloud,
    log: (m) => reporter.info(m),
    mask: (secret) => reporter.mask(secret),
    ...extra,
  };
}

export interface OpenOptions {
  /**
   * A failed inventory call: `throw` fails the whole with the first one (plan
   * cannot plan without it); `record` reports it, marks its `cloud|region`
   * unreachable (every region of a global cloud) and goes on (distribute,
   * lifecycle).
   */
  onFailure: 'throw' | 'record';
}

export interface OpenClouds {
  clouds: Cloud[];
  providers: Map<string, Provider>;
  inventory: Record<string, CloudInventory>;
  /** `cloud|region` whose inventory failed (`record` only). */
  unreachable: Set<string>;
  /** One per failed inventory call (`record` only). */
  failures: StepFailure[];
  /** The topology's owner (`ib-owner`): the inventory holds only its images, and those of adopted clouds without an owner. */
  owner: string;
}

/**
 * Providers and inventories of the selected clouds: one inventory call per
 * (cloud, region), all at once up to `concurrency`; a global-scope cloud (GCP)
 * is asked once, in its build region, and its answer serves every region (its records keep the
 * region they were asked in).
 *
 * The inventory holds only this topology's images (images/ownership.ts): every
 * tool tag, `ib-cloud` this cloud, `ib-owner` this topology's owner; images
 * without an owner only where the topology adopts the cloud. What is left out
 * is counted in one line per cloud. Plan, distribute and lifecycle so never
 * see, let alone touch, another owner's image or one tagged by hand.
 */
export async function openClouds(
  topology: Topology,
  inputs: Inputs,
  reporter: Reporter,
  deps: PlanDeps,
  options: OpenOptions,
): Promise<OpenClouds> {
  const clouds = topology.clouds.filter((c) => matcher(inputs.clouds)(c.name));
  const context = providerContext(topology.dir, inputs, reporter, deps.context);
  const make = deps.providerFor ?? createProvider;
  const list = await Promise.all(clouds.map((cloud) => make(cloud, context)));
  const global = (c: number) => list[c].scope === 'global';
  const calls = clouds.flatMap((cloud, c) => {
    const asked = !global(c) ? Object.keys(cloud.regions).sort() : [cloud.build_region];
    return asked.map((region) => ({ c, region }));
  });
  const failures: StepFailure[] = [];
  const unreachable = new Set<string>();
  const answers = await mapLimit(calls, inputs.concurrency, async ({ c, region }) => {
    try {
      return await list[c].inventory(region);
    } catch (error) {
      const cloud = clouds[c];
      const message = `inventory of cloud "${cloud.name}" in ${region} failed: ${(error as Error).message}`;
      if (options.onFailure === 'throw') throw new Error(message, { cause: error });
      for (const r of global(c) ? Object.keys(cloud.regions) : [region]) unreachable.add(`${cloud.name}|${r}`);
      failures.push({ cloud: cloud.name, region, name: '', step: 'inventory', message: (error as Error).message });
      reporter.error(message);
      return undefined;
    }
  });
  const owner = ownerOf(topology).value;
  const adopted = new Set(topology.adopt ?? []);
  // Ids per kind: an Azure version listed in several regions is one image.
  const left = clouds.map((): Partial<Record<Ownership, Set<string>>> => ({}));
  const ours = answers.map((records, k) => {
    const { c } = calls[k];
    return records?.filter((record) => {
      const whose = ownership(record, clouds[c].name, owner);
      if (whose === 'ours' || (whose === 'unowned' && adopted.has(clouds[c].name))) return true;
      (left[c][whose] ??= new Set()).add(record.id);
      return false;
    });
  });
  clouds.forEach((cloud, c) => noteLeftAlone(cloud.name, left[c], reporter));

  const inventory: Record<string, CloudInventory> = {};
  clouds.forEach((cloud, c) => {
    const regions: CloudInventory['regions'] = {};
    calls.forEach((call, k) => {
      const records = ours[k];
      if (call.c !== c || !records) return;
      if (global(c)) for (const region of Object.keys(cloud.regions)) regions[region] = records.map((r) => ({ ...r }));
      else regions[call.region] = records.map((r) => ({ ...r, region: call.region }));
    });
    inventory[cloud.name] = { provider: cloud.provider, scope: list[c].scope, regions };
  });
  return { clouds, providers: new Map(clouds.map((cloud, c) => [cloud.name, list[c]])), inventory, unreachable, failures, owner };
}

const images = (n: number) => (n === 1 ? '1 image' : `${n} images`);

/** One line per cloud for what its inventory held that is not this topology's (other clouds' images are not counted). */
function noteLeftAlone(cloud: string, ids: Partial<Record<Ownership, Set<string>>>, reporter: Reporter): void {
  const left = (kind: Ownership) => ids[kind]?.size ?? 0;
  const parts: string[] = [];
  if (left('other-owner')) parts.push(`${images(left('other-owner'))} of other owners left alone`);
  if (left('incomplete')) parts.push(`${images(left('incomplete'))} without every image-builder tag (made by hand?) left alone`);
  if (left('unowned')) {
    parts.push(
      `${images(left('unowned'))} without an ${TAGS.owner} tag left alone: if they are this topology's ` +
        `(made before ${TAGS.owner} existed), add "${cloud}" to adopt: in the topology and run lifecycle to tag them`,
    );
  }
  if (parts.length === 0) return;
  const line = `cloud "${cloud}": ${parts.join('; ')}`;
  if (left('unowned')) reporter.warning(line);
  else reporter.info(line);
}
