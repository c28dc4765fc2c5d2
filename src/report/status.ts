/** `image-builder status`: its JSON shape (`--json`) and its terminal text, a table per cloud. */
import { count, textTable, type Row } from './table.js';

/** One image, as status names it. */
export interface StatusImage {
  name: string;
  id: string;
  fingerprint: string;
  verified: string;
  state: string;
  createdAt: string;
  /** Days since createdAt, to a tenth; null when createdAt is no date. */
  ageDays: number | null;
}

export type StatusDrift = 'up to date' | 'outdated' | 'missing' | 'not in topology';

/** One image line (recipe, os) in one region of one cloud. */
export interface StatusLine {
  image: string;
  os: string;
  /** The topology's current fingerprint for the line here; null when the topology no longer has it here. */
  wanted: string | null;
  /** Images of the line in this region, in any channel and state. */
  images: number;
  gold: StatusImage | null;
  candidates: StatusImage[];
  outdated: number;
  /** Images that failed verification, or whose build or copy failed. */
  failed: number;
  /** Images still pending: copies (or builds) under way. */
  pending: number;
  drift: StatusDrift;
  /** Bytes on disk of the line's images (a local store); null for clouds. */
  storageBytes: number | null;
  /** What the next plan (build, copy, retire) and lifecycle (promote, outdated, removals) would do here. */
  next: string[];
}

export interface StatusRegion {
  region: string;
  lines: StatusLine[];
  /** Set when this region's inventory failed: its lines are unknown. */
  error?: string;
}

export interface StatusCloud {
  cloud: string;
  provider: string;
  regions: StatusRegion[];
}

export interface Status {
  version: 1;
  tool: string;
  topology: string;
  generatedAt: string;
  clouds: StatusCloud[];
  /** The next plan's counts; null when an inventory failed (no plan then). */
  plan: { builds: number; copies: number; retirements: number; images: number } | null;
  failures: string[];
}

/** 1.5 GiB, 320 MiB, 12 KiB. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const age = (days: number | null) => (days === null ? 'age unknown' : days < 2 ? `${Math.round(days * 24)} h` : `${Math.round(days)} d`);

const HEADER = ['region', 'image', 'gold (age)', 'candidates', 'outdated', 'failed', 'pending', 'drift', 'storage', 'next'];

function rows(cloud: StatusCloud): Row[] {
  return cloud.regions.flatMap((r): Row[] =>
    r.error
      ? [[r.region, '?', '-', '-', '-', '-', '-', '-', '-', r.error]]
      : r.lines.map((l) => [
          r.region,
          `${l.image}/${l.os}`,
          l.gold ? `${l.gold.name} (${age(l.gold.ageDays)})` : '-',
          l.candidates.length,
          l.outdated,
          l.failed,
          l.pending,
          l.drift,
          formatBytes(l.storageBytes),
          l.next.join('; '),
        ]),
  );
}

export function statusHeadline(status: Status): string {
  const lines = status.clouds.flatMap((c) => c.regions.flatMap((r) => r.lines));
  const by = (d: StatusDrift) => lines.filter((l) => l.drift === d).length;
  const plan = status.plan
    ? `next plan: ${count(status.plan.builds, 'build')}, ${count(status.plan.copies, 'copy', 'copies')}, ${count(status.plan.retirements, 'retirement')}`
    : 'next plan: unknown (an inventory failed)';
  const gone = by('not in topology');
  return (
    `${count(lines.length, 'image line')} in ${count(status.clouds.length, 'cloud')}: ${by('up to date')} up to date, ` +
    `${by('outdated')} outdated, ${by('missing')} missing${gone ? `, ${gone} not in the topology` : ''}; ${plan}`
  );
}

export function statusText(status: Status): string {
  const parts = [statusHeadline(status)];
  for (const cloud of status.clouds) {
    const body = cloud.regions.length ? textTable(HEADER, rows(cloud)) : 'no region';
    parts.push(`${cloud.cloud} (${cloud.provider})\n${body}`);
  }
  if (status.failures.length > 0) parts.push(status.failures.map((f) => `error: ${f}`).join('\n'));
  return parts.join('\n\n');
}
