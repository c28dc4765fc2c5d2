/** The plan as a job summary (tables, why each build, a mermaid picture of images -> regions) and as terminal text. */
import type { Plan, PlannedImage } from '../plan/types.js';
import { count, markdownTable, textTable, type Row } from './table.js';

/** Above this many images the mermaid picture is left out (GitHub renders large graphs poorly). */
export const MERMAID_MAX_IMAGES = 60;

export function planHeadline(plan: Plan): string {
  const mode = plan.offline ? ' (offline: no cloud was asked, every image counts as missing and no base image was resolved)' : '';
  return (
    `${count(plan.builds.length, 'build')}, ${count(plan.copies.length, 'copy', 'copies')}, ` +
    `${count(plan.retirements.length, 'retirement')} for ${count(plan.images.length, 'image')}${mode}`
  );
}

function imageRows(plan: Plan): Row[] {
  return plan.images.map((i) => [
    i.cloud,
    i.image,
    i.os,
    i.status,
    i.buildRegion,
    i.regions.map((r) => (i.present.includes(r) ? r : `${r}*`)).join(' '),
    i.fingerprint.slice(0, 16),
  ]);
}
const IMAGE_HEADER = ['cloud', 'image', 'os', 'status', 'build region', 'regions (* = missing)', 'fingerprint'];
const COPY_HEADER = ['cloud', 'image', 'os', 'from', 'to', 'source'];
/** One row per image and source region, its target regions together: 1,000 images over 20 regions are 1,000 rows, not 19,000. */
function copyRows(plan: Plan): Row[] {
  const rows = new Map<string, Row>();
  for (const c of plan.copies) {
    const source = c.afterBuild ? 'new build' : (c.sourceId ?? '');
    const key = [c.cloud, c.name, c.from, source].join('|');
    const row = rows.get(key);
    if (row) row[4] = `${row[4]} ${c.to}`;
    else rows.set(key, [c.cloud, c.image, c.os, c.from, c.to, source]);
  }
  return [...rows.values()];
}
const RETIRE_HEADER = ['cloud', 'region', 'image', 'os', 'name', 'channel'];
const retireRows = (plan: Plan): Row[] => plan.retirements.map((r) => [r.cloud, r.region, r.image, r.os, r.name, r.channel]);

const BASE_HEADER = ['cloud', 'source', 'base image'];
/** One row per (cloud, source): what it resolved to, that it is pinned, or why it is not resolved. */
function baseRows(plan: Plan): Row[] {
  const seen = new Map<string, Row>();
  for (const i of plan.images) if (!seen.has(`${i.cloud}|${i.os}`)) seen.set(`${i.cloud}|${i.os}`, [i.cloud, i.os, i.base.text]);
  return [...seen.values()];
}

const built = (plan: Plan): PlannedImage[] => plan.images.filter((i) => i.status === 'build');

/** One line per build: `build aws-prod/ib-base-debian12-…: why` (the terminal without a summary); offline, where every reason is the same, the headline. */
export function buildLines(plan: Plan): string[] {
  if (plan.offline) return [planHeadline(plan)];
  return built(plan).map((i) => `build ${i.cloud}/${i.name}: ${i.why}`);
}

/** Builds explained in the summary; the plan file explains every one. */
export const WHY_MAX = 100;

function moreBuilds(plan: Plan): string[] {
  const n = built(plan).length - WHY_MAX;
  return n > 0 ? [`... and ${count(n, 'more build')}: the plan file explains every one`] : [];
}

/** Why each build, as Markdown: one item per image, one sub-item per reason, one more level per changed input. */
function whyMarkdown(plan: Plan): string {
  const lines: string[] = [];
  for (const i of built(plan).slice(0, WHY_MAX)) {
    lines.push(`- **${escape(i.cloud)}** ${escape(i.image)} / ${escape(i.os)} (\`${i.name}\`)`);
    for (const r of i.reasons) {
      if (r.kind !== 'inputs' || !r.since || !r.changes?.length) {
        lines.push(`  - ${escape(r.text)}`);
        continue;
      }
      lines.push(`  - inputs changed since \`${r.since}\`:`);
      for (const c of r.changes) lines.push(`    - ${escape(c.text)}`);
    }
  }
  return [...lines, ...moreBuilds(plan)].join('\n');
}

/** Why each build, as text: the image, then one indented line per reason. */
function whyText(plan: Plan): string {
  const lines = built(plan)
    .slice(0, WHY_MAX)
    .flatMap((i) => [`${i.cloud}/${i.name}:`, ...i.reasons.map((r) => `  ${r.text}`)]);
  return [...lines, ...moreBuilds(plan)].join('\n');
}

