/**
 * Stand-ins for Nova and Cinder, which cannot run on this machine: just the
 * two list calls the OpenStack provider makes to learn whether an image is in
 * use, with the documented request and response shapes. They listen on free
 * ports of 127.0.0.1; tests register them as compute and volumev3 endpoints
 * in the real Keystone catalog, so the provider finds them as it finds Glance.
 *
 * Nova (Compute API reference, "List Servers Detailed",
 * GET /v2.1/servers/detail): filter `image` (image id); paging by `limit` and
 * `marker`, with `servers_links: [{rel: "next", href}]` while more remain.
 * Cinder (Block Storage API v3 reference, "List Accessible Volumes With
 * Details", GET /v3/{project_id}/volumes/detail): filter `glance_metadata`, a
 * JSON object, accepted from microversion 3.4 (REST API Version History,
 * 3.4: "Added the filter parameters glance_metadata to list/detail volumes
 * requests"); below it the generalized filters answer 400 for an unknown
 * filter ("Generalized filters": "cinder will raise 400 BadRequest if any
 * invalid query filter is specified"); paging by `volumes_links`.
 * Left out: token validation (any X-Auth-Token is taken; a request without
 * one gets 401, as both services answer), every other filter and call.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandIns {
  /** image id -> server ids booted from it. */
  servers: Map<string, string[]>;
  /** image id -> volume ids made from it. */
  volumes: Map<string, string[]>;
  /** Every request line seen, for assertions. */
  requests: { url: string; version?: string }[];
  /** The catalog URLs to register: Nova's /v2.1, Cinder's /v3/$(project_id)s (Keystone fills in the project). */
  novaUrl: string;
  cinderUrl: string;
  close(): Promise<void>;
}

/** Items per page, small so that paging is exercised. */
const PAGE = 2;

function page(ids: string[], url: URL, key: 'servers' | 'volumes'): Record<string, unknown> {
  const marker = url.searchParams.get('marker');
  const start = marker ? ids.indexOf(marker) + 1 : 0;
  const items = ids.slice(start, start + PAGE);
  const body: Record<string, unknown> = { [key]: items.map((id) => ({ id, name: `${key}-${id}` })) };
  if (start + PAGE < ids.length) {
    const next = new URL(url);
    next.searchParams.set('marker', items[items.length - 1]);
    body[`${key}_links`] = [{ rel: 'next', href: next.toString() }];
  }
  return body;
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export async function startStandIns(): Promise<StandIns> {
  const state: StandIns = {
    servers: new Map(),
    volumes: new Map(),
    requests: [],
    novaUrl: '',
    cinderUrl: '',
    close: async () => undefined,
  };
  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const nova = await listen((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${(nova.address() as AddressInfo).port}`);
    state.requests.push({ url: url.toString() });
    if (!req.headers['x-auth-token'])
      return answer(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });
    if (req.method !== 'GET' || url.pathname !== '/v2.1/servers/detail')
      return answer(res, 404, { itemNotFound: { code: 404, message: 'Not found' } });
    const image = url.searchParams.get('image');
    answer(res, 200, page(image ? (state.servers.get(image) ?? []) : [...state.servers.values()].flat(), url, 'servers'));
  });
  const cinder = await listen((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${(cinder.address() as AddressInfo).port}`);
    const version = String(req.headers['openstack-api-version'] ?? '');
    state.requests.push({ url: url.toString(), version });
    if (!req.headers['x-auth-token'])
      return answer(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });
    if (req.method !== 'GET' || !/^\/v3\/[0-9a-f]+\/volumes\/detail$/.test(url.pathname))
      return answer(res, 404, { itemNotFound: { code: 404, message: 'Not found' } });
    const filter = url.searchParams.get('glance_metadata');
    const micro = /^volume (\d+)\.(\d+)$/.exec(version);
    if (filter !== null && !(micro && (Number(micro[1]) > 3 || Number(micro[2]) >= 4))) {
      return answer(res, 400, { badRequest: { code: 400, message: 'Invalid filters glance_metadata are found in query options.' } });
    }
    const image = filter ? (JSON.parse(filter) as { image_id?: string }).image_id : undefined;
    answer(res, 200, page(image ? (state.volumes.get(image) ?? []) : [...state.volumes.values()].flat(), url, 'volumes'));
  });
  state.novaUrl = `http://127.0.0.1:${(nova.address() as AddressInfo).port}/v2.1`;
  state.cinderUrl = `http://127.0.0.1:${(cinder.address() as AddressInfo).port}/v3/$(project_id)s`;
  state.close = async () => {
    await new Promise((r) => nova.close(r));
    await new Promise((r) => cinder.close(r));
  };
  return state;
}
