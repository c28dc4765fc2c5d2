/** distribute as a job summary (tables + mermaid) and as terminal text. */
import type { CopyJob, CopyOutcome, Distribution, ImageDistribution, StepFailure } from '../distribute/rules.js';
import { MERMAID_MAX_IMAGES } from './plan-summary.js';
import { count, markdownTable, textTable, type Row } from './table.js';

export interface DistributeReport {
  dryRun: boolean;
  distribution: Distribution;
  outcomes: CopyOutcome[];
  failures: StepFailure[];
  /** The copy jobs (what a dry run would do). */
  plannedCopies: CopyJob[];
}

export const formatTags = (tags: Record<string, string>): string =>
  Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export function distributeHeadline(report: DistributeReport): string {
  const ok = report.outcomes.filter((o) => o.ok).length;
  const skipped = report.distribution.images.filter((i) => i.status !== 'distribute').length;
  const held = report.distribution.images.filter((i) => i.status === 'held').length;
  const head = report.dryRun
    ? `dry run: ${count(report.plannedCopies.length, 'copy', 'copies')} would be made, nothing changed`
    : `${count(ok, 'copy', 'copies')} made, ${count(report.failures.length, 'failure')}`;
  return (
    `${head}; ${count(report.distribution.images.length, 'image')}` +
    (skipped > 0 ? `, ${skipped} not distributed` : '') +
    (held > 0 ? ` (${held} held back: not verified)` : '')
  );
}

const outcomesOf = (report: DistributeReport, image: ImageDistribution) =>
  report.outcomes.filter((o) => o.job.cloud === image.cloud && o.job.fingerprint === image.fingerprint);

function imageRows(report: DistributeReport): Row[] {
  return report.distribution.images.map((image) => {
    const outcomes = outcomesOf(report, image);
    const copied = report.dryRun
      ? image.copies.map((j) => `${j.to} (would ${j.resume ? 'finish' : 'copy'})`).join(' ')
      : outcomes
          .filter((o) => o.ok)
          .map((o) => `${o.job.to} ${o.seconds.toFixed(1)} s`)
          .join(', ');
    const failed = outcomes
      .filter((o) => !o.ok)
      .map((o) => o.job.to)
      .join(' ');
    const source = image.source ? `${image.source.region} ${image.source.id}` : '-';
    const status = image.status === 'distribute' ? (image.scope === 'global' ? 'global' : 'ok') : image.status;
    return [
      image.cloud,
      image.image,
      image.os,
      status,
      image.verdict,
      source,
      copied || '-',
      image.present.filter((r) => !image.copies.some((j) => j.to === r)).join(' ') || '-',
      failed || '-',
    ];
  });
}
const IMAGE_HEADER = ['cloud', 'image', 'os', 'status', 'verdict', 'source', 'copied', 'already there', 'failed'];
const FAIL_HEADER = ['cloud', 'region', 'image', 'step', 'error'];
const failRows = (report: DistributeReport): Row[] => report.failures.map((f) => [f.cloud, f.region, f.name || '-', f.step, f.message]);
const SKIP_HEADER = ['cloud', 'image', 'why not distributed'];
const skipRows = (report: DistributeReport): Row[] => [
  ...report.distribution.images.filter((i) => i.status !== 'distribute').map((i) => [i.cloud, i.name, i.reason ?? i.status]),
  ...report.distribution.unmatched.map((r) => [r.cloud, r.imageId, `fingerprint ${r.fingerprint} matches no image of the topology`]),
];

export function distributeMarkdown(report: DistributeReport): string {
  const parts = [`## Image distribution\n\n${distributeHeadline(report)}`, markdownTable(IMAGE_HEADER, imageRows(report))];
  if (report.failures.length > 0) parts.push('### Failures', markdownTable(FAIL_HEADER, failRows(report)));
  const skipped = skipRows(report);
  if (skipped.length > 0) parts.push('### Not distributed', markdownTable(SKIP_HEADER, skipped));
  const picture = distributeMermaid(report);
  if (picture) parts.push('### Copies', picture);
  return parts.join('\n\n') + '\n';
}

export function distributeText(report: DistributeReport): string {
  const parts = [distributeHeadline(report), textTable(IMAGE_HEADER, imageRows(report))];
  if (report.failures.length > 0) parts.push(`Failures:\n${textTable(FAIL_HEADER, failRows(report))}`);
  const skipped = skipRows(report);
  if (skipped.length > 0) parts.push(`Not distributed:\n${textTable(SKIP_HEADER, skipped)}`);
  return parts.join('\n\n') + '\n';
}

/** flowchart: per cloud, image -> regions; edges say present, copied (seconds), failed or would copy. */
export function distributeMermaid(report: DistributeReport): string | undefined {
  const images = report.distribution.images;
  if (images.length === 0 || images.length > MERMAID_MAX_IMAGES) return undefined;
  const lines = ['```mermaid', 'flowchart LR'];
  [...new Set(images.map((i) => i.cloud))].forEach((cloud, c) => {
    lines.push(`  subgraph c${c}["${cloud}"]`);
    const mine = images.filter((i) => i.cloud === cloud);
    const regions = [...new Set(mine.flatMap((i) => i.regions))].sort();
    regions.forEach((r, k) => lines.push(`    c${c}r${k}(["${r}"])`));
    mine.forEach((image, n) => {
      const id = `c${c}i${n}`;
      lines.push(`    ${id}["${image.image} / ${image.os}<br/>${image.fingerprint.slice(0, 12)}"]`);
      const outcomes = outcomesOf(report, image);
      for (const region of image.regions) {
        const target = `c${c}r${regions.indexOf(region)}`;
        const job = image.copies.find((j) => j.to === region);
        const outcome = outcomes.find((o) => o.job.to === region);
        if (outcome?.ok) lines.push(`    ${id} -->|${outcome.seconds.toFixed(1)} s| ${target}`);
        else if (outcome) lines.push(`    ${id} -. failed .-> ${target}`);
        else if (job && report.dryRun) lines.push(`    ${id} -->|would copy| ${target}`);
        else if (image.present.includes(region)) lines.push(`    ${id} -.- ${target}`);
      }
    });
    lines.push('  end');
  });
  lines.push('```');
  return lines.join('\n');
}
