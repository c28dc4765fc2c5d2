/**
 * The files that carry results between jobs: build writes one per image,
 * verify adds its verdict, distribute and lifecycle read them all.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ImageIdentity } from '../plan/types.js';
import type { Verdict } from '../images/index.js';

export interface BuildResult extends ImageIdentity {
  version: 1;
  /** Where it was built. */
  region: string;
  /** Every region that needs it. */
  regions: string[];
  imageId: string;
  builtAt: string;
  durationSeconds: number;
  packerVersion: string;
  verified: Verdict;
  verifiedAt?: string;
  verifyLog?: string[];
}

export function resultFile(dir: string, result: Pick<BuildResult, 'cloud' | 'name'>): string {
  return path.join(dir, `${result.cloud}--${result.name}.json`);
}

export async function writeResult(dir: string, result: BuildResult): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = resultFile(dir, result);
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, JSON.stringify(result, null, 2) + '\n');
  await fs.rename(tmp, file);
  return file;
}

/** Every result in `dir` and its subfolders (downloaded artifacts land in one folder each). */
export async function readResults(dir: string): Promise<BuildResult[]> {
  let entries: string[];
  try {
    entries = (await fs.readdir(dir, { recursive: true })).map(String);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const results: BuildResult[] = [];
  for (const entry of entries.filter((e) => e.endsWith('.json')).sort()) {
    const file = path.join(dir, entry);
    let parsed: BuildResult;
    try {
      parsed = JSON.parse(await fs.readFile(file, 'utf8')) as BuildResult;
    } catch (error) {
      throw new Error(`${file} is not a build result: ${(error as Error).message}`, { cause: error });
    }
    if (parsed.version !== 1 || !parsed.imageId || !parsed.fingerprint)
      throw new Error(`${file} is not a build result (version 1 with imageId and fingerprint)`);
    results.push(parsed);
  }
  return results;
}
