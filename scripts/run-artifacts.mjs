// Lists the artifacts of this workflow run whose names start with a prefix,
// every page of them, and writes their ids for actions/download-artifact's
// `artifact-ids` input. The distribute and lifecycle jobs of the reusable
// workflow run it before they download the verified results:
//
//   node .image-builder/scripts/run-artifacts.mjs image-builder-result-
//
// Why: download-artifact (v8) finds artifacts through one listing of the run.
// Without a token that listing is a single internal call that is reported to
// return only the first 100 artifacts (actions/download-artifact#441); a plan
// of about 50 builds makes more than that. With `github-token` it pages the
// public REST API instead, up to ACTIONS_ARTIFACT_MAX_ARTIFACT_COUNT artifacts
// (default 1000; @actions/artifact, src/internal/find/list-artifacts.ts), and
// `artifact-ids` downloads only those of that listing whose ids it names. This
// script pages the same REST endpoint itself, so the job knows how many results
// there are (and can check that each one arrived), and says how large the
// download's listing must be (`list-limit`).
//
// REST API: "List workflow run artifacts",
//   GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts?per_page=100&page=N
// (docs.github.com/en/rest/actions/artifacts): `per_page` at most 100, the
// answer is { total_count, artifacts: [{ id, name, expired, created_at, ... }] },
// and the token needs `actions: read` on a private repository. The next page
// is the `Link` header's rel="next" ("Using pagination in the REST API");
// without a Link header, pages are counted from total_count.
//
// Environment: GITHUB_TOKEN (the job's token), GITHUB_API_URL (set on every
// runner; default https://api.github.com), GITHUB_REPOSITORY, GITHUB_RUN_ID,
// and GITHUB_OUTPUT, where it writes `ids` (comma-separated), `count` (matching
// artifacts), `total` (artifacts of the run) and `list-limit`. Without
// GITHUB_OUTPUT it prints them. Plain Node 20 (fetch); no dependency.
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PER_PAGE = 100;
/** Default listing size of download-artifact with a token (ACTIONS_ARTIFACT_MAX_ARTIFACT_COUNT). */
export const DOWNLOAD_LIST_DEFAULT = 1000;
const MAX_PAGES = 10_000;
const TIMEOUT_MS = 30_000;

/** A failure that retrying will not mend, with what to do about it. */
export class ArtifactListError extends Error {}

const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The rel="next" URL of a Link header, or undefined. */
export function nextLink(header) {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /^\s*<([^>]+)>(.*)$/.exec(part);
    const rel = m && /;\s*rel="([^"]*)"/.exec(m[2]);
    if (rel && rel[1].split(/\s+/).includes('next')) return m[1];
  }
  return undefined;
}

function pageUrl(base, page) {
  const url = new URL(base);
  url.searchParams.set('per_page', String(PER_PAGE));
  url.searchParams.set('page', String(page));
  return url.toString();
}

/** Why a status cannot be retried, in words that say what to change. */
function refusal(status, message, where) {
  const said = message ? `: ${message}` : '';
  if (status === 401) return `GitHub refused the token (HTTP 401${said}) listing the artifacts of ${where}`;
  if (status === 403 || status === 404)
    return (
      `GitHub answered HTTP ${status}${said} listing the artifacts of ${where}: ` +
      'the job needs `permissions: actions: read` (and the job that calls the workflow must grant it too)'
    );
  return `GitHub answered HTTP ${status}${said} listing the artifacts of ${where}`;
}

const retryable = (status, headers) =>
  status === 429 ||
  status >= 500 ||
  (status === 403 && (headers.get('retry-after') !== null || headers.get('x-ratelimit-remaining') === '0'));

/** Milliseconds to wait before attempt `attempt` (1-based), honouring Retry-After (capped at a minute). */
function delay(attempt, retryMs, headers) {
  const after = Number(headers?.get('retry-after'));
  if (Number.isFinite(after) && after > 0) return Math.min(after * 1000, 60_000);
  return retryMs * 2 ** (attempt - 1);
}

