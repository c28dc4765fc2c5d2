/**
 * The Compute v1 REST routes of the GCP fake: which operation a request is,
 * and what it does to the state. Paths as the SDK's REST mode sends them:
 *
 *   GET    /compute/v1/projects/{p}/global/images?filter=&maxResults=&pageToken=
 *   GET    /compute/v1/projects/{p}/global/images/{image}
 *   DELETE /compute/v1/projects/{p}/global/images/{image}
 *   POST   /compute/v1/projects/{p}/global/images/{image}/setLabels   {labels, labelFingerprint}
 *   POST   /compute/v1/projects/{p}/global/images/{image}/deprecate   {state, replacement, deprecated}
 *   GET    /compute/v1/projects/{p}/global/images/{image}/getIamPolicy?optionsRequestedPolicyVersion=3
 *   POST   /compute/v1/projects/{p}/global/images/{image}/setIamPolicy {policy}
 *   GET    /compute/v1/projects/{p}/global/operations/{op}
 *   POST   /compute/v1/projects/{p}/global/operations/{op}/wait
 *   GET    /compute/v1/projects/{p}/aggregated/{disks|instances|instanceTemplates}
 *   GET    /compute/v1/projects/{p}/global/instanceTemplates
 *   GET    /compute/v1/projects/{p}/zones?filter=&maxResults=&pageToken=
 */
import { GcpFakeState, invalidLabels, type FakeBinding, type FakeImage, SELF_LINK_BASE } from './state.js';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Routed {
  op: string;
  project?: string;
  run: (operationError?: { code: string; message: string }) => Reply;
}

type Json = Record<string, any>;

const MEMBER = /^(user|serviceAccount|group|domain|principal|principalSet|deleted):.+$|^allAuthenticatedUsers$/;
const DEPRECATION_STATES = new Set(['ACTIVE', 'DEPRECATED', 'OBSOLETE', 'DELETED']);

