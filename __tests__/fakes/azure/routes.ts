/**
 * ARM request handlers of the Azure fake: which path is which operation, and
 * what each operation does to the state. Long-running operations answer with
 * an Azure-AsyncOperation URL that reports InProgress until the change is done.
 */
import { randomUUID } from 'node:crypto';
import {
  definitionJson,
  galleryJson,
  imageJson,
  isBusy,
  key,
  observe,
  scaleSetJson,
  settle,
  versionJson,
  vmJson,
  type FakeAzureState,
  type FakeGallery,
  type FakeTargetRegion,
  type FakeVersion,
  type OperationStatus,
} from './state.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  state: FakeAzureState;
  base: string;
  method: string;
  params: string[];
  query: URLSearchParams;
  path: string;
  body: any;
  pageSize: number;
  replicationPolls: number;
  replicationMs: number;
  lroPolls: number;
  failReplication: Map<string, string>;
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: { code, message } }, headers };
}

const SUB = '^/subscriptions/([^/]+)';
const RG = `${SUB}/resourceGroups/([^/]+)/providers/Microsoft\\.Compute`;
const GALLERY = `${RG}/galleries/([^/]+)`;
const VERSIONS = `${GALLERY}/images/([^/]+)/versions`;

/** [pattern, method -> operation id] */
export const ROUTES: [RegExp, Record<string, string>][] = [
  [new RegExp(`${GALLERY}$`, 'i'), { GET: 'Galleries_Get' }],
  [new RegExp(`${GALLERY}/share$`, 'i'), { POST: 'GallerySharingProfile_Update' }],
  [new RegExp(`${GALLERY}/images$`, 'i'), { GET: 'GalleryImages_ListByGallery' }],
  [new RegExp(`${GALLERY}/images/([^/]+)$`, 'i'), { GET: 'GalleryImages_Get', PUT: 'GalleryImages_CreateOrUpdate' }],
  // RBAC on a gallery image definition (rbac.ts).
  [
    new RegExp(`${GALLERY}/images/([^/]+)/providers/Microsoft\\.Authorization/roleAssignments/([^/]+)$`, 'i'),
    { PUT: 'RoleAssignments_Create' },
  ],
  [new RegExp(`${VERSIONS}$`, 'i'), { GET: 'GalleryImageVersions_ListByGalleryImage' }],
  [
    new RegExp(`${VERSIONS}/([^/]+)$`, 'i'),
    {
      GET: 'GalleryImageVersions_Get',
      PUT: 'GalleryImageVersions_CreateOrUpdate',
      PATCH: 'GalleryImageVersions_Update',
      DELETE: 'GalleryImageVersions_Delete',
    },
  ],
  [new RegExp(`${RG}/images$`, 'i'), { GET: 'Images_ListByResourceGroup' }],
  [new RegExp(`${RG}/images/([^/]+)$`, 'i'), { GET: 'Images_Get', PATCH: 'Images_Update', DELETE: 'Images_Delete' }],
  [new RegExp(`${SUB}/providers/Microsoft\\.Compute/virtualMachines$`, 'i'), { GET: 'VirtualMachines_ListAll' }],
  [new RegExp(`${SUB}/providers/Microsoft\\.Compute/virtualMachineScaleSets$`, 'i'), { GET: 'VirtualMachineScaleSets_ListAll' }],
  [new RegExp(`${SUB}/providers/Microsoft\\.Compute/locations/([^/]+)/operations/([^/]+)$`, 'i'), { GET: 'AsyncOperation_Get' }],
];

function page(ctx: RouteContext, items: unknown[]): Reply {
  const skip = Number(ctx.query.get('$skiptoken') ?? 0);
  const value = items.slice(skip, skip + ctx.pageSize);
  const next = skip + ctx.pageSize;
  const apiVersion = ctx.query.get('api-version') ?? '';
  const nextLink = next < items.length ? `${ctx.base}${ctx.path}?api-version=${apiVersion}&$skiptoken=${next}` : undefined;
  return { status: 200, body: { value, ...(nextLink ? { nextLink } : {}) } };
}

/** Registers an operation; answers its headers (DELETE also gets a Location). */
function startOperation(ctx: RouteContext, location: string, poll: () => OperationStatus, withLocation = false) {
  const id = randomUUID();
  ctx.state.operations.set(id, { id, poll });
  const region = location.replace(/\s+/g, '').toLowerCase();
  const url = `${ctx.base}/subscriptions/${ctx.state.subscription}/providers/Microsoft.Compute/locations/${region}/operations/${id}?api-version=2025-03-03`;
  return { 'Azure-AsyncOperation': url, ...(withLocation ? { Location: url } : {}) };
}

function countdown(polls: number, done: () => void): () => OperationStatus {
  let left = polls;
  return () => {
    if (left-- > 0) return 'InProgress';
    done();
    return 'Succeeded';
  };
}

