/**
 * The build matrix. GitHub expands a matrix to at most 256 jobs per run, so a
 * larger plan is split into chunks; each chunk is a matrix GitHub accepts.
 */
import type { BuildCell } from './types.js';

export const GITHUB_MATRIX_LIMIT = 256;

export interface Matrix {
  include: BuildCell[];
}

export function chunkBuilds(builds: BuildCell[], size = GITHUB_MATRIX_LIMIT): BuildCell[][] {
  if (!Number.isInteger(size) || size < 1 || size > GITHUB_MATRIX_LIMIT) {
    throw new Error(`max-cells must be a whole number from 1 to ${GITHUB_MATRIX_LIMIT}, not ${size}`);
  }
  const chunks: BuildCell[][] = [];
  for (let i = 0; i < builds.length; i += size) chunks.push(builds.slice(i, i + size));
  return chunks.length > 0 ? chunks : [[]];
}

/**
 * The matrix of one chunk. With more than one chunk the caller must say which
 * (input `chunk`); the error tells how, so no build is silently dropped.
 */
export function selectChunk(chunks: BuildCell[][], chunk: number | undefined): Matrix {
  if (chunk === undefined) {
    if (chunks.length > 1) {
      const total = chunks.reduce((n, c) => n + c.length, 0);
      throw new Error(
        `the plan has ${total} builds, more than one GitHub matrix holds (${chunks[0].length} a chunk, ` +
          `${chunks.length} chunks): run plan once per chunk with \`chunk: 0\` to \`chunk: ${chunks.length - 1}\` ` +
          '(the reusable workflow does this from the `chunks` output), or narrow it with the `clouds` or `images` inputs',
      );
    }
    return { include: chunks[0] };
  }
  if (!Number.isInteger(chunk) || chunk < 0 || chunk >= chunks.length) {
    throw new Error(`chunk ${chunk} does not exist: this plan has chunks 0 to ${chunks.length - 1}`);
  }
  return { include: chunks[chunk] };
}
