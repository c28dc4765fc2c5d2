/**
 * A stateful fake of the Compute Engine REST API (v1 JSON), as
 * @google-cloud/compute sends it in REST (fallback) mode, on 127.0.0.1.
 *
 *   const fake = await startGcpFake({ pageSize: 2, deletePolls: 3 });
 *   fake.seedImage({ name: 'ib-base-debian12-0123', labels: { 'image-builder': 'true' } });
 *   process.env.IMAGE_BUILDER_GCP_ENDPOINT = fake.url;
 *   fake.failNext('images.list', { status: 429, times: 2 });
 *   fake.calls.count('images.list');
 *   await fake.close();
 *
 * Operation names (the keys of failNext and calls): images.list, images.get,
 * images.delete, images.setLabels, images.deprecate, images.getIamPolicy,
 * images.setIamPolicy, globalOperations.get, globalOperations.wait,
 * disks.aggregatedList, instances.aggregatedList, instanceTemplates.list,
 * instanceTemplates.aggregatedList, zones.list, sts.token (the token exchange that
 * external_account credentials call, at POST /v1/token).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GcpFakeState, type SeedImage } from './state.js';
import { gcpError, handleCompute, type Reply, type Routed } from './routes.js';

export { gcpError };

export interface GcpFakeOptions {
  /** Server-side cap on items per page (GCP's is 500); small values make tests cross pages. */
  pageSize?: number;
  /** Polls (globalOperations.get / wait calls) before a delete operation is DONE (default 2). */
  deletePolls?: number;
  /** Fixed latency added to every response, in ms (benchmarks use 50). */
  latencyMs?: number;
  /** Project used by the seed helpers when none is given (default 'test-project'). */
  project?: string;
  /** Called with every request once answered (tracing: which paths and verbs the SDK sends). */
  onCall?: (call: GcpCall) => void;
}

export interface GcpFailure {
  /** HTTP status: 403, 404, 412, 429, 503... */
  status: number;
  /** errors[0].reason: forbidden, quotaExceeded, rateLimitExceeded, backendError... (default by status). */
  reason?: string;
  /** Canonical status name (default by HTTP status; quota -> RESOURCE_EXHAUSTED is not assumed). */
  statusName?: string;
  message?: string;
  /** How many calls fail (default 1). */
  times?: number;
  /** Seconds, sent as a Retry-After header. */
  retryAfter?: number;
  /** Drop the connection instead of answering (a transient network failure). */
  reset?: boolean;
  /** For operation-returning calls: answer 200 but let the operation end with this error. */
  operationError?: { code: string; message: string };
}

export interface GcpCall {
  op: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  project?: string;
  token?: string;
  /** HTTP status answered (0: connection dropped). */
  status: number;
}

export interface GcpFakeCalls {
  readonly log: GcpCall[];
  /** Calls of `op` (every op when omitted), optionally in one project. */
  count(op?: string, project?: string): number;
  reset(): void;
}

export interface GcpFake {
  /** http://127.0.0.1:PORT, the value for IMAGE_BUILDER_GCP_ENDPOINT. */
  url: string;
  port: number;
  state: GcpFakeState;
  calls: GcpFakeCalls;
  failNext(op: string, failure: GcpFailure): void;
  seedImage(spec: SeedImage): ReturnType<GcpFakeState['seedImage']>;
  seedInstance: GcpFakeState['seedInstance'];
  seedDisk: GcpFakeState['seedDisk'];
  seedTemplate: GcpFakeState['seedTemplate'];
  close(): Promise<void>;
}

const STS_TOKEN = {
  access_token: 'fake-sts-access-token',
  issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
  token_type: 'Bearer',
  expires_in: 3600,
};

const PERMISSION: Record<string, string> = {
  'globalOperations.wait': 'compute.globalOperations.get',
  'globalOperations.get': 'compute.globalOperations.get',
  'disks.aggregatedList': 'compute.disks.list',
  'instances.aggregatedList': 'compute.instances.list',
  'instanceTemplates.aggregatedList': 'compute.instanceTemplates.list',
  'zones.list': 'compute.zones.list',
};

export async function startGcpFake(options: GcpFakeOptions = {}): Promise<GcpFake> {
  const state = new GcpFakeState(options.project ?? 'test-project', options.deletePolls ?? 2);
  const failures = new Map<string, GcpFailure[]>();
  const log: GcpCall[] = [];
  const calls: GcpFakeCalls = {
    log,
    count: (op, project) => log.filter((c) => (!op || c.op === op) && (!project || c.project === project)).length,
    reset: () => void log.splice(0),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
        const url = new URL(req.url ?? '/', 'http://fake');
        const text = Buffer.concat(chunks).toString('utf8');
        const body = parseBody(text, req.headers['content-type']);
        const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const call: GcpCall = {
          op: 'unknown',
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          body,
          token: auth,
          status: 0,
        };
        const sts = req.method === 'POST' && url.pathname === '/v1/token';
        const routed: Routed = sts
          ? { op: 'sts.token', run: () => ({ status: 200, body: STS_TOKEN }) }
          : handleCompute(state, req.method ?? 'GET', url, body, options.pageSize ?? 500);
        call.op = routed.op;
        call.project = routed.project;
        const failure = takeFailure(failures, routed.op);
        if (failure?.reset) {
          log.push(call);
          options.onCall?.(call);
          req.socket.destroy();
          return;
        }
        let reply: Reply;
        if (!auth && !sts) reply = gcpError(401, 'Request is missing required authentication credential.');
        else if (failure && !failure.operationError) {
          const message =
            failure.message ??
            (failure.status === 403 && !failure.reason
              ? `Required '${PERMISSION[routed.op] ?? `compute.${routed.op}`}' permission for 'projects/${routed.project}'`
              : undefined);
          reply = sts // Google's STS answers in OAuth form.
            ? { status: failure.status, body: { error: failure.reason ?? 'invalid_grant', error_description: message ?? 'refused' } }
            : gcpError(failure.status, message, failure.reason, failure.statusName);
          if (failure.retryAfter !== undefined) reply.headers = { 'retry-after': String(failure.retryAfter) };
        } else reply = routed.run(failure?.operationError);
        call.status = reply.status;
        log.push(call);
        options.onCall?.(call);
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    calls,
    failNext(op, failure) {
      const queue = failures.get(op) ?? [];
      queue.push({ ...failure, times: failure.times ?? 1 });
      failures.set(op, queue);
    },
    seedImage: (spec) => state.seedImage(spec),
    seedInstance: (spec) => state.seedInstance(spec),
    seedDisk: (spec) => state.seedDisk(spec),
    seedTemplate: (spec) => state.seedTemplate(spec),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function takeFailure(failures: Map<string, GcpFailure[]>, op: string): GcpFailure | undefined {
  const queue = failures.get(op);
  const head = queue?.[0];
  if (!queue || !head) return undefined;
  head.times = (head.times ?? 1) - 1;
  if (head.times <= 0) queue.shift();
  return head;
}

function parseBody(text: string, type: string | undefined): unknown {
  if (!text) return undefined;
  if (type?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
