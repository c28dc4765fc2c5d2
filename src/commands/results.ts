/**
 * The files that carry results between jobs: build writes one per image,
 * verify adds its verdict, distribute and lifecycle read them all.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ImageIdentity } from '../plan/types.js';
import type { Verdict } from '../images/index.js';
import { PROVIDERS } from '../topology/model.js';

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
  /** Why the last verify reached no verdict (no boot, no SSH, a Packer or cloud error): the verdict stays as it was. */
  verifyError?: string;
}

/**
 * A cloud or image name that may be part of a file name: one path segment
 * ("/", "\\" and ".." could write outside the results folder).
 */
export const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isSafeSegment(value: unknown): value is string {
  return typeof value === 'string' && SAFE_SEGMENT.test(value) && !value.includes('..');
}

export function resultFile(dir: string, result: Pick<BuildResult, 'cloud' | 'name'>): string {
  for (const field of ['cloud', 'name'] as const) {
    const value: unknown = result[field];
    if (!isSafeSegment(value)) {
      throw new Error(
        `a build result's ${field} ${JSON.stringify(value)} cannot name a file in ${dir}: ` +
          'it must be one name of letters, digits, ".", "_" and "-" (no "/", "\\" or ".."); was the result file edited by hand?',
      );
    }
  }
  return path.join(dir, `${result.cloud}--${result.name}.json`);
}

const segment = z.string().refine(isSafeSegment, { message: 'not a plain name (letters, digits, ".", "_", "-")' });

/** What a result file must hold (extra fields are kept). */
const ResultSchema = z.looseObject({
  version: z.literal(1),
  cloud: segment,
  provider: z.enum(PROVIDERS),
  image: z.string().min(1),
  os: z.string().min(1),
  fingerprint: z.string().min(1),
  name: segment,
  region: z.string().min(1),
  regions: z.array(z.string()),
  imageId: z.string().min(1),
  builtAt: z.string(),
  durationSeconds: z.number(),
  packerVersion: z.string(),
  verified: z.enum(['passed', 'failed', 'unverified']),
  verifiedAt: z.string().optional(),
  verifyLog: z.array(z.string()).optional(),
  verifyError: z.string().optional(),
});

const NOT_A_RESULT = "remove it from the results folder, or download the build job's artifact again";

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
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') continue;
      throw new Error(`${file}: cannot read this build result (${code ?? (error as Error).message})`, { cause: error });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file} is not a build result: not JSON (${(error as Error).message}): ${NOT_A_RESULT}`, { cause: error });
    }
    const parsed = ResultSchema.safeParse(value);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(the whole file)'))].slice(0, 8).join(', ');
      throw new Error(`${file} is not a build result (check ${fields}): ${NOT_A_RESULT}`);
    }
    results.push(parsed.data as BuildResult);
  }
  return results;
}
