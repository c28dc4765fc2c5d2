/**
 * The Glance v2 calls this tool makes (Image service API v2 reference), in
 * one region. Observed on Glance 25 (Zed): create answers 201 with status
 * queued; the upload (`PUT /file`) 204; list pages carry `next` while a page
 * is full (the last page may be empty); PATCH needs the JSON-patch media
 * type, is atomic, and takes only string values for custom properties; a
 * member POST answers 200; deactivate/reactivate 204 and are idempotent
 * (403 on a queued image; a protected one is deactivated); a deactivated
 * image stays in its owner's list (a member-role user, owner and property
 * filters) and its properties can still be patched; DELETE 204, and 403
 * when the image is protected.
 */
import { call, type CallSite } from './http.js';

export interface GlanceImage {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  protected: boolean;
  os_hidden?: boolean;
  owner: string | null;
  created_at: string;
  size?: number | null;
  checksum?: string | null;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  disk_format?: string | null;
  container_format?: string | null;
  tags: string[];
  /** Custom properties are top-level keys with string values. */
  [property: string]: unknown;
}

export interface Member {
  member_id: string;
  image_id: string;
  status: string;
}

export type PatchOp = { op: 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

/** Upload and download deadline (a large image takes long; one API call gets the site's requestMs). */
const TRANSFER_MS = 6 * 60 * 60_000;

export class Glance {
  constructor(readonly site: CallSite) {}

  /** Every image matching the filters (exact property matches, os_hidden...), following `next` to the end. */
  async list(filters: Record<string, string>, pageSize = 200): Promise<GlanceImage[]> {
    const query = new URLSearchParams({ ...filters, limit: String(pageSize), sort: 'created_at:asc' });
    let path: string | undefined = `/v2/images?${query}`;
    const images: GlanceImage[] = [];
    const seen = new Set<string>();
    while (path) {
      if (seen.has(path))
        throw new Error(`openstack cloud "${this.site.cloud}" region ${this.site.region}: Glance returned the page ${path} twice`);
      seen.add(path);
      const page: { body: { images: GlanceImage[]; next?: string } } = await call(this.site, {
        operation: 'list images',
        method: 'GET',
        path,
      });
      images.push(...page.body.images);
      path = page.body.next && page.body.images.length > 0 ? page.body.next : undefined;
    }
    return images;
  }

  async get(id: string): Promise<GlanceImage | undefined> {
    try {
      return (await call<GlanceImage>(this.site, { operation: 'get image', method: 'GET', path: `/v2/images/${id}` })).body;
    } catch (error) {
      if ((error as { kind?: string }).kind === 'not-found') return undefined;
      throw error;
    }
  }

  async create(fields: Record<string, unknown>): Promise<GlanceImage> {
    // Not retried: a create whose answer was lost would leave a second queued image (inventory finds the first by fingerprint).
    return (await call<GlanceImage>(this.site, { operation: 'create image', method: 'POST', path: '/v2/images', json: fields, once: true }))
      .body;
  }

  /** Streams the image data; `body` is called once per attempt. */
  async upload(id: string, body: () => ReadableStream<Uint8Array>, once = false): Promise<void> {
    await call(this.site, {
      operation: 'upload image data',
      method: 'PUT',
      path: `/v2/images/${id}/file`,
      body,
      timeoutMs: TRANSFER_MS,
      once,
    });
  }

  /** The image data as a stream (the caller reads it to the end). */
  async download(id: string): Promise<ReadableStream<Uint8Array>> {
    const answer = await call(this.site, {
      operation: 'download image data',
      method: 'GET',
      path: `/v2/images/${id}/file`,
      stream: true,
      timeoutMs: TRANSFER_MS,
    });
    const body = answer.response?.body;
    if (!body) throw new Error(`openstack cloud "${this.site.cloud}" region ${this.site.region}: image ${id} has no data to download`);
    return body;
  }

  async patch(id: string, ops: PatchOp[]): Promise<GlanceImage> {
    return (await call<GlanceImage>(this.site, { operation: 'update image', method: 'PATCH', path: `/v2/images/${id}`, patch: ops })).body;
  }

  async members(id: string): Promise<Member[]> {
    return (
      await call<{ members: Member[] }>(this.site, { operation: 'list image members', method: 'GET', path: `/v2/images/${id}/members` })
    ).body.members;
  }

  async addMember(id: string, project: string): Promise<void> {
    // 409: already a member (the goal is reached).
    await call(this.site, {
      operation: 'add image member',
      method: 'POST',
      path: `/v2/images/${id}/members`,
      json: { member: project },
      expect: [200, 201, 409],
    });
  }

  async deactivate(id: string): Promise<void> {
    await call(this.site, { operation: 'deactivate image', method: 'POST', path: `/v2/images/${id}/actions/deactivate`, expect: [204] });
  }

  /** Deletes the image; true when it was there. */
  async remove(id: string): Promise<boolean> {
    const answer = await call(this.site, { operation: 'delete image', method: 'DELETE', path: `/v2/images/${id}`, expect: [204, 404] });
    return answer.status === 204;
  }
}