export function handleCompute(state: GcpFakeState, method: string, url: URL, body: unknown, pageCap: number): Routed {
  const m = /^\/compute\/v1\/projects\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (!m) return { op: 'unknown', run: () => gcpError(404, `Not Found: ${url.pathname}`) };
  const project = decodeURIComponent(m[1]);
  const rest = m[2].split('/').map(decodeURIComponent);
  const q = url.searchParams;
  const b = (body ?? {}) as Json;
  const route = (op: string, run: Routed['run']): Routed => ({ op, project, run });
  const imageUrl = (name: string) => `${SELF_LINK_BASE}/projects/${project}/global/images/${name}`;
  const withImage = (name: string, fn: (image: FakeImage) => Reply) => (): Reply => {
    const image = state.image(project, name);
    return image ? fn(image) : gcpError(404, `The resource 'projects/${project}/global/images/${name}' was not found`);
  };

  if (rest[0] === 'global' && rest[1] === 'images') {
    const name = rest[2];
    const verb = rest[3];
    if (!name && method === 'GET') return route('images.list', () => listImages(state, project, q, pageCap));
    // GET .../global/images/family/{family}: the newest image of the family that is not deprecated
    // (Compute API reference, images.getFromFamily: "Returns the latest image that is part of an image
    // family and is not deprecated"); 404 when there is none.
    if (name === 'family' && verb && !rest[4] && method === 'GET') {
      return route('images.getFromFamily', () => {
        const image = state.fromFamily(project, verb);
        return image ? ok(image) : gcpError(404, `The resource 'projects/${project}/global/images/family/${verb}' was not found`);
      });
    }
    // PATCH .../global/images/{image}: "Only the following fields can be modified: family, description,
    // deprecation status" (Compute API reference, images.patch); anything else is a 400.
    if (name && !verb && method === 'PATCH') {
      return route('images.patch', (opError) =>
        withImage(name, (image) => {
          // The client's proto JSON always carries map fields (`labels: {}`): an empty value sets nothing.
          const set = Object.keys(b).filter((k) => !isEmptyValue(b[k]));
          const fixed = set.filter((k) => !['family', 'description', 'deprecated', 'name'].includes(k));
          if (fixed.length > 0)
            return gcpError(
              400,
              `Invalid value for field 'resource': only family, description and deprecated can be patched, not ${fixed.join(', ')}`,
            );
          if (typeof b.family === 'string' && !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(b.family)) {
            return gcpError(400, `Invalid value for field 'resource.family': '${b.family}'`);
          }
          return ok(
            state.operation(
              project,
              'patch',
              image.selfLink,
              0,
              () => {
                if (typeof b.family === 'string') image.family = b.family;
                if (typeof b.description === 'string') image.description = b.description;
              },
              opError,
            ),
          );
        })(),
      );
    }
    if (name && !verb && method === 'GET')
      return route(
        'images.get',
        withImage(name, (image) => ok(image)),
      );
    if (name && !verb && method === 'DELETE') {
      return route('images.delete', (opError) =>
        withImage(name, (image) => {
          if (image.status === 'DELETING') return gcpError(400, `The resource '${imageUrl(name)}' is not ready`, 'resourceNotReady');
          const before = image.status;
          image.status = 'DELETING';
          const op = state.operation(project, 'delete', image.selfLink, state.deletePolls, () => state.deleteImage(project, name), opError);
          if (opError) image.status = before;
          return ok(op);
        })(),
      );
    }
    if (verb === 'setLabels' && method === 'POST') {
      return route('images.setLabels', (opError) =>
        withImage(name, (image) => {
          if (b.labelFingerprint !== image.labelFingerprint) return gcpError(412);
          const labels = (b.labels ?? {}) as Record<string, string>;
          const invalid = invalidLabels(labels);
          if (invalid) return gcpError(400, invalid);
          return ok(state.operation(project, 'setLabels', image.selfLink, 0, () => state.setLabels(image, labels), opError));
        })(),
      );
    }
    if (verb === 'deprecate' && method === 'POST') {
      return route('images.deprecate', (opError) =>
        withImage(name, (image) => {
          if (!DEPRECATION_STATES.has(b.state)) return gcpError(400, `Invalid value for field 'resource.state': '${b.state}'`);
          if (b.replacement !== undefined && !/(^|\/)projects\/[^/]+\/global\/images\/[^/]+$/.test(b.replacement)) {
            return gcpError(400, `Invalid value for field 'resource.replacement': '${b.replacement}'`);
          }
          return ok(
            state.operation(
              project,
              'deprecate',
              image.selfLink,
              0,
              () => {
                if (b.state === 'ACTIVE') delete image.deprecated;
                else
                  image.deprecated = {
                    state: b.state,
                    replacement: b.replacement,
                    deprecated: b.deprecated,
                    obsolete: b.obsolete,
                    deleted: b.deleted,
                  };
              },
              opError,
            ),
          );
        })(),
      );
    }
    if (verb === 'getIamPolicy' && method === 'GET') {
      return route(
        'images.getIamPolicy',
        withImage(name, () => ok(policyJson(state, project, name))),
      );
    }
    if (verb === 'setIamPolicy' && method === 'POST') {
      return route(
        'images.setIamPolicy',
        withImage(name, () => {
          const current = state.policy(project, name)!;
          const policy = (b.policy ?? {}) as Json;
          if (policy.etag && policy.etag !== current.etag) {
            return gcpError(
              409,
              'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
            );
          }
          const bindings = (policy.bindings ?? []) as FakeBinding[];
          for (const member of bindings.flatMap((x) => x.members ?? [])) {
            if (member === 'allUsers') return gcpError(400, 'allUsers is not supported for images; use allAuthenticatedUsers');
            if (!MEMBER.test(member)) return gcpError(400, `Invalid member: ${member}`);
          }
          state.setPolicy(project, name, bindings, policy.version ?? 1);
          return ok(policyJson(state, project, name));
        }),
      );
    }
  }
  if (rest[0] === 'global' && rest[1] === 'operations' && rest[2]) {
    const name = rest[2];
    const op =
      rest[3] === 'wait' && method === 'POST' ? 'globalOperations.wait' : !rest[3] && method === 'GET' ? 'globalOperations.get' : undefined;
    if (op) {
      return route(op, () => {
        const found = state.poll(project, name);
        return found ? ok(found) : gcpError(404, `The resource 'projects/${project}/global/operations/${name}' was not found`);
      });
    }
  }
  if (rest[0] === 'aggregated' && method === 'GET' && rest.length === 2) {
    const kind = rest[1];
    if (kind === 'disks') {
      return route('disks.aggregatedList', () =>
        aggregated(
          state.disks.filter((d) => d.project === project).map((d) => [scopeOf(d.zone), 'disks', diskJson(d)]),
          q,
          pageCap,
        ),
      );
    }
    if (kind === 'instances') {
      return route('instances.aggregatedList', () =>
        aggregated(
          state.disks
            .filter((d) => d.project === project)
            .flatMap((d) =>
              (d.users ?? []).map((u): Entry => [
                scopeOf(d.zone),
                'instances',
                {
                  kind: 'compute#instance',
                  name: u.split('/').pop(),
                  zone: d.zone,
                  selfLink: u,
                  status: 'RUNNING',
                  disks: [{ boot: true, source: d.selfLink, type: 'PERSISTENT' }],
                },
              ]),
            ),
          q,
          pageCap,
        ),
      );
    }
    if (kind === 'instanceTemplates') {
      return route('instanceTemplates.aggregatedList', () =>
        aggregated(
          state.templates.filter((t) => t.project === project).map((t) => [t.scope, 'instanceTemplates', templateJson(t)]),
          q,
          pageCap,
        ),
      );
    }
  }
  if (rest[0] === 'global' && rest[1] === 'instanceTemplates' && rest.length === 2 && method === 'GET') {
    return route('instanceTemplates.list', () => {
      const items = state.templates.filter((t) => t.project === project && t.scope === 'global').map(templateJson);
      return paged(items, q, pageCap, 'compute#instanceTemplateList');
    });
  }
  if (rest[0] === 'zones' && rest.length === 1 && method === 'GET') {
    return route('zones.list', () => listZones(state, project, q, pageCap));
  }
  return route('unknown', () => gcpError(404, `Not Found: ${method} ${url.pathname}`));
}

