/**
 * Who uses an image in its project: disks made from it (with the instances
 * they are attached to) and instance templates, global and regional, that
 * would make more. Both come from aggregated lists, paged to the end.
 *
 * Instances do not carry their boot image (only disks do, as `sourceImage`),
 * and `sourceImage` is not a reliable server-side filter across URL forms, so
 * every disk and template is listed and matched here. Other projects that the
 * image is shared with are not visible to this project's credentials.
 */
import type { GcpClients } from './client.js';

/** Calls `fn` with retries and error description for `operation` (the provider's wrapper). */
export type Call = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

/**
 * `projects/<p>/global/images/<name>` from any form of image URL (full,
 * `projects/...`, or `global/images/<name>` relative to `project`), or
 * undefined (family references such as `global/images/family/<f>` included).
 */
export function imagePath(url: string | null | undefined, project: string): string | undefined {
  const match = /(?:^|\/)(?:projects\/([^/]+)\/)?global\/images\/([^/?]+)$/.exec(url ?? '');
  return match ? `projects/${match[1] ?? project}/global/images/${match[2]}` : undefined;
}

/** `zones/<z>/instances/<i>` (or the like) from a resource URL. */
function shortRef(url: string): string {
  return /\/projects\/[^/]+\/(.+)$/.exec(url)?.[1] ?? url;
}

export async function findUsage(clients: GcpClients, call: Call, project: string, image: string, pageSize: number): Promise<string[]> {
  const target = `projects/${project}/global/images/${image}`;
  const [disks, templates] = await Promise.all([
    call('disks.aggregatedList', async () => {
      const refs: string[] = [];
      const pages = clients.disks.aggregatedListAsync({ project, maxResults: pageSize }, { retry: null, autoPaginate: false });
      for await (const [, scoped] of pages) {
        for (const disk of scoped.disks ?? []) {
          if (imagePath(disk.sourceImage, project) !== target) continue;
          const users = disk.users ?? [];
          if (users.length > 0) refs.push(...users.map(shortRef));
          else refs.push(disk.selfLink ? shortRef(disk.selfLink) : `disks/${disk.name}`);
        }
      }
      return refs;
    }),
    call('instanceTemplates.aggregatedList', async () => {
      const refs: string[] = [];
      const pages = clients.templates.aggregatedListAsync({ project, maxResults: pageSize }, { retry: null, autoPaginate: false });
      for await (const [scope, scoped] of pages) {
        for (const template of scoped.instanceTemplates ?? []) {
          const uses = (template.properties?.disks ?? []).some((d) => imagePath(d.initializeParams?.sourceImage, project) === target);
          if (!uses) continue;
          refs.push(template.selfLink ? shortRef(template.selfLink) : `${scope}/instanceTemplates/${template.name}`);
        }
      }
      return refs;
    }),
  ]);
  return [...new Set([...disks, ...templates])].sort();
}
