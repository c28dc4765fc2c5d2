/**
 * Ansible against a bench VM over plain SSH (root and the base image's
 * password through sshpass), with the same settings for every method:
 * pipelining and a persistent SSH connection, the fastest the classic way
 * gets, so its numbers are not made worse than they need be.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

/** An inventory of one host, `vm`, readable by this user only. */
export async function writeInventory(dir, { port, user, password }) {
  const file = path.join(dir, 'inventory.ini');
  const line = `vm ansible_host=127.0.0.1 ansible_port=${port} ansible_user=${user} ansible_password=${JSON.stringify(password)}\n`;
  await fs.writeFile(file, line, { mode: 0o600 });
  return file;
}

export function ansibleEnv(dir) {
  return {
    ...process.env,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_SSH_ARGS: '-o ControlMaster=auto -o ControlPersist=300s -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no',
    ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(dir, 'cp'),
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'),
  };
}

/**
 * Runs `command args` (ansible-playbook or ansible), output into `log`;
 * stops it (SIGTERM, then SIGKILL) past `timeoutMs`. Answers the wall ms;
 * throws with the log's last lines when it fails.
 */
export async function runAnsible(command, args, { dir, log, timeoutMs }) {
  const out = await fs.open(log, 'w');
  const started = Date.now();
  try {
    const { code, timedOut } = await new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: dir, env: ansibleEnv(dir), stdio: ['ignore', out.fd, out.fd] });
      let timedOut = false;
      let killer;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      }, timeoutMs);
      child.on('error', (error) => { clearTimeout(timer); reject(new Error(`could not run ${command}: ${error.message}`)); });
      child.on('close', (c) => { clearTimeout(timer); clearTimeout(killer); resolve({ code: c, timedOut }); });
    });
    if (code !== 0) {
      const tail = (await fs.readFile(log, 'utf8')).split('\n').slice(-25).join('\n');
      throw new Error(`${command} ${timedOut ? `ran over its ${Math.round(timeoutMs / 1000)} s limit` : `failed (exit ${code})`}; last lines of ${log}:\n${tail}`);
    }
    return Date.now() - started;
  } finally {
    await out.close();
  }
}
