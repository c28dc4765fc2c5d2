/**
 * A Debian archive's Release files on 127.0.0.1, for the local provider's
 * source resolution:
 *
 *   const mirror = await startDebianMirror();          // serves <url>/dists/<suite>/Release
 *   mirror.publish('bookworm', { version: '12.7', date: 'Sat, 31 Aug 2024 10:13:22 UTC' });
 *   mirror.failNext({ status: 503, times: 2 });
 *   mirror.requests;                                   // ['GET /debian/dists/bookworm/Release', ...]
 *
 * Rules it follows (Debian Repository Format, "Release files" and "dists"):
 * the archive root holds dists/<suite>/Release; a Release file is one deb822
 * stanza whose Date field is the time it was made, RFC 2822 with the time
 * zone UTC; the file lists the suite's index files with their sizes and
 * SHA256 sums, so it changes whenever the suite does. A suite the archive
 * does not have is a 404. Left out: InRelease/Release.gpg signatures, the
 * index files themselves, by-hash paths (the resolution reads Release only).
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface ReleaseSpec {
  /** Point release, e.g. 12.7 (Version field). */
  version: string;
  /** RFC 2822 in UTC, e.g. `Sat, 31 Aug 2024 10:13:22 UTC`. */
  date: string;
  /** Suite field (default stable); the codename is the suite the file is published under. */
  suite?: string;
}

export interface MirrorFailure {
  status: number;
  times?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** 200 with this body instead (e.g. an HTML page where the archive root was expected). */
  body?: string;
}

export interface DebianMirror {
  /** The archive root, e.g. http://127.0.0.1:PORT/debian (what `mirror:` names). */
  url: string;
  /** Every request, `METHOD path`, in order. */
  requests: string[];
  /** Publishes (or replaces) the Release file of a codename; returns its text. */
  publish(codename: string, spec: ReleaseSpec): string;
  failNext(failure: MirrorFailure): void;
  close(): Promise<void>;
}

/** A Release file of the shape Debian publishes (fields as in bookworm's, index list abridged). */
export function releaseFile(codename: string, spec: ReleaseSpec): string {
  const index = (path: string) => {
    const size = 1000 + path.length * 37;
    return ` ${createHash('sha256').update(`${codename} ${spec.version} ${path}`).digest('hex')} ${String(size).padStart(8)} ${path}`;
  };
  const files = [
    'main/binary-amd64/Packages',
    'main/binary-amd64/Packages.xz',
    'main/binary-arm64/Packages.xz',
    'main/i18n/Translation-en.xz',
  ];
  return [
    'Origin: Debian',
    'Label: Debian',
    `Suite: ${spec.suite ?? 'stable'}`,
    `Version: ${spec.version}`,
    `Codename: ${codename}`,
    `Date: ${spec.date}`,
    'Acquire-By-Hash: yes',
    'No-Support-for-Architecture-all: Packages',
    'Architectures: all amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x',
    'Components: main contrib non-free-firmware non-free',
    `Description: Debian ${spec.version} Released ${spec.date.replace(/^\w+, (\d+) (\w+) (\d+).*$/, '$1 $2 $3')}`,
    'SHA256:',
    ...files.map(index),
    '',
  ].join('\n');
}

export async function startDebianMirror(root = '/debian'): Promise<DebianMirror> {
  const releases = new Map<string, string>();
  const failures: MirrorFailure[] = [];
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const failure = failures[0];
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) failures.shift();
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
      res.writeHead(failure.body !== undefined ? 200 : failure.status, { 'content-type': 'text/html', ...headers });
      res.end(failure.body ?? `<h1>${failure.status}</h1>`);
      return;
    }
    const match = new RegExp(`^${root}/dists/([^/]+)/Release$`).exec(req.url ?? '');
    const text = match ? releases.get(match[1]) : undefined;
    if (req.method !== 'GET' || text === undefined) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not Found</h1>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${root}`,
    requests,
    publish(codename, spec) {
      const text = releaseFile(codename, spec);
      releases.set(codename, text);
      return text;
    },
    failNext: (failure) => void failures.push({ ...failure }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
