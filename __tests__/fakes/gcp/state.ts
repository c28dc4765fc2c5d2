/**
 * State of the GCP Compute fake: images, global operations, disks, instances
 * and instance templates, as the Compute REST API (v1 JSON) shows them.
 */
import { createHash } from 'node:crypto';

export const SELF_LINK_BASE = 'https://www.googleapis.com/compute/v1';

export type ImageStatus = 'PENDING' | 'READY' | 'FAILED' | 'DELETING';
export type DeprecationState = 'ACTIVE' | 'DEPRECATED' | 'OBSOLETE' | 'DELETED';

export interface FakeBinding {
  role: string;
  members: string[];
  condition?: unknown;
}
export interface FakePolicy {
  version: number;
  etag: string;
  bindings: FakeBinding[];
}

export interface FakeImage {
  kind: 'compute#image';
  id: string;
  name: string;
  creationTimestamp: string;
  status: ImageStatus;
  selfLink: string;
  labels: Record<string, string>;
  labelFingerprint: string;
  family?: string;
  description?: string;
  sourceType: 'RAW';
  diskSizeGb: string;
  storageLocations: string[];
  deprecated?: { state: DeprecationState; replacement?: string; deprecated?: string; obsolete?: string; deleted?: string };
}

export interface FakeOperation {
  kind: 'compute#operation';
  id: string;
  name: string;
  operationType: string;
  targetLink: string;
  status: 'PENDING' | 'RUNNING' | 'DONE';
  progress: number;
  insertTime: string;
  selfLink: string;
  endTime?: string;
  httpErrorStatusCode?: number;
  error?: { errors: { code: string; message: string }[] };
}

interface PendingOperation {
  op: FakeOperation;
  pollsLeft: number;
  onDone: () => void;
}

export interface FakeDisk {
  name: string;
  zone: string;
  sourceImage?: string;
  users?: string[];
  selfLink: string;
}

export interface FakeTemplate {
  name: string;
  /** 'global' or 'regions/<region>'. */
  scope: string;
  selfLink: string;
  properties: { disks: { boot?: boolean; initializeParams?: { sourceImage?: string } }[] };
}

export interface SeedImage {
  name: string;
  project?: string;
  labels?: Record<string, string>;
  status?: ImageStatus;
  deprecated?: FakeImage['deprecated'];
  family?: string;
  /** RFC 3339 (GCP answers with a -07:00 offset); default: increasing times. */
  creationTimestamp?: string;
}

const LABEL_KEY = /^[\p{Ll}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/** An 8-byte base64 fingerprint of any JSON value, as GCP's look. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest().subarray(0, 8).toString('base64');
}

/** Why `labels` breaks GCP's label rules, or undefined. */
export function invalidLabels(labels: Record<string, string>): string | undefined {
  const entries = Object.entries(labels);
  if (entries.length > 64) return `Too many labels: ${entries.length} (at most 64)`;
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key)) return `Invalid value for field 'labels': key '${key}'`;
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      return `Invalid value for field 'labels': '${String(value)}' (label values: lowercase letters, digits, _ and -, at most 63)`;
    }
  }
  return undefined;
}

/**
 * The zones the fake's projects have, with their status. Real names: many
 * regions have no `-a` zone; europe-west1 has b, c and d, so has us-east1
 * (cloud.google.com/compute/docs/regions-zones, "Available regions and zones").
 */
export const DEFAULT_ZONES: Record<string, 'UP' | 'DOWN'> = {
  'europe-west1-b': 'UP',
  'europe-west1-c': 'UP',
  'europe-west1-d': 'UP',
  'us-east1-b': 'UP',
  'us-east1-c': 'UP',
  'us-east1-d': 'UP',
};

export class GcpFakeState {
  /** Zone name -> status (UP or DOWN, the Zone resource's `status`); its region is the name without the last `-x`. */
  readonly zones = new Map<string, 'UP' | 'DOWN'>(Object.entries(DEFAULT_ZONES));
  readonly images = new Map<string, FakeImage>();
  readonly policies = new Map<string, FakePolicy>();
  readonly operations = new Map<string, PendingOperation>();
  readonly disks: Array<FakeDisk & { project: string }> = [];
  readonly templates: Array<FakeTemplate & { project: string }> = [];
  private serial = 0;

  constructor(
    readonly defaultProject: string,
    public deletePolls: number,
  ) {}

  private key(project: string, name: string): string {
    return `${project}/${name}`;
  }

  image(project: string, name: string): FakeImage | undefined {
    return this.images.get(this.key(project, name));
  }

  /**
   * What `family/<family>` resolves to: the newest READY image of the family whose
   * deprecation state is unset or ACTIVE (Compute API reference, images.getFromFamily;
   * "Image families" docs: the family points to the most recent non-deprecated image).
   */
  fromFamily(project: string, family: string): FakeImage | undefined {
    return [...this.images.values()]
      .filter((i) => i.selfLink.includes(`/projects/${project}/`) && i.family === family && i.status === 'READY')
      .filter((i) => !i.deprecated || i.deprecated.state === 'ACTIVE')
      .sort((x, y) => Date.parse(y.creationTimestamp) - Date.parse(x.creationTimestamp))[0];
  }

  /** Every image of a project, in creation order (as GCP lists by name, ties do not matter here). */
  projectImages(project: string): FakeImage[] {
    return [...this.images.entries()].filter(([k]) => k.startsWith(`${project}/`)).map(([, v]) => v);
  }

