/**
 * A stateful Azure Resource Manager fake for Microsoft.Compute galleries,
 * images, VMs and scale sets, served over HTTPS on 127.0.0.1 with a
 * self-signed certificate (pass `fake.ca` to the client as tlsOptions.ca).
 *
 *   const fake = await startAzureFake({ pageSize: 2, replicationPolls: 2 });
 *   fake.seedVersion({ definition: 'base-debian12', version: '2025.101.0', regions: ['westeurope'], tags });
 *   fake.failNext('GalleryImageVersions_ListByGalleryImage', { status: 429, retryAfter: 0, times: 2 });
 *   fake.count('GalleryImageVersions_ListByGalleryImage');
 *
 * Operation names are ARM operation ids (see ROUTES in routes.ts),
 * plus AsyncOperation_Get for polls of long-running operations; failNext('*')
 * fails whatever call comes next. Every request lands in `calls` (operation,
 * method, path, query, status).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fakeCertificate } from './tls.js';
import { roleAssignmentRoutes, type FakeRoleAssignment } from './rbac.js';
import { DEFAULT_MARKETPLACE, MARKETPLACE_ROUTES, marketplaceRoutes, type FakeMarketplaceImage } from './marketplace.js';
import { armError, ROUTES, route, type Reply, type RouteContext } from './routes.js';
import {
  key,
  type FakeAzureState,
  type FakeConsumer,
  type FakeGallery,
  type FakeManagedImage,
  type FakeVersion,
  type ReplicationState,
  latestVersion,
} from './state.js';

export interface AzureFakeOptions {
  subscription?: string;
  resourceGroup?: string;
  /** The gallery created at start (default image_builder). */
  gallery?: string;
  location?: string;
  /** Items per list page (default 50); nextLink carries a $skiptoken. */
  pageSize?: number;
  /** Observations (version GETs, operation polls) before a new region finishes replicating (default 2). */
  replicationPolls?: number;
  /** And at least this many ms after it was added (default 0). */
  replicationMs?: number;
  /** Polls before other long-running operations finish (default 1). */
  lroPolls?: number;
  /** Fixed delay before answering each request (benchmarks use 50). */
  latencyMs?: number;
  /**
   * The gallery's sharing permission (default Private: a gallery created without a
   * sharingProfile is private; Groups needs the direct-shared-gallery preview, share-gallery-direct docs).
   */
  galleryPermissions?: FakeGallery['permissions'];
  /** Bearer token to require (default: any). */
  token?: string;
}

export interface AzureFakeFault {
  status?: number;
  code?: string;
  message?: string;
  /** How many calls fail (default 1). */
  times?: number;
  /** Retry-After header value in seconds. */
  retryAfter?: number;
  /** retry-after-ms header (sub-second throttling). */
  retryAfterMs?: number;
  /** Drop the connection instead of answering (a network error). */
  reset?: boolean;
}

export interface FakeCall {
  op: string;
  method: string;
  path: string;
  query: string;
  status?: number;
}

export interface SeedVersion {
  definition: string;
  version: string;
  gallery?: string;
  /** Region names, or regions with a replication state (default Completed). */
  regions: (string | { name: string; state?: ReplicationState; details?: string })[];
  tags?: Record<string, string>;
  provisioningState?: FakeVersion['phase'];
  publishedDate?: string;
  endOfLifeDate?: string;
  excludeFromLatest?: boolean;
}