/** Markdown special characters in free text (paths, names) taken literally (`>` only quotes at the start of a line, where no item starts). */
const escape = (text: string): string => text.replace(/([\\`*_[\]<|])/g, '\\$1');

/** Rows shown per table; the plan file lists every one. */
export const TABLE_MAX_ROWS = 500;
/**
 * GitHub drops a step summary over 1 MiB (1,048,576 bytes) whole; the plan's
 * summary stays under this, leaving room for other steps' lines.
 */
export const SUMMARY_MAX_BYTES = 900 * 1024;

/** A table of at most TABLE_MAX_ROWS rows, with a line saying how many more the plan file has. */
function capped(render: (header: string[], rows: Row[]) => string, header: string[], rows: Row[], what: string): string {
  const table = render(header, rows.slice(0, TABLE_MAX_ROWS));
  const more = rows.length - TABLE_MAX_ROWS;
  return more > 0 ? `${table}\n\n... and ${count(more, `more ${what}`)}: the plan file lists every one` : table;
}

export function planMarkdown(plan: Plan): string {
  const parts = [`## Image plan\n\n${planHeadline(plan)}`, capped(markdownTable, IMAGE_HEADER, imageRows(plan), 'image')];
  if (built(plan).length > 0) parts.push('### Why', whyMarkdown(plan));
  if (plan.images.length > 0) parts.push('### Base images', capped(markdownTable, BASE_HEADER, baseRows(plan), 'base image'));
  if (plan.copies.length > 0) parts.push('### Copies', capped(markdownTable, COPY_HEADER, copyRows(plan), 'copy row'));
  if (plan.retirements.length > 0) parts.push('### Retirements', capped(markdownTable, RETIRE_HEADER, retireRows(plan), 'retirement'));
  if (plan.notes.length > 0) parts.push(plan.notes.map((n) => `> ${n}`).join('\n>\n'));
  const picture = planMermaid(plan);
  if (picture) parts.push('### Images and regions', picture);
  return withinLimit(parts.join('\n\n') + '\n');
}

/** Cut at a line boundary below SUMMARY_MAX_BYTES (long free text in reasons or notes), saying so. */
function withinLimit(markdown: string): string {
  if (Buffer.byteLength(markdown) <= SUMMARY_MAX_BYTES) return markdown;
  const cut = Buffer.from(markdown)
    .subarray(0, SUMMARY_MAX_BYTES - 200)
    .toString('utf8');
  return `${cut.slice(0, cut.lastIndexOf('\n'))}\n\n... the summary is cut here to stay under GitHub's 1 MiB limit: the plan file holds the whole plan\n`;
}

export function planText(plan: Plan): string {
  const parts = [planHeadline(plan), capped(textTable, IMAGE_HEADER, imageRows(plan), 'image')];
  if (built(plan).length > 0) parts.push(`Why:\n${whyText(plan)}`);
  if (plan.images.length > 0) parts.push(`Base images:\n${capped(textTable, BASE_HEADER, baseRows(plan), 'base image')}`);
  if (plan.copies.length > 0) parts.push(`Copies:\n${capped(textTable, COPY_HEADER, copyRows(plan), 'copy row')}`);
  if (plan.retirements.length > 0) parts.push(`Retirements:\n${capped(textTable, RETIRE_HEADER, retireRows(plan), 'retirement')}`);
  if (plan.notes.length > 0) parts.push(plan.notes.map((n) => `note: ${n}`).join('\n'));
  return parts.join('\n\n') + '\n';
}

/** flowchart: one subgraph per cloud, image nodes, edges to regions labelled build / copy / present. */
export function planMermaid(plan: Plan): string | undefined {
  if (plan.images.length === 0 || plan.images.length > MERMAID_MAX_IMAGES) return undefined;
  const lines = ['```mermaid', 'flowchart LR'];
  const clouds = [...new Set(plan.images.map((i) => i.cloud))];
  clouds.forEach((cloud, c) => {
    lines.push(`  subgraph c${c}["${cloud}"]`);
    const images = plan.images.filter((i) => i.cloud === cloud);
    const regions = [...new Set(images.flatMap((i) => i.regions))].sort();
    regions.forEach((r, k) => lines.push(`    c${c}r${k}(["${r}"])`));
    images.forEach((img, n) => {
      const id = `c${c}i${n}`;
      lines.push(`    ${id}["${img.image} / ${img.os}<br/>${img.fingerprint.slice(0, 12)}"]`);
      for (const region of img.regions) {
        const target = `c${c}r${regions.indexOf(region)}`;
        if (img.present.includes(region)) lines.push(`    ${id} -.- ${target}`);
        else if (img.status === 'build' && region === img.buildRegion) lines.push(`    ${id} ==>|build| ${target}`);
        else lines.push(`    ${id} -->|copy| ${target}`);
      }
    });
    lines.push('  end');
  });
  lines.push('```');
  return lines.join('\n');
}
