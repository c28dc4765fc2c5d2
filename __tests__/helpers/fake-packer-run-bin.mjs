/**
 * The program behind the slow Packer stand-in for `image-builder run` tests
 * (fake-packer-run.ts writes its shim): `node fake-packer-run-bin.mjs
 * SETTINGS.json SUBCOMMAND ARGS...`. Every subcommand goes to the Packer
 * stand-in (fake-packer-bin.mjs, with its plugin rules); `build` also:
 *  - appends "<ms> start|done|interrupted|torn-down <build|verify> <work folder>" to the events file;
 *  - takes `delayMs` before it finishes, or, with `hang` naming this mode and
 *    image, waits until it is interrupted;
 *  - on SIGINT or SIGTERM does what Packer does on an interrupt: cancels the
 *    build, tears the machine down and exits 1 without an artifact
 *    (packer command/build.go: the build's context is cancelled on
 *    os.Interrupt/SIGTERM, and a cancelled build reports "Build '...' errored
 *    after ...: build was cancelled" and exits 1);
 *  - for a passing qemu build, leaves a real qcow2 disk in the work folder's
 *    output/ (the stand-in writes a text file), so the verify command's
 *    `qemu-img create -b` overlay on the stored disk works as on a real build.
 * The mode is the work folder's: `<cloud>--<name>--verify` is a verification.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const [settingsFile, command, ...args] = process.argv.slice(2);
const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
const delegate = () => spawnSync(settings.delegate, [command, ...args], { stdio: 'inherit' }).status ?? 1;

if (command !== 'build') process.exit(delegate());

const folder = path.basename(process.cwd());
const mode = folder.endsWith('--verify') ? 'verify' : 'build';
const event = (what) => appendFileSync(settings.events, `${Date.now()} ${what} ${mode} ${folder}\n`);
event('start');

let stopping = false;
const interrupted = () => {
  if (stopping) return;
  stopping = true;
  event('interrupted');
  console.log('==> image: Interrupt received. Cancelling build...');
  setTimeout(() => {
    event('torn-down');
    console.log("Build 'image' errored after 1 second: build was cancelled");
    process.exit(1);
  }, settings.teardownMs ?? 100);
};
process.on('SIGINT', interrupted);
process.on('SIGTERM', interrupted);

const hang = settings.hang && settings.hang.mode === mode && folder.includes(settings.hang.image ?? '');
console.log(`==> image: ${mode === 'verify' ? 'Booting the image' : 'Starting the build'}...`);
if (hang) {
  setInterval(() => console.log('==> image: Waiting for SSH to become available...'), 50);
} else {
  setTimeout(() => {
    if (stopping) return;
    const code = delegate();
    if (code === 0 && mode === 'build') {
      const made = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join('output', 'image.qcow2'), '16M'], { stdio: 'inherit' });
      if (made.status !== 0) process.exit(1);
    }
    if (code === 0) event('done');
    process.exit(code);
  }, settings.delayMs ?? 0);
}
