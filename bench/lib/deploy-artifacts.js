/**
 * The deploy benchmark's artifacts: files of fixed, incompressible content
 * (AES-CTR keystream of a fixed seed, so their checksums never change and the
 * topology can pin them), served from 127.0.0.1 through a bandwidth limit
 * shared by every connection, like one download link.
 */
import { createCipheriv, createHash } from 'node:crypto';
import http from 'node:http';

const MiB = 1024 * 1024;

/** What a deployment downloads; the topology's checksums are of these bytes. */
export const ARTIFACTS = [
  { name: 'app-bundle.bin', size: 40 * MiB },
  { name: 'model-data.bin', size: 8 * MiB },
];

/** `size` bytes that depend only on `name`. */
export function artifactBytes(name, size) {
  const key = createHash('sha256').update(`image-builder bench artifact ${name}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

export function sha256Hex(buffer) {
  return createHash('sha256').update(buffer).digest('hex');
}

/**
 * A token schedule for one link of `bytesPerSecond`: reserve(bytes, now)
 * books the link for that many bytes after everything booked before and
 * answers how many ms from `now` until they have gone through.
 */
export function createThrottle(bytesPerSecond) {
  if (!(bytesPerSecond > 0)) throw new Error(`bandwidth must be positive, got ${bytesPerSecond}`);
  let nextFree = -Infinity;
  return {
    reserve(bytes, now) {
      const start = Math.max(now, nextFree);
      nextFree = start + (bytes * 1000) / bytesPerSecond;
      return nextFree - now;
    },
  };
}

const CHUNK = 64 * 1024;

/** Resolves when `res` drains or closes, leaving no listener behind. */
function drained(res) {
  return new Promise((resolve) => {
    const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
    res.on('drain', done);
    res.on('close', done);
  });
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Serves `files` (name -> Buffer) at http://127.0.0.1:<port>/<name> (port 0:
 * any free one), every response body paced through one throttle of
 * `megabitsPerSecond`.
 * stats: bytes sent and requests, to tell what a run downloaded.
 */
export async function startArtifactServer({ files, port, megabitsPerSecond }) {
  const throttle = createThrottle((megabitsPerSecond * 1e6) / 8);
  const stats = { bytes: 0, requests: 0 };
  const server = http.createServer(async (req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    const body = files.get(name);
    stats.requests += 1;
    if (!body || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(body ? 405 : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    if (req.method === 'HEAD') return void res.end();
    let closed = false;
    res.on('close', () => { closed = true; });
    for (let offset = 0; offset < body.length && !closed; offset += CHUNK) {
      const chunk = body.subarray(offset, offset + CHUNK);
      await sleep(throttle.reserve(chunk.length, Date.now()));
      if (closed) break;
      stats.bytes += chunk.length;
      if (!res.write(chunk)) await drained(res);
    }
    res.end();
  });
  await new Promise((resolve, reject) => {
    server.once('error', (error) => reject(error.code === 'EADDRINUSE'
      ? new Error(`port ${port} on 127.0.0.1 is taken: the bench topology's artifact URLs use it; free it and run again`)
      : error));
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    stats,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