function newRegion(ctx: RouteContext, spec: any): FakeTargetRegion {
  const name = String(spec.name);
  const failWith = ctx.failReplication.get(name.replace(/\s+/g, '').toLowerCase());
  return {
    name,
    state: 'Replicating',
    remaining: ctx.replicationPolls,
    readyAt: Date.now() + ctx.replicationMs,
    regionalReplicaCount: spec.regionalReplicaCount,
    storageAccountType: spec.storageAccountType,
    encryption: spec.encryption,
    excludeFromLatest: spec.excludeFromLatest,
    ...(failWith ? { failWith } : {}),
  };
}

function applyProfile(ctx: RouteContext, version: FakeVersion, profile: any): void {
  if (!profile) return;
  if (Array.isArray(profile.targetRegions)) {
    const norm = (n: string) => n.replace(/\s+/g, '').toLowerCase();
    version.regions = profile.targetRegions.map((spec: any) => {
      const old = version.regions.find((r) => norm(r.name) === norm(String(spec.name)));
      if (!old) return newRegion(ctx, spec);
      return {
        ...old,
        regionalReplicaCount: spec.regionalReplicaCount ?? old.regionalReplicaCount,
        excludeFromLatest: spec.excludeFromLatest ?? old.excludeFromLatest,
      };
    });
  }
  if ('excludeFromLatest' in profile) version.excludeFromLatest = profile.excludeFromLatest;
  if ('endOfLifeDate' in profile) version.endOfLifeDate = profile.endOfLifeDate;
  if ('replicaCount' in profile) version.replicaCount = profile.replicaCount;
}

function versionOperation(version: FakeVersion): () => OperationStatus {
  return () => {
    observe(version, Date.now());
    if (isBusy(version)) return 'InProgress';
    if (version.phase === 'Failed') {
      const failed = version.regions.filter((r) => r.state === 'Failed').map((r) => `${r.name}: ${r.details ?? 'failed'}`);
      return { code: 'GalleryImageVersionReplicationFailed', message: `Replication failed in ${failed.join(', ')}` };
    }
    return 'Succeeded';
  };
}

function gallery(ctx: RouteContext): FakeGallery | Reply {
  const g = ctx.state.galleries.get(key(ctx.params[2] ?? ''));
  return (
    g ??
    armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.Compute/galleries/${ctx.params[2]}' under resource group '${ctx.params[1]}' was not found.`,
    )
  );
}

const isReply = (x: unknown): x is Reply => typeof (x as Reply).status === 'number';

function versions(ctx: RouteContext, op: string): Reply {
  const g = gallery(ctx);
  if (isReply(g)) return g;
  const def = g.definitions.get(key(ctx.params[3] ?? ''));
  if (!def)
    return armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Compute/galleries/${g.name}/images/${ctx.params[3]}' was not found.`);
  if (op === 'GalleryImageVersions_ListByGalleryImage') {
    return page(
      ctx,
      [...def.versions.values()].map((v) => versionJson(ctx.state, g, def, v, false)),
    );
  }
  const name = ctx.params[4] ?? '';
  const version = def.versions.get(key(name));
  const json = (v: FakeVersion, expand = false) => versionJson(ctx.state, g, def, v, expand);
  const notFound = () =>
    armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.Compute/galleries/${g.name}/images/${def.name}/versions/${name}' was not found.`,
    );
  const conflict = (v: FakeVersion) =>
    armError(
      409,
      'OperationNotAllowed',
      `Operation on gallery image version '${v.name}' is not allowed since it is in '${v.phase}' state.`,
    );
  switch (op) {
    case 'GalleryImageVersions_Get':
      if (!version) return notFound();
      observe(version, Date.now());
      return { status: 200, body: json(version, /replicationstatus/i.test(ctx.query.get('$expand') ?? '')) };
    case 'GalleryImageVersions_Update': {
      if (!version) return notFound();
      if (isBusy(version)) return conflict(version);
      if (ctx.body?.tags) version.tags = { ...ctx.body.tags };
      applyProfile(ctx, version, ctx.body?.properties?.publishingProfile);
      version.phase = 'Updating';
      version.busy = ctx.lroPolls;
      settle(version);
      return { status: 200, body: json(version), headers: startOperation(ctx, version.location, versionOperation(version)) };
    }
    case 'GalleryImageVersions_CreateOrUpdate': {
      if (version && isBusy(version)) return conflict(version);
      const location = String(ctx.body?.location ?? def.location);
      const created: FakeVersion = version ?? {
        name,
        location,
        tags: {},
        phase: 'Creating',
        busy: 0,
        regions: [],
        publishedDate: new Date().toISOString(),
        storageProfile: ctx.body?.properties?.storageProfile ?? {},
      };
      created.tags = { ...(ctx.body?.tags ?? {}) };
      const profile = ctx.body?.properties?.publishingProfile ?? {};
      applyProfile(ctx, created, { ...profile, targetRegions: profile.targetRegions ?? [{ name: location }] });
      created.phase = version ? 'Updating' : 'Creating';
      created.busy = ctx.lroPolls;
      def.versions.set(key(name), created);
      return { status: version ? 200 : 201, body: json(created), headers: startOperation(ctx, location, versionOperation(created)) };
    }
    case 'GalleryImageVersions_Delete': {
      if (!version) return { status: 204 };
      if (isBusy(version)) return conflict(version);
      version.phase = 'Deleting';
      const headers = startOperation(
        ctx,
        version.location,
        countdown(ctx.lroPolls, () => def.versions.delete(key(name))),
        true,
      );
      return { status: 202, headers };
    }
  }
  return armError(405, 'MethodNotAllowed', op);
}

