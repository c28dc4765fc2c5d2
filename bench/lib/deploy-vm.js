/**
 * One throwaway VM for the deploy benchmark: a qcow2 overlay on the disk
 * (the disk itself is never written), QEMU with direct kernel boot and user
 * networking with SSH forwarded to a free 127.0.0.1 port, and a kill that
 * always happens: on stop(), and on exit or a signal for any VM still up.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const live = new Set();
let hooked = false;

function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => { for (const child of live) child.kill('SIGKILL'); });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}): ${err.trim()}`))));
  });
}

/**
 * Boots `disk` (through a fresh overlay in `dir`) with its kernel and initrd.
 * Answers { port, startedAt, serialLog, exited, stop() }; startedAt is taken
 * right before QEMU is spawned. The caller must call stop().
 */
export async function bootVm({ disk, kernel, initrd, dir, accelerator, memoryMb = 1536, cpus = 2 }) {
  hookExit();
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const overlay = path.join(dir, 'overlay.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', path.resolve(disk), overlay]);
  const serialLog = path.join(dir, 'serial.log');
  const port = await freePort();
  const args = [
    '-accel', accelerator, '-m', String(memoryMb), '-smp', String(cpus),
    '-display', 'none', '-monitor', 'none', '-serial', `file:${serialLog}`,
    '-kernel', kernel, '-initrd', initrd, '-append', 'root=/dev/vda rw console=ttyS0',
    '-drive', `file=${overlay},if=virtio,format=qcow2`,
    '-netdev', `user,id=net0,hostfwd=tcp:127.0.0.1:${port}-:22`, '-device', 'virtio-net-pci,netdev=net0',
  ];
  const startedAt = Date.now();
  const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
  const exited = new Promise((resolve) => {
    child.on('error', (error) => { live.delete(child); resolve(`could not start qemu-system-x86_64: ${error.message}`); });
    child.on('exit', (code, signal) => { live.delete(child); resolve(`QEMU exited (${signal ?? `code ${code}`}): ${stderr.trim()}`); });
  });
  const stop = async () => {
    if (!live.has(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    await fs.rm(overlay, { force: true });
  };
  return { port, startedAt, serialLog, exited, stop };
}

/** One attempt: does something on 127.0.0.1:port send an SSH banner within `ms`? */
function sshBanner(port, ms) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const done = (ok) => { clearTimeout(timer); socket.destroy(); resolve(ok); };
    const timer = setTimeout(() => done(false), ms);
    socket.on('data', (d) => { data += d; if (data.length >= 4) done(data.startsWith('SSH-')); });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

/**
 * Waits until the guest's sshd answers with its banner (QEMU's forwarder
 * accepts connections before the guest listens, so a connect alone proves
 * nothing). Polls once a second, at most until `deadline`; fails early if
 * the VM exits.
 */
export async function waitForSsh(vm, deadline, sleep = (ms) => new Promise((r) => setTimeout(r, ms))) {
  let gone;
  vm.exited.then((why) => { gone = why; });
  while (Date.now() < deadline) {
    if (gone) throw new Error(gone);
    if (await sshBanner(vm.port, 3000)) return Date.now();
    await sleep(1000);
  }
  throw new Error(`the VM's SSH did not answer on 127.0.0.1:${vm.port} in time; serial console log: ${vm.serialLog}`);
}
