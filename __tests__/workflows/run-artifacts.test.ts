/**
 * scripts/run-artifacts.mjs, which the distribute and lifecycle jobs run to
 * find every verified result of the run, against a fake of GitHub's "List
 * workflow run artifacts" endpoint on 127.0.0.1 (__tests__/fakes/github):
 * every page, with and without a Link header, the name prefix, failures
 * retried or reported, and the step outputs the workflow reads.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startRunArtifactsFake,
  type FakeArtifact,
  type RunArtifactsFake,
  type RunArtifactsFakeOptions,
} from '../fakes/github/run-artifacts.js';
// @ts-expect-error plain ESM script without types
import * as script from '../../scripts/run-artifacts.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'scripts/run-artifacts.mjs');

interface Listed {
  total: number;
  ids: number[];
  artifacts: { id: number; name: string }[];
}
interface ListOptions {
  apiUrl?: string;
  repository?: string;
  runId?: string | number;
  token?: string;
  prefix?: string;
  sleep?: (ms: number) => Promise<void>;
  attempts?: number;
  log?: (m: string) => void;
}
const { listRunArtifacts, nextLink, outputsOf, ArtifactListError } = script as {
  listRunArtifacts: (o: ListOptions) => Promise<Listed>;
  nextLink: (h: string | null) => string | undefined;
  outputsOf: (l: Listed) => Record<string, string>;
  ArtifactListError: new (m: string) => Error;
};

const RESULT = 'image-builder-result-';
/** 300 verified results, and the other artifacts a run of 300 builds leaves. */
const RUN: FakeArtifact[] = [
  ...Array.from({ length: 300 }, (_, i) => ({ id: 1000 + i, name: `${RESULT}aws-prod--ib-r${i}-debian12-f${i}` })),
  ...Array.from({ length: 40 }, (_, i) => ({ id: 2000 + i, name: `image-builder-built-aws-prod--ib-r${i}-debian12-f${i}` })),
  ...Array.from({ length: 7 }, (_, i) => ({ id: 3000 + i, name: `image-builder-rejected-aws-prod--ib-x${i}-debian12-f${i}` })),
  { id: 1, name: 'image-builder-plan' },
];
const RESULT_IDS = RUN.filter((a) => a.name.startsWith(RESULT))
  .map((a) => a.id)
  .sort((a, b) => a - b);

let fake: RunArtifactsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function serve(options: Partial<RunArtifactsFakeOptions> = {}): Promise<RunArtifactsFake> {
  fake = await startRunArtifactsFake({ artifacts: RUN, ...options });
  return fake;
}

function recorder() {
  const waits: number[] = [];
  const logs: string[] = [];
  return { waits, logs, sleep: async (ms: number) => void waits.push(ms), log: (m: string) => void logs.push(m) };
}

const list = (f: RunArtifactsFake, extra: ListOptions = {}) =>
  listRunArtifacts({ apiUrl: f.url, repository: 'acme/images', runId: 4242, token: 'test-token', prefix: RESULT, ...extra });

const pagesAsked = (f: RunArtifactsFake) => f.requests.map((r) => new URL(r.path, f.url).searchParams.get('page'));

