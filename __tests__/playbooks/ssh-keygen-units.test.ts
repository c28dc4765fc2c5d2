/**
 * The host-key units image_builder_deprovision installs, rendered by Ansible
 * from the role's own templates, defaults and vars: the SSH server waits only
 * for the fast key types; RSA is made after it has started, and the server
 * is then reloaded to offer it. Every instance still makes all its keys.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWith } from '../helpers/tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROLE = path.join(ROOT, 'playbooks/roles/image_builder_deprovision');
const UNITS = ['image-builder-ssh-keygen.service', 'image-builder-ssh-keygen-late.service'];
const TIMEOUT = 180_000;

/** The two units as Ansible renders them, with `extra` as extra-vars; rejects with Ansible's output on failure. */
function render(extra: Record<string, unknown> = {}): Promise<Record<string, string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ib-keygen-'));
  const playbook = path.join(dir, 'render.yml');
  writeFileSync(
    playbook,
    JSON.stringify([
      {
        hosts: 'localhost',
        connection: 'local',
        gather_facts: false,
        vars_files: [path.join(ROLE, 'defaults/main.yml'), path.join(ROLE, 'vars/main.yml')],
        tasks: UNITS.map((unit) => ({
          'ansible.builtin.template': { src: path.join(ROLE, 'templates/etc/systemd/system', `${unit}.j2`), dest: path.join(dir, unit) },
        })),
      },
    ]),
  );
  return new Promise((resolve, reject) => {
    execFile(
      'ansible-playbook',
      ['-i', 'localhost,', playbook, '--extra-vars', JSON.stringify(extra)],
      { timeout: TIMEOUT, env: { ...process.env, ANSIBLE_NOCOLOR: '1' } },
      (error, stdout, stderr) => {
        try {
          if (error) reject(new Error(`${stdout}${stderr}`));
          else resolve(Object.fromEntries(UNITS.map((unit) => [unit, readFileSync(path.join(dir, unit), 'utf8')])));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
}

/** The values of `key=` lines, in order. */
const values = (unit: string, key: string): string[] =>
  unit
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));

describeWith(
  ['ansible-playbook'],
  'image_builder_deprovision host-key units',
  () => {
    it(
      'makes ed25519 and ecdsa keys before sshd, and RSA after it with a reload',
      async () => {
        const units = await render();
        const early = units['image-builder-ssh-keygen.service'];
        const late = units['image-builder-ssh-keygen-late.service'];
        expect(values(early, 'Before')).toEqual(['ssh.service sshd.service ssh.socket sshd.socket']);
        expect(values(early, 'After')).toEqual([]);
        const made = values(early, 'ExecStart').map((cmd) => /ssh-keygen -q -t (\w+) /.exec(cmd)?.[1]);
        expect(made).toEqual(['ed25519', 'ecdsa']);
        expect(values(early, 'ConditionPathExists')).toEqual(['|!/etc/ssh/ssh_host_ed25519_key', '|!/etc/ssh/ssh_host_ecdsa_key']);
        expect(early).not.toMatch(/rsa|ssh-keygen -A/);

        expect(values(late, 'After')).toEqual(['image-builder-ssh-keygen.service ssh.service sshd.service']);
        expect(values(late, 'Before')).toEqual([]);
        expect(values(late, 'ConditionPathExists')).toEqual(['!/etc/ssh/ssh_host_rsa_key']);
        expect(values(late, 'ExecStart')).toEqual(['/usr/bin/ssh-keygen -A']);
        // One reload, of whichever name the SSH server's unit has (ssh.service on Debian, sshd.service elsewhere).
        expect(values(late, 'ExecStartPost')).toEqual([
          "-/bin/sh -c 'systemctl --no-block try-reload-or-restart ssh.service || systemctl --no-block try-reload-or-restart sshd.service'",
        ]);
        for (const unit of [early, late]) expect(values(unit, 'WantedBy')).toEqual(['multi-user.target']);
      },
      TIMEOUT,
    );

    it(
      'makes the types the image asks for before sshd',
      async () => {
        const units = await render({ deprovision_ssh_host_key_types_early: ['ed25519', 'rsa'] });
        const early = units['image-builder-ssh-keygen.service'];
        expect(values(early, 'ExecStart').map((cmd) => /ssh-keygen -q -t (\w+) /.exec(cmd)?.[1])).toEqual(['ed25519', 'rsa']);
      },
      TIMEOUT,
    );
  },
  'apt-get install ansible',
);