/**
 * zones.list (Compute API v1): Zone resources with `name`, `status` (UP or
 * DOWN) and `region` (the region's URL). The filter may use the regular
 * expression form, `(field eq literal) (field ne literal)`, where the literal
 * is an RE2 expression that must match the whole field, or `field = "value"`
 * terms; the two forms cannot be mixed in one request (the `filter`
 * parameter's description, @google-cloud/compute 6.15 zones_client.d.ts).
 */
function listZones(state: GcpFakeState, project: string, q: URLSearchParams, pageCap: number): Reply {
  const filter = q.get('filter') ?? '';
  const zones = [...state.zones.entries()].map(([name, status], i) => {
    const region = name.replace(/-[a-z]$/, '');
    return {
      kind: 'compute#zone',
      id: String(2000 + i),
      name,
      description: name,
      status,
      region: `${SELF_LINK_BASE}/projects/${project}/regions/${region}`,
      selfLink: `${SELF_LINK_BASE}/projects/${project}/zones/${name}`,
    } as Json;
  });
  const invalid = gcpError(400, `Invalid value for field 'filter': '${filter}'. Invalid list filter expression.`);
  const term = /\(\s*([a-zA-Z][\w.]*)\s+(eq|ne)\s+([^)\s]+)\s*\)/g;
  const regex = [...filter.matchAll(term)];
  let keep: (zone: Json) => boolean = () => true;
  if (regex.length > 0) {
    if (filter.replace(term, '').trim()) return invalid;
    const tests = regex.map(([, field, op, literal]) => {
      const re = new RegExp(`^(?:${literal.replace(/^['"]|['"]$/g, '')})$`);
      return (zone: Json) => re.test(String(zone[field] ?? '')) === (op === 'eq');
    });
    keep = (zone) => tests.every((t) => t(zone));
  } else if (filter) {
    const terms = parseFilter(filter);
    if (!terms) return invalid;
    keep = (zone) => terms.every(([field, value]) => zone[field] === value);
  }
  return paged(zones.filter(keep), q, pageCap, 'compute#zoneList');
}