describe('listing the artifacts of a run', () => {
  it('returns every matching artifact of 348 across four pages, following the Link header', async () => {
    const f = await serve();
    const listed = await list(f);
    expect(listed.total).toBe(RUN.length);
    expect([...listed.ids].sort((a, b) => a - b)).toEqual(RESULT_IDS);
    expect(listed.ids).toHaveLength(300);
    expect(pagesAsked(f)).toEqual(['1', '2', '3', '4']);
    for (const r of f.requests) {
      expect(new URL(r.path, f.url).searchParams.get('per_page')).toBe('100');
      expect(r.authorization).toBe('Bearer test-token');
    }
  });

  it('counts the pages from total_count when the server sends no Link header', async () => {
    const f = await serve({ noLink: true });
    const listed = await list(f);
    expect([...listed.ids].sort((a, b) => a - b)).toEqual(RESULT_IDS);
    expect(pagesAsked(f)).toEqual(['1', '2', '3', '4']);
  });

  it('selects by name prefix: every artifact, or only those of one kind', async () => {
    const f = await serve();
    expect((await list(f, { prefix: 'image-builder-' })).ids).toHaveLength(RUN.length);
    expect((await list(f, { prefix: 'image-builder-built-' })).ids).toHaveLength(40);
    expect((await list(f, { prefix: 'image-builder-rejected-' })).ids.sort()).toEqual([3000, 3001, 3002, 3003, 3004, 3005, 3006]);
    expect((await list(f, { prefix: 'nothing-' })).ids).toEqual([]);
  });

  it('asks one page when everything fits on it, and returns nothing for an empty run', async () => {
    let f = await serve({ artifacts: RUN.slice(0, 3) });
    expect((await list(f)).ids.sort()).toEqual([1000, 1001, 1002]);
    expect(pagesAsked(f)).toEqual(['1']);
    await f.close();
    f = await serve({ artifacts: [] });
    expect(await list(f)).toEqual({ total: 0, artifacts: [], ids: [] });
  });

  it('leaves out expired artifacts and keeps the newest of a name (as download-artifact does)', async () => {
    const f = await serve({
      artifacts: [
        { id: 10, name: `${RESULT}a`, created_at: '2026-01-01T00:00:00Z' },
        { id: 11, name: `${RESULT}a`, created_at: '2026-01-02T00:00:00Z' },
        { id: 12, name: `${RESULT}b`, expired: true },
        { id: 13, name: `${RESULT}c` },
      ],
    });
    const listed = await list(f);
    expect(listed.artifacts.map((a) => [a.name, a.id])).toEqual([
      [`${RESULT}a`, 11],
      [`${RESULT}c`, 13],
    ]);
  });

  it('retries a page that answers 5xx, with growing waits, and still returns everything', async () => {
    const f = await serve({
      faults: [
        { page: 2, times: 1, status: 502 },
        { page: 2, times: 1, status: 503 },
      ],
    });
    const r = recorder();
    const listed = await list(f, { sleep: r.sleep, log: r.log });
    expect(listed.ids).toHaveLength(300);
    expect(pagesAsked(f)).toEqual(['1', '2', '2', '2', '3', '4']);
    expect(r.waits).toEqual([2000, 4000]);
    expect(r.logs[0]).toMatch(/answered HTTP 502.*trying again \(2 of 5\)/);
  });

  it('waits as long as Retry-After says on 429 and on a secondary rate limit (403 with Retry-After)', async () => {
    const f = await serve({
      faults: [
        { page: 1, times: 1, status: 429, headers: { 'retry-after': '3' } },
        { page: 3, times: 1, status: 403, headers: { 'retry-after': '7' }, message: 'You have exceeded a secondary rate limit' },
      ],
    });
    const r = recorder();
    expect((await list(f, { sleep: r.sleep, log: r.log })).ids).toHaveLength(300);
    expect(r.waits).toEqual([3000, 7000]);
  });

  it('gives up with the last status after every attempt failed', async () => {
    const f = await serve({ faults: [{ page: 1, times: Infinity, status: 500, message: 'Server Error' }] });
    const r = recorder();
    await expect(list(f, { sleep: r.sleep, attempts: 3 })).rejects.toThrow(
      new ArtifactListError('listing the artifacts of run 4242 of acme/images failed 3 times, the last with HTTP 500: Server Error'),
    );
    expect(f.requests).toHaveLength(3);
    expect(r.waits).toEqual([2000, 4000]);
  });

  it('retries when the API cannot be reached, then says so', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const r = recorder();
    const failure = list({ url: `http://127.0.0.1:${closed}` } as RunArtifactsFake, { sleep: r.sleep, attempts: 2 });
    await expect(failure).rejects.toThrow(/^listing the artifacts of run 4242 of acme\/images failed 2 times, the last with /);
    expect(r.waits).toEqual([2000]);
  });

  it('does not retry a refusal, and says which permission the job lacks', async () => {
    const f = await serve({ faults: [{ page: 1, times: Infinity, status: 403, message: 'Resource not accessible by integration' }] });
    const r = recorder();
    await expect(list(f, { sleep: r.sleep })).rejects.toThrow(
      'GitHub answered HTTP 403: Resource not accessible by integration listing the artifacts of run 4242 of acme/images: ' +
        'the job needs `permissions: actions: read` (and the job that calls the workflow must grant it too)',
    );
    expect(f.requests).toHaveLength(1);
    expect(r.waits).toEqual([]);
  });

  it('reports a wrong token and an unknown run without retrying', async () => {
    const f = await serve();
    await expect(list(f, { token: 'wrong' })).rejects.toThrow(/^GitHub refused the token \(HTTP 401: Bad credentials\)/);
    await expect(list(f, { runId: 7 })).rejects.toThrow(
      /^GitHub answered HTTP 404: Not Found listing the artifacts of run 7 of acme\/images/,
    );
    expect(f.requests).toHaveLength(2);
  });

  it('fails when the pages hold fewer artifacts than total_count', async () => {
    const f = await serve({ totalCountSkew: 5 });
    await expect(list(f)).rejects.toThrow(
      'the listing of run 4242 of acme/images returned 348 artifacts, but GitHub counts 353 (total_count)',
    );
  });

  it('never sends the token to a next page on another host', async () => {
    const f = await serve({ nextOrigin: 'http://127.0.0.2:9' });
    await expect(list(f)).rejects.toThrow(
      /^the next page http:\/\/127\.0\.0\.2:9\/repos\/acme\/images\/.* is not on http:\/\/127\.0\.0\.1:\d+$/,
    );
    expect(f.requests).toHaveLength(1);
  });

  it('refuses settings that cannot name a run', async () => {
    const f = await serve();
    await expect(list(f, { repository: 'images' })).rejects.toThrow('GITHUB_REPOSITORY "images" is not owner/name');
    await expect(list(f, { runId: 'x' })).rejects.toThrow('GITHUB_RUN_ID "x" is not a run id');
    await expect(list(f, { token: '' })).rejects.toThrow('no token: set GITHUB_TOKEN');
    await expect(list(f, { prefix: '' })).rejects.toThrow('no name prefix given');
    expect(f.requests).toHaveLength(0);
  });
});