async function getPage(url, options, where) {
  const { token, fetch, sleep, attempts, retryMs, log } = options;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let response;
    try {
      response = await fetch(url, {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'multicloud-image-builder',
        },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      last = `${error.name === 'TimeoutError' ? 'no answer within 30 s' : error.message}`;
      if (attempt < attempts) {
        log(`listing ${url} failed (${last}); trying again (${attempt + 1} of ${attempts})`);
        await sleep(delay(attempt, retryMs));
      }
      continue;
    }
    if (response.ok) {
      const body = await response.json();
      if (!body || !Array.isArray(body.artifacts) || typeof body.total_count !== 'number')
        throw new ArtifactListError(`${url} did not answer with { total_count, artifacts }: is GITHUB_API_URL the REST API?`);
      return { body, link: response.headers.get('link') };
    }
    const message = await response
      .json()
      .then((b) => (b && typeof b.message === 'string' ? b.message : ''))
      .catch(() => '');
    if (!retryable(response.status, response.headers)) throw new ArtifactListError(refusal(response.status, message, where));
    last = `HTTP ${response.status}${message ? `: ${message}` : ''}`;
    if (attempt < attempts) {
      log(`listing ${url} answered ${last}; trying again (${attempt + 1} of ${attempts})`);
      await sleep(delay(attempt, retryMs, response.headers));
    }
  }
  throw new ArtifactListError(`listing the artifacts of ${where} failed ${attempts} times, the last with ${last}`);
}

/**
 * Every artifact of the run (all pages), and those whose name starts with
 * `prefix` and that have not expired, the newest per name (as download-artifact
 * keeps the latest of a name).
 */
export async function listRunArtifacts({
  apiUrl = 'https://api.github.com',
  repository,
  runId,
  token,
  prefix,
  fetch = globalThis.fetch,
  sleep = realSleep,
  attempts = 5,
  retryMs = 2000,
  log = () => undefined,
}) {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository ?? ''))
    throw new ArtifactListError(`GITHUB_REPOSITORY "${repository ?? ''}" is not owner/name`);
  if (!/^\d+$/.test(String(runId ?? ''))) throw new ArtifactListError(`GITHUB_RUN_ID "${runId ?? ''}" is not a run id`);
  if (!token) throw new ArtifactListError('no token: set GITHUB_TOKEN (the job passes github.token)');
  if (typeof prefix !== 'string' || prefix === '') throw new ArtifactListError('no name prefix given');
  const base = `${apiUrl.replace(/\/+$/, '')}/repos/${repository}/actions/runs/${runId}/artifacts`;
  const origin = new URL(base).origin;
  const where = `run ${runId} of ${repository}`;
  const options = { token, fetch, sleep, attempts, retryMs, log };

  const all = new Map();
  let total;
  let url = pageUrl(base, 1);
  for (let page = 1; url; page++) {
    if (page > MAX_PAGES) throw new ArtifactListError(`more than ${MAX_PAGES} pages of artifacts in ${where}`);
    const { body, link } = await getPage(url, options, where);
    total ??= body.total_count;
    for (const artifact of body.artifacts) all.set(artifact.id, artifact);
    const next = nextLink(link);
    if (next) {
      // The token goes only to the API it was meant for.
      if (new URL(next).origin !== origin) throw new ArtifactListError(`the next page ${next} is not on ${origin}`);
      url = next;
    } else if (!link && body.artifacts.length === PER_PAGE && all.size < total) {
      url = pageUrl(base, page + 1);
    } else {
      url = undefined;
    }
  }
  if (all.size < total)
    throw new ArtifactListError(`the listing of ${where} returned ${all.size} artifacts, but GitHub counts ${total} (total_count)`);

  const newest = new Map();
  for (const artifact of all.values()) {
    if (typeof artifact.name !== 'string' || !artifact.name.startsWith(prefix) || artifact.expired) continue;
    const kept = newest.get(artifact.name);
    const later =
      !kept ||
      String(artifact.created_at ?? '') > String(kept.created_at ?? '') ||
      (artifact.created_at === kept.created_at && artifact.id > kept.id);
    if (later) newest.set(artifact.name, artifact);
  }
  const matching = [...newest.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { total, artifacts: matching, ids: matching.map((a) => a.id) };
}

/** The step outputs for a listing. */
export function outputsOf({ total, ids }) {
  return {
    ids: ids.join(','),
    count: String(ids.length),
    total: String(total),
    'list-limit': String(Math.max(DOWNLOAD_LIST_DEFAULT, total)),
  };
}

async function main() {
  const prefix = process.argv[2];
  const env = process.env;
  const listing = await listRunArtifacts({
    apiUrl: env.GITHUB_API_URL || undefined,
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
    token: env.GITHUB_TOKEN,
    prefix,
    log: (m) => console.log(m),
  });
  const outputs = outputsOf(listing);
  console.log(`${outputs.count} artifacts named ${prefix}* among the ${outputs.total} of run ${env.GITHUB_RUN_ID}`);
  for (const a of listing.artifacts) console.log(`  ${a.name} (id ${a.id})`);
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, lines.join(''));
  else process.stdout.write(lines.join(''));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    const known = error instanceof ArtifactListError;
    console.log(`::error title=image-builder::${known ? error.message : `listing the run's artifacts failed: ${error.stack ?? error}`}`);
    process.exitCode = 1;
  });
}
