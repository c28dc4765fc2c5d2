/**
 * The Debian mirror for local base images: the recipe source's `mirror`, else
 * IMAGE_BUILDER_DEBIAN_MIRROR, else the one this machine's apt already uses.
 * No mirror host is written into the product.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export function debianMirror(explicit?: string, env: NodeJS.ProcessEnv = process.env, aptDir = '/etc/apt'): string {
  const chosen = explicit ?? env.IMAGE_BUILDER_DEBIAN_MIRROR ?? aptMirror(aptDir);
  if (!chosen) {
    throw new Error(
      'no Debian mirror found: set `mirror:` in the local source, or IMAGE_BUILDER_DEBIAN_MIRROR, ' +
        'or configure apt (/etc/apt/sources.list.d/*.sources or /etc/apt/sources.list)',
    );
  }
  return chosen;
}

/** The first Debian archive URI of apt's configuration (deb822 .sources first, then sources.list). */
export function aptMirror(aptDir = '/etc/apt'): string | undefined {
  const dir = path.join(aptDir, 'sources.list.d');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.sources'))
        .sort()
        .map((f) => path.join(dir, f))
    : [];
  for (const file of files) {
    for (const stanza of readFileSync(file, 'utf8').split(/\n\s*\n/)) {
      const uris = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1] ?? '';
      if (uris && !/-security\b/.test(suites) && !/security/.test(uris)) return uris;
    }
  }
  const list = path.join(aptDir, 'sources.list');
  if (existsSync(list)) {
    for (const line of readFileSync(list, 'utf8').split('\n')) {
      const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (match && !/security/.test(match[1] + match[2])) return match[1];
    }
  }
  return undefined;
}
