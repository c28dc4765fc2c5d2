/**
 * A fake of GitHub's REST endpoint "List workflow run artifacts", on
 * 127.0.0.1, for scripts/run-artifacts.mjs:
 *
 *   GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts?per_page=&page=&name=
 *
 * What it enforces, and where GitHub says so:
 * - `per_page` defaults to 30 and is at most 100; `page` defaults to 1 ("List
 *   workflow run artifacts", docs.github.com/en/rest/actions/artifacts,
 *   query parameters). A larger per_page is served as 100 here.
 * - `name` filters on the exact artifact name (same page, "name: The name
 *   field of an artifact. When specified, only artifacts with this name will
 *   be returned.").
 * - The answer is `{ total_count, artifacts: [...] }`, total_count counting
 *   every artifact of the run that matches, not only this page (same page,
 *   response schema); each artifact has id, node_id, name, size_in_bytes, url,
 *   archive_download_url, expired, created_at, updated_at, expires_at, digest.
 * - The `Link` header names the first, prev, next and last pages when there is
 *   more than one, and is left out when everything fits on one page ("Using
 *   pagination in the REST API", docs.github.com/en/rest/using-the-rest-api/
 *   using-pagination-in-the-rest-api: "If an endpoint supports pagination ...
 *   the link header will be omitted if ... all results fit on a single page").
 * - A request without the token answers 401 `Bad credentials`; an unknown
 *   repository or run 404 `Not Found` (REST API, "Troubleshooting": private
 *   resources answer 404 to a token that may not see them).
 *
 * Left out: the order of artifacts is not documented; the fake lists them
 * newest first, by id. Rate-limit headers are only sent when a test asks for
 * a fault that carries them. `direction` and the `workflow_run` object are not
 * served (the script reads neither).
 *
 * Faults a test can ask for: answer a given status (with optional headers)
 * to the next N requests of a page, leave out the Link header, lie in
 * total_count, or point rel="next" at another host.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeArtifact {
  id: number;
  name: string;
  expired?: boolean;
  created_at?: string;
}

export interface Fault {
  /** Page it applies to (any page when undefined). */
  page?: number;
  /** How many requests it answers, then it is used up (Infinity: every one). */
  times: number;
  status: number;
  headers?: Record<string, string>;
  message?: string;
}

export interface RunArtifactsFakeOptions {
  owner?: string;
  repo?: string;
  runId?: number;
  token?: string;
  artifacts: FakeArtifact[];
  faults?: Fault[];
  /** Leave out the Link header (a server that does not send one). */
  noLink?: boolean;
  /** Add this to total_count (a listing that comes up short). */
  totalCountSkew?: number;
  /** Put this origin in front of the rel="next" URL. */
  nextOrigin?: string;
}

export interface RunArtifactsFake {
  url: string;
  /** Every request, as method and path with query. */
  requests: { method: string; path: string; authorization?: string }[];
  close(): Promise<void>;
}

function artifactJson(base: string, owner: string, repo: string, a: FakeArtifact) {
  const created = a.created_at ?? new Date(Date.UTC(2026, 0, 1) + a.id * 1000).toISOString();
  return {
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: 512,
    url: `${base}/repos/${owner}/${repo}/actions/artifacts/${a.id}`,
    archive_download_url: `${base}/repos/${owner}/${repo}/actions/artifacts/${a.id}/zip`,
    expired: a.expired ?? false,
    created_at: created,
    updated_at: created,
    expires_at: '2026-12-31T00:00:00Z',
    digest: `sha256:${a.id.toString(16).padStart(64, '0')}`,
  };
}

export async function startRunArtifactsFake(options: RunArtifactsFakeOptions): Promise<RunArtifactsFake> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'images';
  const runId = options.runId ?? 4242;
  const token = options.token ?? 'test-token';
  const faults = (options.faults ?? []).map((f) => ({ ...f }));
  const requests: RunArtifactsFake['requests'] = [];
  let base = '';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/artifacts$/.exec(url.pathname);
    if (req.method !== 'GET' || !m || m[1] !== owner || m[2] !== repo || Number(m[3]) !== runId)
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });

    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const fault = faults.find((f) => f.times > 0 && (f.page === undefined || f.page === page));
    if (fault) {
      fault.times--;
      return send(fault.status, { message: fault.message ?? http.STATUS_CODES[fault.status] }, fault.headers);
    }
    const name = url.searchParams.get('name');
    const all = options.artifacts.filter((a) => name === null || a.name === name).sort((a, b) => b.id - a.id);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const pageOf = (n: number) => {
      const next = new URL(url.toString());
      if (options.nextOrigin && n > page) {
        const foreign = new URL(options.nextOrigin);
        next.protocol = foreign.protocol;
        next.host = foreign.host;
      }
      next.searchParams.set('per_page', String(perPage));
      next.searchParams.set('page', String(n));
      return next.toString();
    };
    const links: string[] = [];
    if (page < last) links.push(`<${pageOf(page + 1)}>; rel="next"`, `<${pageOf(last)}>; rel="last"`);
    if (page > 1) links.push(`<${pageOf(1)}>; rel="first"`, `<${pageOf(page - 1)}>; rel="prev"`);
    const headers: Record<string, string> = links.length > 0 && !options.noLink ? { link: links.join(', ') } : {};
    send(
      200,
      {
        total_count: all.length + (options.totalCountSkew ?? 0),
        artifacts: all.slice((page - 1) * perPage, page * perPage).map((a) => artifactJson(base, owner, repo, a)),
      },
      headers,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