describe('the Link header', () => {
  it('yields the rel="next" page, whatever the order of the links', () => {
    const h =
      '<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last"';
    expect(nextLink(h)).toBe('https://api.github.com/x?page=3');
    expect(nextLink('<https://api.github.com/x?page=1>; rel="first", <https://api.github.com/x?page=2>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

describe('the step outputs', () => {
  it('hold the ids for artifact-ids, the counts, and a listing limit that covers the run', () => {
    expect(outputsOf({ total: 348, ids: [3, 1, 2], artifacts: [] })).toEqual({
      ids: '3,1,2',
      count: '3',
      total: '348',
      'list-limit': '1000',
    });
    expect(outputsOf({ total: 2500, ids: [], artifacts: [] })).toEqual({ ids: '', count: '0', total: '2500', 'list-limit': '2500' });
  });
});

describe('run as the workflow runs it (node scripts/run-artifacts.mjs PREFIX)', () => {
  /** Runs the script in a child process (asynchronously: the fake answers from this one). */
  const run = async (f: RunArtifactsFake, env: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-run-artifacts-'));
    const output = path.join(dir, 'output');
    writeFileSync(output, '');
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        [SCRIPT, RESULT],
        {
          env: {
            PATH: process.env.PATH,
            GITHUB_API_URL: f.url,
            GITHUB_REPOSITORY: 'acme/images',
            GITHUB_RUN_ID: '4242',
            GITHUB_TOKEN: 'test-token',
            GITHUB_OUTPUT: output,
            ...env,
          },
          timeout: 60_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, out: `${stdout}${stderr}` }),
      );
    });
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { ...r, outputs };
  };

  it('writes every matching id and the counts to GITHUB_OUTPUT', async () => {
    const f = await serve();
    const r = await run(f, {});
    expect(r.code).toBe(0);
    expect(
      r.outputs.ids
        .split(',')
        .map(Number)
        .sort((a: number, b: number) => a - b),
    ).toEqual(RESULT_IDS);
    expect(r.outputs).toMatchObject({ count: '300', total: String(RUN.length), 'list-limit': '1000' });
    expect(r.out).toContain(`300 artifacts named ${RESULT}* among the ${RUN.length} of run 4242`);
  });

  it('fails with one error annotation and writes no output when the job may not list artifacts', async () => {
    const f = await serve({ faults: [{ times: Infinity, status: 403, message: 'Resource not accessible by integration' }] });
    const r = await run(f, {});
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^::error title=image-builder::GitHub answered HTTP 403: .*actions: read/m);
    expect(r.outputs).toEqual({});
  });
});
