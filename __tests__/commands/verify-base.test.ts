/**
 * Verify boots a local image with the login of the base image its build
 * started from: the cached base image of the Release the plan resolved
 * (the cell's `resolved`), not a base image of the suite made anew, whose
 * fresh password the built image would refuse.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runVerify } from '../../src/commands/verify.js';
import { runPlan } from '../../src/commands/plan.js';
import { writeResult } from '../../src/commands/results.js';
import { parseInputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { baseImageDir } from '../../src/providers/local/base-image.js';
import { imageTags } from '../../src/images/index.js';
import { withFakePacker } from '../helpers/fake-packer.js';
import { recorder } from '../helpers/reporter.js';
import { describeWith } from '../helpers/tools.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

afterAll(removeTempDirs);

describeWith(['qemu-img'], 'verify of a local image built from a resolved Release', () => {
  it("boots with the build's base image login, making no other base image", async () => {
    const dir = writeTree({
      'roles/.keep': '',
      'topology.yml': `version: 1
images:
  base:
    playbooks: [builtin:provision.yml]
sources:
  debian12:
    local: { suite: bookworm }
clouds:
  - name: lab
    provider: local
    store: store
    regions: { rack1: { instances: [ { name: n, image: base, os: debian12 } ] } }
`,
    });
    mkdirSync(path.join(dir, '.git'));
    const inputs = parseInputs(
      (n) =>
        (
          ({
            topology: path.join(dir, 'topology.yml'),
            'plan-file': path.join(dir, 'plan.json'),
            results: path.join(dir, 'results'),
            'work-dir': path.join(dir, 'work'),
          }) as Record<string, string>
        )[n] ?? '',
    );
    const { plan } = await runPlan(inputs, recorder());
    const cell = plan.builds[0];
    // The stand-in mirror's Release (helpers/test-mirror.ts), resolved by the plan.
    expect(cell.resolved?.id).toMatch(/^sha256:[0-9a-f]{16}$/);

    // The base image the build made and used: cached under the key of that Release.
    const store = path.join(dir, 'store');
    const base = baseImageDir({
      storeRoot: store,
      suite: 'bookworm',
      mirror: process.env.IMAGE_BUILDER_DEBIAN_MIRROR!,
      release: cell.resolved!.id,
    });
    mkdirSync(base, { recursive: true });
    writeFileSync(path.join(base, 'credentials.json'), JSON.stringify({ user: 'root', password: 'the-build-login' }));
    for (const f of ['vmlinuz', 'initrd.img']) writeFileSync(path.join(base, f), f);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(base, 'base.qcow2'), '16M']);

    const local = new LocalProvider(
      { name: 'lab', provider: 'local', store: 'store', build_region: 'rack1', regions: {}, share: { accounts: [], public: false } },
      { baseDir: dir },
    );
    const stored = await local.add(
      {
        name: `${cell.name}-20261129000000`,
        cloud: 'lab',
        region: 'rack1',
        fingerprint: cell.fingerprint,
        image: 'base',
        os: 'debian12',
        state: 'available',
        channel: 'candidate',
        verified: 'unverified',
        createdAt: new Date().toISOString(),
        tags: imageTags({ fingerprint: cell.fingerprint, image: 'base', os: 'debian12', cloud: 'lab' }),
      },
      { 'image.qcow2': path.join(base, 'base.qcow2'), vmlinuz: path.join(base, 'vmlinuz'), 'initrd.img': path.join(base, 'initrd.img') },
    );
    await writeResult(path.join(dir, 'results'), {
      version: 1,
      ...cell,
      name: `${cell.name}-20261129000000`,
      region: 'rack1',
      imageId: stored.id,
      builtAt: new Date().toISOString(),
      durationSeconds: 1,
      packerVersion: '1.6.6',
      verified: 'unverified',
    });

    const out = await withFakePacker(dir, { build: 'pass' }, () =>
      runVerify({ ...inputs, command: 'verify', cell: JSON.stringify(cell) }, recorder()),
    );
    expect(out.verdict).toBe('passed');
    expect(readdirSync(path.join(store, '.base'))).toEqual([path.basename(base)]);
    const varFiles = readdirSync(path.join(dir, 'work'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.pkrvars.json'));
    expect(varFiles.length).toBeGreaterThan(0);
    expect(varFiles.map((f) => readFileSync(path.join(dir, 'work', f), 'utf8')).join('\n')).toContain('the-build-login');
  });
});