const REASONS: Record<number, [reason: string, status: string, message: string]> = {
  400: ['invalid', 'INVALID_ARGUMENT', 'Invalid request'],
  401: ['authError', 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'],
  403: ['forbidden', 'PERMISSION_DENIED', 'Permission denied'],
  404: ['notFound', 'NOT_FOUND', 'The resource was not found'],
  409: ['conflict', 'ABORTED', 'There were concurrent policy changes.'],
  412: ['conditionNotMet', 'FAILED_PRECONDITION', 'Labels fingerprint either invalid or resource labels have changed'],
  429: ['rateLimitExceeded', 'RESOURCE_EXHAUSTED', 'Rate Limit Exceeded'],
  500: ['backendError', 'INTERNAL', 'Internal Error'],
  503: ['backendError', 'UNAVAILABLE', 'The service is currently unavailable.'],
};

/** A GCP JSON error body: {"error":{"code","message","errors":[{reason,domain,message}],"status"}}. */
export function gcpError(status: number, message?: string, reason?: string, statusName?: string): Reply {
  const [defReason, defStatus, defMessage] = REASONS[status] ?? ['unknown', 'UNKNOWN', 'Error'];
  const text = message ?? defMessage;
  return {
    status,
    body: {
      error: {
        code: status,
        message: text,
        errors: [{ message: text, domain: 'global', reason: reason ?? defReason }],
        status: statusName ?? defStatus,
      },
    },
  };
}

const ok = (body: unknown): Reply => ({ status: 200, body });

function policyJson(state: GcpFakeState, project: string, name: string): Json {
  const policy = state.policy(project, name)!;
  return policy.bindings.length ? { ...policy } : { version: policy.version, etag: policy.etag };
}

function scopeOf(link: string): string {
  return /\/((?:zones|regions)\/[^/]+)$/.exec(link)?.[1] ?? 'global';
}

function diskJson(d: GcpFakeState['disks'][number]): Json {
  const { project: _p, ...disk } = d;
  return { kind: 'compute#disk', ...disk };
}

function templateJson(t: GcpFakeState['templates'][number]): Json {
  const { project: _p, scope: _s, ...template } = t;
  return { kind: 'compute#instanceTemplate', ...template };
}

/** Filter support: `field = "value"` terms (labels.<key>, name, status, family) joined by AND or spaces. */
function parseFilter(filter: string): Array<[field: string, value: string]> | undefined {
  const term = /\(?\s*([a-zA-Z][\w.-]*)\s*=\s*"([^"]*)"\s*\)?/g;
  if (
    filter
      .replace(term, ' ')
      .replace(/\bAND\b/g, ' ')
      .trim()
  )
    return undefined;
  return [...filter.matchAll(term)].map(([, field, value]) => [field, value]);
}

function listImages(state: GcpFakeState, project: string, q: URLSearchParams, pageCap: number): Reply {
  const filter = q.get('filter') ?? '';
  const terms = parseFilter(filter);
  if (!terms) return gcpError(400, `Invalid value for field 'filter': '${filter}'. Invalid list filter expression.`);
  const images = state
    .projectImages(project)
    .filter((image) =>
      terms.every(
        ([field, value]) => (field.startsWith('labels.') ? image.labels[field.slice(7)] : (image as unknown as Json)[field]) === value,
      ),
    );
  return paged(images, q, pageCap, 'compute#imageList');
}

function pageBounds(total: number, q: URLSearchParams, pageCap: number): { start: number; end: number } | Reply {
  const max = q.has('maxResults') ? Number(q.get('maxResults')) : 500;
  if (!Number.isInteger(max) || max < 0 || max > 500) {
    return gcpError(400, `Invalid value for field 'maxResults': '${q.get('maxResults')}'. Must be less than or equal to 500`);
  }
  const token = q.get('pageToken');
  const start = token
    ? Number(
        Buffer.from(token, 'base64url')
          .toString()
          .replace(/^offset:/, ''),
      )
    : 0;
  if (token && (!Number.isInteger(start) || start < 0 || start > total)) {
    return gcpError(400, `Invalid value for field 'pageToken': '${token}'`);
  }
  return { start, end: Math.min(total, start + Math.min(max || 500, pageCap)) };
}

const nextToken = (end: number, total: number) => (end < total ? Buffer.from(`offset:${end}`).toString('base64url') : undefined);

function paged(items: unknown[], q: URLSearchParams, pageCap: number, kind: string): Reply {
  const bounds = pageBounds(items.length, q, pageCap);
  if ('status' in bounds) return bounds;
  const body: Json = { kind, id: 'projects/list', items: items.slice(bounds.start, bounds.end) };
  const next = nextToken(bounds.end, items.length);
  if (next) body.nextPageToken = next;
  return ok(body);
}

type Entry = [scope: string, field: string, item: Json];

/** An aggregated list: entries paged in order, grouped by scope on each page. */
function aggregated(entries: Entry[], q: URLSearchParams, pageCap: number): Reply {
  const bounds = pageBounds(entries.length, q, pageCap);
  if ('status' in bounds) return bounds;
  const items: Record<string, Json> = {};
  for (const [scope, field, item] of entries.slice(bounds.start, bounds.end)) {
    ((items[scope] ??= {})[field] ??= []).push(item);
  }
  const body: Json = { kind: 'compute#aggregatedList', id: 'projects/aggregated', items };
  const next = nextToken(bounds.end, entries.length);
  if (next) body.nextPageToken = next;
  return ok(body);
}

function isEmptyValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return value !== null && typeof value === 'object' && Object.keys(value).length === 0;
}