export interface AzureFake {
  url: string;
  port: number;
  /** The certificate to trust (PEM). */
  ca: string;
  state: FakeAzureState;
  calls: FakeCall[];
  count(op: string): number;
  failNext(op: string, fault: AzureFakeFault): void;
  /** New regions named here end their replication Failed with `details`. */
  failReplication(region: string, details: string): void;
  seedGallery(name: string, permissions?: FakeGallery['permissions']): FakeGallery;
  /** Creates the definition if needed; answers the version's resource id. */
  seedVersion(spec: SeedVersion): string;
  seedManagedImage(spec: { name: string; location: string; tags?: Record<string, string>; provisioningState?: string }): string;
  seedVm(spec: Omit<FakeConsumer, 'resourceGroup' | 'location'> & { resourceGroup?: string; location?: string }): void;
  seedScaleSet(spec: Omit<FakeConsumer, 'resourceGroup' | 'location'> & { resourceGroup?: string; location?: string }): void;
  /** Marketplace images (marketplace.ts; Debian 12 Gen1 and Gen2 by default). */
  marketplace: FakeMarketplaceImage[];
  /** Role assignments created through RBAC PUTs (rbac.ts). */
  roleAssignments: FakeRoleAssignment[];
  version(definition: string, version: string, gallery?: string): FakeVersion | undefined;
  /** The version `versions/latest` of the definition resolves to in `region` (state.ts latestVersion). */
  latest(definition: string, region: string, gallery?: string): FakeVersion | undefined;
  close(): Promise<void>;
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'AuthenticationFailed',
  403: 'AuthorizationFailed',
  404: 'ResourceNotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'x-ms-request-id': Math.random().toString(16).slice(2),
    ...reply.headers,
  });
  res.end(body);
}

