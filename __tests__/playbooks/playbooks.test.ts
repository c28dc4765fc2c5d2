/**
 * The provisioning playbooks under playbooks/ pass Ansible's own checks:
 * syntax-check of every playbook, ansible-lint (production profile),
 * yamllint and shellcheck. These tools are Debian packages (ansible,
 * ansible-lint, yamllint, shellcheck). Where one is missing its tests are
 * skipped with a printed reason, except under CI, where they fail.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWith } from '../helpers/tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PLAYBOOKS = path.join(ROOT, 'playbooks');
const ENTRY_PLAYBOOKS = ['provision.yml', 'verify.yml', 'deprovision.yml'];
const TIMEOUT = 180_000;
const INSTALL = 'apt-get install ansible ansible-lint yamllint shellcheck';

interface Run {
  code: number;
  output: string;
}

/** Runs a program with an argument vector (no shell) and never rejects. */
function run(file: string, args: string[], cwd = ROOT): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, timeout: TIMEOUT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ANSIBLE_NOCOLOR: '1', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, output: `${stdout}${stderr}${error && code === -1 ? String(error) : ''}` });
      },
    );
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const shellScripts = (): string[] =>
  filesUnder(PLAYBOOKS).filter(
    (file) => file.endsWith('.sh') || /^#!\s*\/(usr\/)?bin\/(env\s+)?(ba|da)?sh\b/.test(readFileSync(file, 'utf8').split('\n', 1)[0]),
  );

describeWith(
  ['ansible-playbook'],
  'ansible-playbook --syntax-check',
  () => {
    it.each(ENTRY_PLAYBOOKS)(
      'accepts playbooks/%s',
      async (playbook) => {
        const result = await run('ansible-playbook', ['--syntax-check', '-i', 'localhost,', path.join('playbooks', playbook)]);
        expect(result).toMatchObject({ code: 0 });
      },
      TIMEOUT,
    );
  },
  INSTALL,
);

describeWith(
  ['ansible-lint'],
  'ansible-lint',
  () => {
    it(
      'passes the production profile on playbooks/',
      async () => {
        const result = await run('ansible-lint', ['--offline', '--nocolor', '--profile', 'production', 'playbooks/']);
        if (result.code !== 0) console.error(result.output);
        expect(result.code).toBe(0);
      },
      TIMEOUT,
    );
  },
  INSTALL,
);

describeWith(
  ['yamllint'],
  'yamllint',
  () => {
    it(
      'passes on playbooks/ with the default rules',
      async () => {
        const result = await run('yamllint', ['--strict', '--format', 'parsable', 'playbooks/']);
        expect(result).toMatchObject({ code: 0, output: '' });
      },
      TIMEOUT,
    );
  },
  INSTALL,
);

describeWith(
  ['shellcheck'],
  'shellcheck',
  () => {
    it(
      'passes on every shell script the roles install',
      async () => {
        const scripts = shellScripts();
        expect(scripts.map((file) => path.relative(PLAYBOOKS, file))).toContain(
          'roles/image_builder_firstboot/files/usr/local/sbin/image-builder-firstboot',
        );
        const result = await run('shellcheck', ['--format=gcc', ...scripts]);
        expect(result).toMatchObject({ code: 0, output: '' });
      },
      TIMEOUT,
    );
  },
  INSTALL,
);
