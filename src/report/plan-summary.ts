/** The plan as a job summary (tables + a mermaid picture of images -> regions) and as terminal text. */
import type { Plan } from '../plan/types.js';
import { count, markdownTable, textTable, type Row } from './table.js';

/** Above this many images the mermaid picture is left out (GitHub renders large graphs poorly). */
export const MERMAID_MAX_IMAGES = 60;

export function planHeadline(plan: Plan): string {
  const mode = plan.offline ? ' (offline: no cloud was asked, every image counts as missing)' : '';
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

export function planMarkdown(plan: Plan): string {
  const parts = [`## Image plan\n\n${planHeadline(plan)}`, markdownTable(IMAGE_HEADER, imageRows(plan))];
  if (plan.copies.length > 0) parts.push('### Copies', markdownTable(COPY_HEADER, copyRows(plan)));
  if (plan.retirements.length > 0) parts.push('### Retirements', markdownTable(RETIRE_HEADER, retireRows(plan)));
  if (plan.notes.length > 0) parts.push(plan.notes.map((n) => `> ${n}`).join('\n>\n'));
  const picture = planMermaid(plan);
  if (picture) parts.push('### Images and regions', picture);
  return parts.join('\n\n') + '\n';
}

export function planText(plan: Plan): string {
  const parts = [planHeadline(plan), textTable(IMAGE_HEADER, imageRows(plan))];
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
