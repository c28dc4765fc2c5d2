/**
 * What distribute has to do, from the topology's images, what each cloud
 * holds and the build results. Pure: the command carries it out.
 *
 * - An image is present in a region when an image with its fingerprint is
 *   there, in any state but failed (plan/holders.ts, as the planner counts
 *   them). A pending copy left by an interrupted run is finished, never
 *   started a second time.
 * - The source is the available image in the build region, else the first
 *   region (sorted) holding an available one (availableSource).
 * - The verdict is the build result's when verify wrote one there (`passed`
 *   or `failed`), else the source's tag: a result's `unverified` never
 *   overrides a recorded verdict. Only `passed` images are distributed
 *   (copied, tagged, shared); `failed` ones are rejected, and `unverified`
 *   ones are held back (their verify step did not pass: it failed to run,
 *   timed out, or never ran), unless the recipe says `verify: false`.
 * - Copies are tagged as the source is, with channel `candidate` (channels are
 *   per region and only lifecycle promotes) and the verdict.
 * - Global clouds (GCP) copy nothing; their image is tagged and shared once.
 */
import type { CloudInventory, FingerprintedImage } from '../plan/types.js';
import { availableSource, holders, indexHolders, type HolderIndex } from '../plan/holders.js';
import { TAGS, fromTags, type ImageRecord, type Verdict } from '../images/index.js';
import type { ProviderName, Sharing } from '../topology/model.js';

export interface DistributionResult {
  cloud: string;
  fingerprint: string;
  verified: Verdict;
  region: string;
  imageId: string;
  /** Why verify reached no verdict, when it recorded that (the image stays unverified). */
  verifyError?: string;
}

export interface CopyJob {
  cloud: string;
  image: string;
  os: string;
  name: string;
  fingerprint: string;
  from: string;
  to: string;
  /** The source, as it is to be copied (tags of the copy included). */
  source: ImageRecord;
  tags: Record<string, string>;
  /** A copy is already under way there (an interrupted run): wait for it, start none. */
  resume: boolean;
}

export type DistributionStatus = 'distribute' | 'held' | 'rejected' | 'not-built' | 'source-pending';

export interface ImageDistribution {
  cloud: string;
  provider: ProviderName;
  image: string;
  os: string;
  name: string;
  fingerprint: string;
  buildRegion: string;
  regions: string[];
  scope: 'region' | 'global';
  status: DistributionStatus;
  verdict: Verdict;
  source?: ImageRecord;
  /** Regions already holding a finished copy (available, or deprecated since). */
  present: string[];
  copies: CopyJob[];
  /** Tags to set on the source (its verdict changed), if any. */
  retag?: Record<string, string>;
  /** Existing images (unique ids) to share: the source and the copies already there. */
  share: ImageRecord[];
  sharing: Sharing;
  /** Why it is not distributed (status other than distribute). */
  reason?: string;
  /** A build result names this image. */
  built: boolean;
}

export interface DistributionInput {
  images: FingerprintedImage[];
  inventory: Record<string, CloudInventory>;
  results: DistributionResult[];
}

export interface Distribution {
  images: ImageDistribution[];
  /** Results that match no image of the topology (changed since the build?). */
  unmatched: DistributionResult[];
}

const key = (cloud: string, fingerprint: string) => `${cloud}|${fingerprint}`;

export function planDistribution(input: DistributionInput): Distribution {
  const results = new Map(input.results.map((r) => [key(r.cloud, r.fingerprint), r]));
  const known = new Set(input.images.map((i) => key(i.cloud, i.fingerprint)));
  const unmatched = input.results.filter((r) => !known.has(key(r.cloud, r.fingerprint)));
  const indexes = new Map<string, HolderIndex>();
  const indexOf = (cloud: string): HolderIndex => {
    let index = indexes.get(cloud);
    if (!index) indexes.set(cloud, (index = indexHolders(input.inventory[cloud])));
    return index;
  };
  const images = input.images
    .filter((config) => input.inventory[config.cloud])
    .map((config) =>
      distributeOne(config, input.inventory[config.cloud].scope, indexOf(config.cloud), results.get(key(config.cloud, config.fingerprint))),
    );
  return { images, unmatched };
}