export async function startAzureFake(options: AzureFakeOptions = {}): Promise<AzureFake> {
  const tls = await fakeCertificate();
  const location = options.location ?? 'westeurope';
  const state: FakeAzureState = {
    subscription: options.subscription ?? '00000000-0000-0000-0000-000000000001',
    resourceGroup: options.resourceGroup ?? 'images-rg',
    galleries: new Map(),
    images: new Map(),
    vms: [],
    scaleSets: [],
    operations: new Map(),
  };
  const calls: FakeCall[] = [];
  const roleAssignments: FakeRoleAssignment[] = [];
  const marketplace: FakeMarketplaceImage[] = DEFAULT_MARKETPLACE.map((i) => ({ ...i }));
  const faults = new Map<string, AzureFakeFault[]>();
  const failReplication = new Map<string, string>();
  let base = '';

  const seedGallery = (name: string, permissions = options.galleryPermissions ?? 'Private') => {
    const gallery = state.galleries.get(key(name)) ?? { name, location, permissions, groups: [], definitions: new Map() };
    gallery.permissions = permissions;
    state.galleries.set(key(name), gallery);
    return gallery;
  };
  seedGallery(options.gallery ?? 'image_builder');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    let op = 'Unknown';
    let params: string[] = [];
    for (const [pattern, methods] of [...ROUTES, ...MARKETPLACE_ROUTES]) {
      const match = pattern.exec(url.pathname);
      if (match) {
        op = methods[method] ?? 'MethodNotAllowed';
        params = match.slice(1);
        break;
      }
    }
    const call: FakeCall = { op, method, path: url.pathname, query: url.search };
    calls.push(call);
    const reply = (r: Reply) => {
      call.status = r.status;
      send(res, r);
    };
    const auth = req.headers.authorization ?? '';
    if (!/^Bearer \S+/.test(auth))
      return reply(armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."));
    if (options.token && auth !== `Bearer ${options.token}`)
      return reply(armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.'));
    const queue = faults.get(op) ?? faults.get('*');
    const fault = queue?.[0];
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) queue.shift();
      if (fault.reset) {
        call.status = 0;
        req.socket.destroy();
        return;
      }
      const status = fault.status ?? 500;
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      return reply(armError(status, fault.code ?? DEFAULT_CODES[status] ?? 'Error', fault.message ?? `injected failure of ${op}`, headers));
    }
    if (op === 'Unknown') return reply(armError(404, 'InvalidResourceType', `no route for ${method} ${url.pathname}`));
    if (op === 'MethodNotAllowed') return reply(armError(405, 'MethodNotAllowed', `${method} ${url.pathname}`));
    if (params[0]?.toLowerCase() !== state.subscription.toLowerCase()) {
      return reply(armError(404, 'SubscriptionNotFound', `The subscription '${params[0]}' could not be found.`));
    }
    const scoped = !/_ListAll$|^AsyncOperation|^VirtualMachineImages$/.test(op);
    if (scoped && params[1]?.toLowerCase() !== state.resourceGroup.toLowerCase()) {
      return reply(armError(404, 'ResourceGroupNotFound', `Resource group '${params[1]}' could not be found.`));
    }
    const ctx: RouteContext = {
      state,
      base,
      method,
      params,
      query: url.searchParams,
      path: url.pathname,
      body: await readBody(req),
      pageSize: options.pageSize ?? 50,
      replicationPolls: options.replicationPolls ?? 2,
      replicationMs: options.replicationMs ?? 0,
      lroPolls: options.lroPolls ?? 1,
      failReplication,
    };
    if (op === 'RoleAssignments_Create') return reply(roleAssignmentRoutes(ctx, roleAssignments));
    if (op === 'VirtualMachineImages') return reply(marketplaceRoutes(ctx, marketplace));
    reply(route(ctx, op));
  };

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, armError(500, 'InternalServerError', `fake failure: ${String(error)}`));
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `https://127.0.0.1:${port}`;

  const galleryOf = (name?: string) =>
    seedGallery(
      name ?? options.gallery ?? 'image_builder',
      state.galleries.get(key(name ?? options.gallery ?? 'image_builder'))?.permissions,
    );
  const consumer = (
    spec: Omit<FakeConsumer, 'resourceGroup' | 'location'> & { resourceGroup?: string; location?: string },
  ): FakeConsumer => ({
    resourceGroup: 'apps-rg',
    location,
    ...spec,
  });

  return {
    url: base,
    port,
    ca: tls.cert,
    state,
    calls,
    count: (op) => calls.filter((c) => c.op === op).length,
    failNext(op, fault) {
      faults.set(op, [...(faults.get(op) ?? []), { ...fault }]);
    },
    failReplication(region, details) {
      failReplication.set(region.replace(/\s+/g, '').toLowerCase(), details);
    },
    seedGallery,
    seedVersion(spec) {
      const gallery = galleryOf(spec.gallery);
      const def = gallery.definitions.get(key(spec.definition)) ?? {
        name: spec.definition,
        location,
        tags: {},
        versions: new Map(),
        properties: {
          osType: 'Linux',
          osState: 'Generalized',
          hyperVGeneration: 'V2',
          identifier: { publisher: 'image-builder', offer: spec.definition, sku: 'default' },
        },
      };
      gallery.definitions.set(key(spec.definition), def);
      const regions = spec.regions.map((r) => (typeof r === 'string' ? { name: r } : r));
      def.versions.set(key(spec.version), {
        name: spec.version,
        location: regions[0]?.name ?? location,
        tags: { 'image-builder': 'true', ...spec.tags },
        phase: spec.provisioningState ?? (regions.some((r) => r.state === 'Replicating') ? 'Updating' : 'Succeeded'),
        busy: 0,
        regions: regions.map((r) => ({
          name: r.name,
          state: r.state ?? 'Completed',
          remaining: options.replicationPolls ?? 2,
          readyAt: 0,
          details: r.details,
        })),
        publishedDate: spec.publishedDate ?? new Date().toISOString(),
        endOfLifeDate: spec.endOfLifeDate,
        excludeFromLatest: spec.excludeFromLatest,
        storageProfile: { osDiskImage: { sizeInGB: 30, hostCaching: 'ReadWrite' } },
      });
      return `/subscriptions/${state.subscription}/resourceGroups/${state.resourceGroup}/providers/Microsoft.Compute/galleries/${gallery.name}/images/${def.name}/versions/${spec.version}`;
    },
    seedManagedImage(spec: { name: string; location: string; tags?: Record<string, string>; provisioningState?: string }) {
      const image: FakeManagedImage = {
        name: spec.name,
        location: spec.location,
        tags: { 'image-builder': 'true', ...spec.tags },
        provisioningState: spec.provisioningState ?? 'Succeeded',
      };
      state.images.set(key(spec.name), image);
      return `/subscriptions/${state.subscription}/resourceGroups/${state.resourceGroup}/providers/Microsoft.Compute/images/${spec.name}`;
    },
    seedVm: (spec) => void state.vms.push(consumer(spec)),
    seedScaleSet: (spec) => void state.scaleSets.push(consumer(spec)),
    version: (definition, version, gallery) => galleryOf(gallery).definitions.get(key(definition))?.versions.get(key(version)),
    roleAssignments,
    marketplace,
    latest: (definition, region, gallery) => {
      const def = galleryOf(gallery).definitions.get(key(definition));
      return def && latestVersion(def, region);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
