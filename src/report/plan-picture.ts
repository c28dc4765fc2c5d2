/**
 * The plan's picture for a terminal (the job summary draws it with
 * mermaid): per cloud, each image and what happens in each region.
 *
 *   lab
 *   ├─ base/debian12  eae4f896055f
 *   │  ├─ rack1  build
 *   │  └─ rack2  copy from rack1
 *   └─ web/debian12  0c1d2e3f4a5b
 *      └─ rack1  present
 */
import type { Plan, PlannedImage } from '../plan/types.js';

/** Above this many images the picture is left out: the tables say it all. */
export const PICTURE_MAX_IMAGES = 60;

function regionsOf(plan: Plan, image: PlannedImage): Array<[region: string, what: string]> {
  const copies = plan.copies.filter((c) => c.cloud === image.cloud && c.fingerprint === image.fingerprint && c.image === image.image);
  const rows: Array<[string, string]> = [];
  // A build region that needs no instance still gets the build (the copies start there).
  if (image.status === 'build' && !image.regions.includes(image.buildRegion)) rows.push([image.buildRegion, 'build (copied from here)']);
  for (const region of image.regions) {
    const copy = copies.find((c) => c.to === region);
    if (image.present.includes(region)) rows.push([region, 'present']);
    else if (copy) rows.push([region, `copy from ${copy.from}`]);
    else if (image.status === 'build' && region === image.buildRegion) rows.push([region, 'build']);
    else rows.push([region, image.provider === 'gcp' ? 'global image' : 'missing']);
  }
  return rows;
}

/** The picture as text, or undefined when the plan has no image or too many. */
export function planPicture(plan: Plan): string | undefined {
  if (plan.images.length === 0 || plan.images.length > PICTURE_MAX_IMAGES) return undefined;
  const out: string[] = ['Images and regions:'];
  for (const cloud of [...new Set(plan.images.map((i) => i.cloud))]) {
    out.push(cloud);
    const images = plan.images.filter((i) => i.cloud === cloud);
    images.forEach((image, n) => {
      const last = n === images.length - 1;
      out.push(`${last ? '└─' : '├─'} ${image.image}/${image.os}  ${image.fingerprint.slice(0, 12)}`);
      const regions = regionsOf(plan, image);
      const width = Math.max(...regions.map(([r]) => r.length));
      regions.forEach(([region, what], k) => {
        out.push(`${last ? '   ' : '│  '}${k === regions.length - 1 ? '└─' : '├─'} ${region.padEnd(width)}  ${what}`);
      });
    });
  }
  return out.join('\n');
}
