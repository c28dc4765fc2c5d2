/**
 * A stateful fake of the EC2 query API on 127.0.0.1, for the real
 * @aws-sdk/client-ec2 pointed at it (endpoint + any credentials):
 *
 *   const fake = await startEc2Fake({ pageSize: 2, copyPendingPolls: 1 });
 *   fake.state.seedImage({ region: 'eu-west-1', name: 'x', tags: {...} });
 *   fake.failNext('DescribeImages', { code: 'RequestLimitExceeded', times: 2 });
 *   new EC2Client({ region, endpoint: fake.url, credentials });
 *   fake.count('DescribeImages', 'eu-west-1');   // attempts seen, failed ones too
 *   await fake.close();
 *
 * Every region's calls reach the same endpoint; the fake reads the region
 * from the SigV4 credential scope (`Credential=AKID/20250101/<region>/ec2/aws4_request`)
 * and keeps separate state per region.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTIONS, type ActionOptions } from './actions.js';
import { Ec2FakeError, Params } from './params.js';
import { Ec2FakeState } from './state.js';
import { errorResponse, response } from './xml.js';

export { Ec2FakeState } from './state.js';
export type { FakeImage, FakeInstance, FakeLaunchTemplate, FakeSnapshot, SeedImage } from './state.js';

export interface Ec2FakeOptions {
  /** The account that owns seeded images and copies (default 123456789012). */
  account?: string;
  /** Largest page any describe call returns, whatever MaxResults asks (default: no cap). */
  pageSize?: number;
  /** DescribeImages answers that still show a new copy as pending (default 2). */
  copyPendingPolls?: number;
  /** And/or: a copy stays pending at least this long (default 0). */
  copyPendingMs?: number;
  /** What copies become when they settle (default available). */
  copyOutcome?: 'available' | 'failed';
  /** A new copy's id answers InvalidAMIID.NotFound for this many DescribeImages looks (default 0). */
  copyHiddenPolls?: number;
  /** DescribeImages still lists a deregistered image this many times (default 1). */
  deregisteredPolls?: number;
  /** Block public access for AMIs in every region (default block-new-sharing, as for new accounts). */
  imageBlockPublicAccess?: 'block-new-sharing' | 'unblocked';
  /** CopyImage answers ResourceLimitExceeded beyond this many pending copies per region. */
  maxConcurrentCopies?: number;
  /** Added to every request before answering, e.g. 50 for benchmarks. */
  latencyMs?: number;
  /** Region when a request carries no SigV4 scope (default us-east-1). */
  defaultRegion?: string;
  /** The fake's clock (deprecation times, pending copies); default real time. */
  now?: () => Date;
}

export interface FailureSpec {
  /** EC2 error code (default RequestLimitExceeded). */
  code?: string;
  /** HTTP status (default 503 for RequestLimitExceeded/Unavailable, else 400). */
  status?: number;
  message?: string;
  /** How many calls in a row fail (default 1). */
  times?: number;
  /** Only calls to this region fail. */
  region?: string;
  /** Retry-After header, in seconds. */
  retryAfter?: number;
  /** Drop the connection instead of answering (a transient network error). */
  network?: boolean;
}

export interface Ec2Call {
  action: string;
  region: string;
  params: Record<string, string>;
  status: number;
  /** The EC2 error code when the call failed. */
  error?: string;
}

export interface Ec2Fake {
  url: string;
  port: number;
  state: Ec2FakeState;
  /** Every request, in arrival order, failed ones included. */
  calls: Ec2Call[];
  /** Calls of one action (or all), optionally in one region. */
  count(action?: string, region?: string): number;
  failNext(action: string, spec?: FailureSpec): void;
  clearCalls(): void;
  close(): Promise<void>;
}

const SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/ec2\/aws4_request/;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startEc2Fake(options: Ec2FakeOptions = {}): Promise<Ec2Fake> {
  const now = options.now ?? (() => new Date());
  const state = new Ec2FakeState(options.account ?? '123456789012', now);
  state.imageBlockPublicAccess = options.imageBlockPublicAccess ?? 'block-new-sharing';
  const actionOptions: ActionOptions = {
    pageSize: options.pageSize,
    copyPendingPolls: options.copyPendingPolls ?? 2,
    copyPendingMs: options.copyPendingMs ?? 0,
    copyOutcome: options.copyOutcome ?? 'available',
    maxConcurrentCopies: options.maxConcurrentCopies,
    copyHiddenPolls: options.copyHiddenPolls ?? 0,
    deregisteredPolls: options.deregisteredPolls ?? 1,
  };
  const calls: Ec2Call[] = [];
  const failures = new Map<string, (FailureSpec & { left: number })[]>();

  function takeFailure(action: string, region: string): FailureSpec | undefined {
    const queue = failures.get(action) ?? [];
    const spec = queue.find((f) => f.left > 0 && (!f.region || f.region === region));
    if (!spec) return undefined;
    spec.left -= 1;
    failures.set(
      action,
      queue.filter((f) => f.left > 0),
    );
    return spec;
  }

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const raw = Object.fromEntries(new URLSearchParams(body));
    const action = raw.Action ?? '';
    const region = SCOPE.exec(req.headers.authorization ?? '')?.[1] ?? options.defaultRegion ?? 'us-east-1';
    const requestId = randomUUID();
    const call: Ec2Call = { action, region, params: raw, status: 200 };
    calls.push(call);
    const send = (status: number, xml: string, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', ...headers });
      res.end(xml);
    };
    const fail = (code: string, message: string, status: number, headers: Record<string, string> = {}) => {
      call.error = code;
      send(status, errorResponse(code, message, requestId), headers);
    };

    const injected = takeFailure(action, region);
    if (injected?.network) {
      call.status = 0;
      call.error = 'ECONNRESET';
      req.socket.destroy();
      return;
    }
    if (injected) {
      const code = injected.code ?? 'RequestLimitExceeded';
      const status = injected.status ?? (code === 'RequestLimitExceeded' || code === 'Unavailable' ? 503 : 400);
      const headers: Record<string, string> = injected.retryAfter !== undefined ? { 'Retry-After': String(injected.retryAfter) } : {};
      fail(code, injected.message ?? `${code} (injected by the fake)`, status, headers);
      return;
    }
    const handler = ACTIONS[action];
    if (!action) return fail('MissingAction', 'The request must contain the parameter Action', 400);
    if (!handler) return fail('InvalidAction', `The action ${action} is not valid for this web service.`, 400);
    try {
      send(200, response(action, requestId, handler({ state, region, params: new Params(raw), options: actionOptions, now })));
    } catch (error) {
      if (error instanceof Ec2FakeError) return fail(error.code, error.message, error.status);
      fail('InternalError', `An internal error has occurred: ${(error as Error).message}`, 500);
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    calls,
    count: (action, region) => calls.filter((c) => (!action || c.action === action) && (!region || c.region === region)).length,
    failNext(action, spec = {}) {
      const queue = failures.get(action) ?? [];
      queue.push({ ...spec, left: spec.times ?? 1 });
      failures.set(action, queue);
    },
    clearCalls: () => void calls.splice(0),
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