  seedImage(spec: SeedImage): FakeImage {
    const project = spec.project ?? this.defaultProject;
    const n = ++this.serial;
    const labels = spec.labels ?? {};
    const created = spec.creationTimestamp ?? rfc3339(new Date(Date.UTC(2024, 0, 1, 0, 0, n)));
    const image: FakeImage = {
      kind: 'compute#image',
      id: String(4_000_000_000_000_000_000n + BigInt(n)),
      name: spec.name,
      creationTimestamp: created,
      status: spec.status ?? 'READY',
      selfLink: `${SELF_LINK_BASE}/projects/${project}/global/images/${spec.name}`,
      labels,
      labelFingerprint: fingerprintOf(labels),
      sourceType: 'RAW',
      diskSizeGb: '10',
      storageLocations: ['eu'],
    };
    if (spec.family) image.family = spec.family;
    if (spec.deprecated) image.deprecated = spec.deprecated;
    this.images.set(this.key(project, spec.name), image);
    this.policies.set(this.key(project, spec.name), { version: 1, etag: fingerprintOf([n]), bindings: [] });
    return image;
  }

  /**
   * Publishes an upstream image into its family, as a distribution does
   * (Debian: `debian-12-bookworm-v<date>` into family debian-12 of project
   * debian-cloud); getFromFamily then answers the newest one.
   */
  publishUpstream(spec: { project: string; family: string; name: string; creationTimestamp: string }): FakeImage {
    return this.seedImage(spec);
  }

  policy(project: string, name: string): FakePolicy | undefined {
    return this.policies.get(this.key(project, name));
  }

  setPolicy(project: string, name: string, bindings: FakeBinding[], version: number): FakePolicy {
    const policy = { version, bindings, etag: fingerprintOf([bindings, ++this.serial]) };
    this.policies.set(this.key(project, name), policy);
    return policy;
  }

  setLabels(image: FakeImage, labels: Record<string, string>): void {
    image.labels = labels;
    image.labelFingerprint = fingerprintOf([labels, ++this.serial]);
  }

  deleteImage(project: string, name: string): void {
    this.images.delete(this.key(project, name));
    this.policies.delete(this.key(project, name));
  }

  /** A global operation, DONE at once or after `polls` GET/wait calls, when `onDone` runs. */
  operation(
    project: string,
    type: string,
    target: string,
    polls: number,
    onDone: () => void,
    error?: { code: string; message: string },
  ): FakeOperation {
    const n = ++this.serial;
    const name = `operation-${1_700_000_000_000 + n}-${fingerprintOf(n)
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()}`;
    const op: FakeOperation = {
      kind: 'compute#operation',
      id: String(7_000_000_000_000_000_000n + BigInt(n)),
      name,
      operationType: type,
      targetLink: target,
      status: 'PENDING',
      progress: 0,
      insertTime: rfc3339(new Date()),
      selfLink: `${SELF_LINK_BASE}/projects/${project}/global/operations/${name}`,
    };
    const pending: PendingOperation = {
      op,
      pollsLeft: polls,
      onDone: () => {
        if (error) {
          op.error = { errors: [error] };
          op.httpErrorStatusCode = 400;
        } else onDone();
        op.status = 'DONE';
        op.progress = 100;
        op.endTime = rfc3339(new Date());
      },
    };
    this.operations.set(this.key(project, name), pending);
    if (polls <= 0) pending.onDone();
    return op;
  }

  /** One poll of an operation: counts down, finishing it when the count reaches zero. */
  poll(project: string, name: string): FakeOperation | undefined {
    const pending = this.operations.get(this.key(project, name));
    if (!pending) return undefined;
    if (pending.op.status !== 'DONE') {
      pending.pollsLeft -= 1;
      if (pending.pollsLeft <= 0) pending.onDone();
      else pending.op.status = 'RUNNING';
    }
    return pending.op;
  }

  /** A disk made from `sourceImage` (an image URL), attached to `users` (instance names in the same zone). */
  seedDisk(spec: { name: string; zone: string; sourceImage?: string; users?: string[]; project?: string }): FakeDisk {
    const project = spec.project ?? this.defaultProject;
    const zoneLink = `${SELF_LINK_BASE}/projects/${project}/zones/${spec.zone}`;
    const disk = {
      project,
      name: spec.name,
      zone: zoneLink,
      sourceImage: spec.sourceImage,
      users: (spec.users ?? []).map((u) => `${zoneLink}/instances/${u}`),
      selfLink: `${zoneLink}/disks/${spec.name}`,
    };
    this.disks.push(disk);
    return disk;
  }

  /** An instance booting from `sourceImage`: its boot disk (same name) carries the image. */
  seedInstance(spec: { name: string; zone: string; sourceImage: string; project?: string }): FakeDisk {
    return this.seedDisk({ ...spec, users: [spec.name] });
  }

  /** An instance template ('global' or 'regions/<r>' scope) whose boot disk uses `sourceImage`. */
  seedTemplate(spec: { name: string; sourceImage: string; scope?: string; project?: string }): FakeTemplate {
    const project = spec.project ?? this.defaultProject;
    const scope = spec.scope ?? 'global';
    const template = {
      project,
      name: spec.name,
      scope,
      selfLink: `${SELF_LINK_BASE}/projects/${project}/${scope}/instanceTemplates/${spec.name}`,
      properties: { disks: [{ boot: true, initializeParams: { sourceImage: spec.sourceImage } }] },
    };
    this.templates.push(template);
    return template;
  }
}

/** GCP's timestamp form: RFC 3339 with milliseconds and a -07:00 offset. */
export function rfc3339(date: Date): string {
  const shifted = new Date(date.getTime() - 7 * 3600_000);
  return `${shifted.toISOString().slice(0, 23)}-07:00`;
}