function galleryRoutes(ctx: RouteContext, op: string): Reply {
  const g = gallery(ctx);
  if (isReply(g)) return g;
  switch (op) {
    case 'Galleries_Get':
      return { status: 200, body: galleryJson(ctx.state, g, /SharingProfile\/Groups/i.test(ctx.query.get('$expand') ?? '')) };
    case 'GallerySharingProfile_Update': {
      if (g.permissions !== 'Groups') {
        return armError(
          409,
          'OperationNotAllowed',
          `Gallery '${g.name}' sharing profile permission is '${g.permissions}'; sharing to groups requires 'Groups'.`,
        );
      }
      const { operationType, groups = [] } = ctx.body ?? {};
      const apply = () => {
        if (operationType === 'Reset') g.groups = [];
        for (const group of groups as { type: string; ids: string[] }[]) {
          const have = g.groups.find((x) => x.type === group.type) ?? g.groups[g.groups.push({ type: group.type, ids: [] }) - 1]!;
          have.ids =
            operationType === 'Remove' ? have.ids.filter((id) => !group.ids.includes(id)) : [...new Set([...have.ids, ...group.ids])];
        }
      };
      return { status: 202, headers: startOperation(ctx, g.location, countdown(ctx.lroPolls, apply)) };
    }
    case 'GalleryImages_ListByGallery':
      return page(
        ctx,
        [...g.definitions.values()].map((d) => definitionJson(ctx.state, g, d)),
      );
  }
  const name = ctx.params[3] ?? '';
  const def = g.definitions.get(key(name));
  if (op === 'GalleryImages_Get') {
    return def
      ? { status: 200, body: definitionJson(ctx.state, g, def) }
      : armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Compute/galleries/${g.name}/images/${name}' was not found.`);
  }
  const { location = g.location, tags = {}, properties = {} } = ctx.body ?? {};
  // "Changing property 'galleryImage.properties.hyperVGeneration' is not allowed" (ARM: a definition's
  // generation is fixed at creation, image-version docs: the version must match the definition's generation).
  const had = def?.properties.hyperVGeneration ?? 'V1';
  if (def && properties.hyperVGeneration && properties.hyperVGeneration !== had) {
    return armError(409, 'PropertyChangeNotAllowed', "Changing property 'galleryImage.properties.hyperVGeneration' is not allowed.");
  }
  const created = def ?? { name, location, tags, properties, versions: new Map() };
  Object.assign(created, { tags, properties });
  g.definitions.set(key(name), created);
  return {
    status: def ? 200 : 201,
    body: definitionJson(ctx.state, g, created),
    headers: startOperation(
      ctx,
      location,
      countdown(ctx.lroPolls, () => undefined),
    ),
  };
}

function listRoutes(ctx: RouteContext, op: string): Reply {
  const { state } = ctx;
  switch (op) {
    case 'Images_ListByResourceGroup':
      return page(
        ctx,
        [...state.images.values()].map((i) => imageJson(state, i)),
      );
    case 'VirtualMachines_ListAll':
      return page(
        ctx,
        state.vms.map((vm) => vmJson(state, vm)),
      );
    case 'VirtualMachineScaleSets_ListAll':
      return page(
        ctx,
        state.scaleSets.map((s) => scaleSetJson(state, s)),
      );
    case 'AsyncOperation_Get': {
      const operation = state.operations.get(ctx.params[2] ?? '');
      if (!operation) return armError(404, 'ResourceNotFound', 'operation not found');
      const status = operation.poll();
      const body = typeof status === 'string' ? { name: operation.id, status } : { name: operation.id, status: 'Failed', error: status };
      return { status: 200, body: { ...body, startTime: new Date().toISOString() } };
    }
  }
  const name = ctx.params[2] ?? '';
  const image = state.images.get(key(name));
  if (!image)
    return op === 'Images_Delete'
      ? { status: 204 }
      : armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Compute/images/${name}' was not found.`);
  switch (op) {
    case 'Images_Get':
      return { status: 200, body: imageJson(state, image) };
    case 'Images_Update':
      if (ctx.body?.tags) image.tags = { ...ctx.body.tags };
      return {
        status: 200,
        body: imageJson(state, image),
        headers: startOperation(
          ctx,
          image.location,
          countdown(ctx.lroPolls, () => undefined),
        ),
      };
    default: // Images_Delete
      return {
        status: 202,
        headers: startOperation(
          ctx,
          image.location,
          countdown(ctx.lroPolls, () => state.images.delete(key(name))),
          true,
        ),
      };
  }
}

/** Dispatches a matched request (subscription and resource group already checked). */
export function route(ctx: RouteContext, op: string): Reply {
  if (op.startsWith('GalleryImageVersions_')) return versions(ctx, op);
  if (op.startsWith('Galler')) return galleryRoutes(ctx, op);
  return listRoutes(ctx, op);
}
