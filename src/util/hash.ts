/** Content hashes. */
import { createHash } from 'node:crypto';

/** Hex sha256 of `data`. */
export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
