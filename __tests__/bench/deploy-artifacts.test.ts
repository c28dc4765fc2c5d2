import http from 'node:http';
import { artifactBytes, createThrottle, sha256Hex, startArtifactServer } from '../../bench/lib/deploy-artifacts.js';

describe('artifact bytes', () => {
  it('depend on the name only, so the topology can pin their checksums', () => {
    expect(sha256Hex(artifactBytes('a.bin', 4096))).toBe(sha256Hex(artifactBytes('a.bin', 4096)));
    expect(sha256Hex(artifactBytes('a.bin', 4096))).not.toBe(sha256Hex(artifactBytes('b.bin', 4096)));
    expect(artifactBytes('a.bin', 100)).toHaveLength(100);
  });
});

describe('throttle', () => {
  it('books one link: bytes wait for what was booked before them', () => {
    const t = createThrottle(1000); // 1000 bytes/s
    expect(t.reserve(500, 0)).toBe(500);
    expect(t.reserve(500, 0)).toBe(1000);
    expect(t.reserve(1000, 400)).toBe(1600); // link busy until 1000, then 1 s
  });

  it('does not bank idle time: a late sender gets the rate, not a burst', () => {
    const t = createThrottle(1000);
    t.reserve(100, 0);
    expect(t.reserve(1000, 10_000)).toBe(1000);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => createThrottle(0)).toThrow('positive');
  });
});

function get(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('artifact server', () => {
  it('serves the files at the limited rate and counts what it sent', async () => {
    const body = artifactBytes('x.bin', 256 * 1024);
    const server = await startArtifactServer({ files: new Map([['x.bin', body]]), port: 0, megabitsPerSecond: 8 }); // 1 MB/s
    try {
      const started = Date.now();
      const res = await get(`http://127.0.0.1:${server.port}/x.bin`);
      const elapsed = Date.now() - started;
      expect(res.status).toBe(200);
      expect(res.body.equals(body)).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(240); // 262,144 bytes at 1,000,000 bytes/s: 262 ms
      expect(server.stats.bytes).toBe(body.length);
      expect((await get(`http://127.0.0.1:${server.port}/missing`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
