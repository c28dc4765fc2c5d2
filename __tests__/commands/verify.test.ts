import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { runVerify } from '../../src/commands/verify.js';
import { runPlan } from '../../src/commands/plan.js';
import { writeResult } from '../../src/commands/results.js';
import { parseInputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { imageTags } from '../../src/images/index.js';
import { withFakePacker } from '../helpers/fake-packer.js';
import { recorder } from '../helpers/reporter.js';
import { describeWith } from '../helpers/tools.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

const ROOT = process.cwd();

async function setup() {
  const dir = writeTree({ 'base/vmlinuz': 'k', 'base/initrd.img': 'i' });
  // Playbook paths stay inside the topology's repository (src/topology/paths.ts): a copy of ours.
  cpSync(path.join(ROOT, 'playbooks'), path.join(dir, 'playbooks'), { recursive: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(dir, 'base/base.qcow2'), '16M']);
  writeFileSync(
    path.join(dir, 'topology.yml'),
    `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
sources:
  debian12:
    local: { image: base/base.qcow2 }
clouds:
  - name: lab
    provider: local
    store: store
    regions: { rack1: { instances: [ { name: n, image: base, os: debian12 } ] } }
`,
  );
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
  const store = new LocalProvider(
    { name: 'lab', provider: 'local', store: 'store', build_region: 'rack1', regions: {}, share: { accounts: [], public: false } },
    { baseDir: dir },
  );
  const stored = await store.add(
    {
      name: cell.name,
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
    {
      'image.qcow2': path.join(dir, 'base/base.qcow2'),
      vmlinuz: path.join(dir, 'base/vmlinuz'),
      'initrd.img': path.join(dir, 'base/initrd.img'),
    },
  );
  await writeResult(path.join(dir, 'results'), {
    version: 1,
    cloud: 'lab',
    provider: 'local',
    image: 'base',
    os: 'debian12',
    fingerprint: cell.fingerprint,
    name: cell.name,
    region: 'rack1',
    regions: ['rack1'],
    imageId: stored.id,
    builtAt: new Date().toISOString(),
    durationSeconds: 1,
    packerVersion: '1.6.6',
    verified: 'unverified',
  });
  const withCell = { ...inputs, command: 'verify' as const, cell: JSON.stringify(cell) };
  const resultOf = () => JSON.parse(readFileSync(path.join(dir, 'results', `lab--${cell.name}.json`), 'utf8'));
  const verdictOf = async () => (await store.inventory('rack1'))[0].verified;
  return { dir, inputs: withCell, resultOf, verdictOf, store };
}

afterAll(removeTempDirs);

// setup() makes a real qcow2 disk with qemu-img (Debian package qemu-utils).
describeWith(
  ['qemu-img'],
  'verify',
  () => {
    it('a passing verify playbook marks the image and its result passed, and keeps nothing of the boot', async () => {
      const { dir, inputs, resultOf, verdictOf } = await setup();
      const out = await withFakePacker(dir, { build: 'pass' }, () => runVerify(inputs, recorder()));
      expect(out.verdict).toBe('passed');
      expect(resultOf()).toMatchObject({ verified: 'passed', verifiedAt: expect.any(String) });
      expect(await verdictOf()).toBe('passed');
      expect(existsSync(path.join(dir, 'work', `overlay--${resultOf().name}`))).toBe(false);
    });

    it('a failing verify playbook marks the image failed and fails the job', async () => {
      const { dir, inputs, resultOf, verdictOf } = await setup();
      await expect(withFakePacker(dir, { build: 'fail' }, () => runVerify(inputs, recorder()))).rejects.toThrow(
        /failed verification with verify\.yml; it is marked ib-verified=failed and will never be promoted[\s\S]*assertion failed/,
      );
      expect(resultOf().verified).toBe('failed');
      expect(await verdictOf()).toBe('failed');
    });

    it('a machine that never booted fails the job without judging the image', async () => {
      const { dir, inputs, resultOf, verdictOf } = await setup();
      await expect(withFakePacker(dir, { build: 'noboot' }, () => runVerify(inputs, recorder()))).rejects.toThrow(
        /packer verify failed \(exit 1\)[\s\S]*Timeout waiting for SSH/,
      );
      expect(resultOf().verified).toBe('unverified');
      expect(await verdictOf()).toBe('unverified');
    });

    it('a verification without a verdict says the image stays unverified and held back, and the result names the error', async () => {
      const { dir, inputs, resultOf, verdictOf } = await setup();
      const error = (await withFakePacker(dir, { build: 'noboot' }, () => runVerify(inputs, recorder())).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(
        /^lab\/\S+: verification reached no verdict .*; the image stays ib-verified=unverified: distribute and lifecycle hold it back until a verification passes\. Fix the cause and run verify again\.\n/,
      );
      expect(resultOf()).toMatchObject({ verified: 'unverified', verifyError: expect.stringMatching(/packer verify failed \(exit 1\)/) });
      expect(resultOf().verifiedAt).toBeUndefined();
      expect(await verdictOf()).toBe('unverified');
      // verified again, and passing: the error is gone from the result
      await withFakePacker(dir, { build: 'pass' }, () => runVerify(inputs, recorder()));
      expect(resultOf()).toMatchObject({ verified: 'passed' });
      expect(resultOf().verifyError).toBeUndefined();
      expect(await verdictOf()).toBe('passed');
    });

    it('skips an image whose recipe says verify: false, saying so, and boots nothing', async () => {
      const { dir, inputs, resultOf, verdictOf } = await setup();
      const file = path.join(dir, 'topology.yml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          'playbooks: [playbooks/provision.yml]',
          'playbooks: [playbooks/provision.yml]\n    verify: false',
        ),
      );
      const before = resultOf();
      const reporter = recorder();
      const out = await runVerify(inputs, reporter);
      expect(out).toMatchObject({ verdict: 'unverified', result: before });
      expect(reporter.infos).toContain(
        `lab/${before.name}: not verified: recipe "base" says verify: false, so the image stays ib-verified=unverified and is distributed and promoted as it is`,
      );
      expect(resultOf()).toEqual(before);
      expect(await verdictOf()).toBe('unverified');
      expect(existsSync(path.join(dir, 'work'))).toBe(false);
    });

    it('needs the build result of its cell', async () => {
      const { dir, inputs } = await setup();
      rmSync(path.join(dir, 'results'), { recursive: true });
      await expect(runVerify(inputs, recorder())).rejects.toThrow(/no build result in .*: run build for this cell first/);
    });

    it('verifies the newest build of a fingerprint, booting and marking that image only (#6: a forced rebuild leaves two)', async () => {
      const { dir, inputs, resultOf, store } = await setup();
      const first = resultOf();
      const [{ id: _id, ...older }] = await store.inventory('rack1');
      const later = new Date(Date.now() + 1000).toISOString();
      const name = `${first.name}-20991231235959`;
      const from = store.imageDir('rack1', first.name);
      const newer = await store.add(
        { ...older, name, createdAt: later },
        { 'image.qcow2': path.join(from, 'image.qcow2'), vmlinuz: path.join(from, 'vmlinuz'), 'initrd.img': path.join(from, 'initrd.img') },
      );
      await writeResult(path.join(dir, 'results'), { ...first, name, imageId: newer.id, builtAt: later });
      const out = await withFakePacker(dir, { build: 'pass' }, () => runVerify(inputs, recorder()));
      expect(out.result).toMatchObject({ name, imageId: newer.id, verified: 'passed' });
      const verdicts = Object.fromEntries((await store.inventory('rack1')).map((r) => [r.name, r.verified]));
      expect(verdicts).toEqual({ [first.name]: 'unverified', [name]: 'passed' });
      // The verification booted an overlay on the newer image's disk.
      const vars = JSON.parse(readFileSync(path.join(dir, 'work', `lab--${name}--verify`, 'image.pkrvars.json'), 'utf8'));
      expect(vars.base_image).toBe(path.join(dir, 'work', `overlay--${name}`, 'overlay.qcow2'));
    });
  },
  'apt-get install qemu-utils',
);
