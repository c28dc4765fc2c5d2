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
const copyRows = (plan: Plan): Row[] =>
  plan.copies.map((c) => [c.cloud, c.image, c.os, c.from, c.to, c.afterBuild ? 'new build' : (c.sourceId ?? '')]);
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

export function planMarkdown(plan: Plan): string {
  const parts = [`## Image plan\n\n${planHeadline(plan)}`, markdownTable(IMAGE_HEADER, imageRows(plan))];
  if (built(plan).length > 0) parts.push('### Why', whyMarkdown(plan));
  if (plan.images.length > 0) parts.push('### Base images', markdownTable(BASE_HEADER, baseRows(plan)));
  if (plan.copies.length > 0) parts.push('### Copies', markdownTable(COPY_HEADER, copyRows(plan)));
  if (plan.retirements.length > 0) parts.push('### Retirements', markdownTable(RETIRE_HEADER, retireRows(plan)));
  if (plan.notes.length > 0) parts.push(plan.notes.map((n) => `> ${n}`).join('\n>\n'));
  const picture = planMermaid(plan);
  if (picture) parts.push('### Images and regions', picture);
  return parts.join('\n\n') + '\n';
}

export function planText(plan: Plan): string {
  const parts = [planHeadline(plan), textTable(IMAGE_HEADER, imageRows(plan))];
  if (built(plan).length > 0) parts.push(`Why:\n${whyText(plan)}`);
  if (plan.images.length > 0) parts.push(`Base images:\n${textTable(BASE_HEADER, baseRows(plan))}`);
  if (plan.copies.length > 0) parts.push(`Copies:\n${textTable(COPY_HEADER, copyRows(plan))}`);
  if (plan.retirements.length > 0) parts.push(`Retirements:\n${textTable(RETIRE_HEADER, retireRows(plan))}`);
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