function distributeOne(
  config: FingerprintedImage,
  scope: CloudInventory['scope'],
  index: HolderIndex,
  result?: DistributionResult,
): ImageDistribution {
  const holding = holders(index, config.fingerprint);
  const settled = [...holding.entries()]
    .filter(([, r]) => r.state !== 'pending')
    .map(([region]) => region)
    .sort();
  const from = availableSource(config.buildRegion, holding);
  const source = from === undefined ? undefined : holding.get(from);
  // A result speaks for the build it names: after a rebuild of this fingerprint, an older build's verdict is not the newest's.
  const current = result !== undefined && [...holding.values()].some((r) => r.id === result.imageId);
  const recorded = !current || result.verified === 'unverified' ? undefined : result.verified;
  const verdict: Verdict = recorded ?? source?.verified ?? 'unverified';
  const base: ImageDistribution = {
    cloud: config.cloud,
    provider: config.provider,
    image: config.image,
    os: config.os,
    name: config.name,
    fingerprint: config.fingerprint,
    buildRegion: config.buildRegion,
    regions: config.regions,
    scope,
    status: 'distribute',
    verdict,
    source,
    present: scope === 'global' ? [...config.regions] : settled,
    copies: [],
    share: [],
    sharing: config.target.share,
    built: result !== undefined,
  };
  if (verdict === 'failed') {
    return { ...base, status: 'rejected', reason: 'failed verification: not distributed (fix the image and build it again)' };
  }
  if (!source) {
    const pending = holding.size > 0;
    return {
      ...base,
      status: pending ? 'source-pending' : 'not-built',
      reason: pending
        ? `only pending copies exist (${[...holding.keys()].sort().join(', ')}): run distribute again once one is available`
        : result
          ? `the build result names ${result.imageId} in ${result.region}, but no image with fingerprint ${config.fingerprint} is listed there`
          : 'not built yet: run build first',
    };
  }
  if (verdict !== 'passed' && config.recipe.verify !== false) {
    return { ...base, status: 'held', reason: notVerified(config, source, result) };
  }
  const retag = source.verified !== verdict ? { [TAGS.verified]: verdict } : undefined;
  const tags = { ...source.tags, [TAGS.channel]: 'candidate', [TAGS.verified]: verdict };
  const template: ImageRecord = fromTags(tags, source);
  const copies: CopyJob[] = [];
  if (scope === 'region') {
    for (const to of config.regions) {
      const there = holding.get(to);
      if (there && there.state !== 'pending') continue;
      copies.push({
        cloud: config.cloud,
        image: config.image,
        os: config.os,
        name: config.name,
        fingerprint: config.fingerprint,
        from: source.region,
        to,
        source: template,
        tags,
        resume: there !== undefined,
      });
    }
  }
  const share = uniqueIds([source, ...settled.map((r) => holding.get(r) as ImageRecord)]);
  return { ...base, copies, retag, share: shares(config.target.share) ? share : [] };
}

/** Why an image that did not pass verification is held back, and what to do. */
function notVerified(config: FingerprintedImage, source: ImageRecord, result?: DistributionResult): string {
  const error = result?.verifyError ? ` (verify stopped: ${result.verifyError})` : '';
  return (
    `not verified: the verify step did not pass for ${source.name} (${source.id} in ${source.region}, ` +
    `${TAGS.verified}=${source.verified})${error}; run verify, or set verify: false on the recipe "${config.image}" to opt out`
  );
}

export const shares = (sharing: Sharing): boolean => sharing.public || sharing.accounts.length > 0;

function uniqueIds(records: ImageRecord[]): ImageRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(r.id) && Boolean(seen.add(r.id)));
}

/** What became of one copy job. */
export interface CopyOutcome {
  job: CopyJob;
  ok: boolean;
  seconds: number;
  /** The copy as the cloud reports it once available. */
  copy?: ImageRecord;
  error?: string;
}

/** One failed step (inventory, copy, tag, share), reported at the end. */
export interface StepFailure {
  cloud: string;
  region: string;
  /** The image's name; empty for a failed inventory. */
  name: string;
  step: 'inventory' | 'copy' | 'tag' | 'share' | 'deprecate' | 'deactivate' | 'remove' | 'usage';
  message: string;
}
