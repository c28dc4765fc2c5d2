/** One matrix cell (build, verify): parsed, checked, and matched to the topology's image. */
import { z } from 'zod';
import type { Topology } from '../topology/model.js';
import type { FingerprintedImage, BuildCell } from '../plan/types.js';
import { PROVIDERS } from '../topology/model.js';
import { fingerprinted } from '../plan/images.js';
import { isSafeSegment } from './results.js';

/** Cloud and image names become file names (work folders, result files): one plain segment each. */
const segment = z.string().refine(isSafeSegment);

const CellSchema = z.object({
  cloud: segment,
  provider: z.enum(PROVIDERS),
  image: z.string().min(1),
  os: z.string().min(1),
  fingerprint: z.string().min(1),
  name: segment,
  region: z.string().min(1),
  regions: z.array(z.string()).default([]),
  /** The upstream image the plan resolved the source to: the build boots exactly it (BuildCell.resolved). */
  resolved: z.object({ id: z.string().min(1), name: z.string(), created: z.string().optional(), pinned: z.boolean() }).optional(),
});

export function parseCell(raw: string | undefined): BuildCell {
  if (!raw) throw new Error('input "cell" is empty: pass one matrix cell as JSON, e.g. cell: ${{ toJSON(matrix) }}');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('input "cell" is not JSON: pass one matrix cell as JSON, e.g. cell: ${{ toJSON(matrix) }}');
  }
  const parsed = CellSchema.safeParse(value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(cell)').join(', ');
    throw new Error(`input "cell" is not a matrix cell (check ${fields}): pass one cell of the plan's matrix output`);
  }
  return parsed.data as BuildCell;
}

/** The topology's image for this cell; its fingerprint must still be the planned one. */
export function imageForCell(topology: Topology, cell: BuildCell): FingerprintedImage {
  const image = fingerprinted(topology, { clouds: [cell.cloud], images: [cell.image] }).find((i) => i.os === cell.os);
  if (!image)
    throw new Error(
      `the topology has no image ${cell.image}/${cell.os} in cloud "${cell.cloud}": was the cell made from another topology?`,
    );
  if (image.fingerprint !== cell.fingerprint) {
    throw new Error(
      `${cell.name}: the topology or its playbooks changed since the plan (fingerprint ${cell.fingerprint} planned, ` +
        `${image.fingerprint} now): run plan again`,
    );
  }
  return image;
}
