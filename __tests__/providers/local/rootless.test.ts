/**
 * Choosing how the base image is built (src/providers/local/rootless.ts):
 * root, a user namespace, or an error that names everything missing. Who runs,
 * the files read (/etc/subuid, /proc/sys/...), the tools on PATH and their
 * runs are injected: nothing here needs root, user namespaces or mmdebstrap.
 */
import { describe, expect, it } from '@jest/globals';
import {
  chooseBuildMode,
  ROOT_MODE,
  subordinateRange,
  unshareArgs,
  userNamespaceSwitches,
  type ModeDeps,
} from '../../../src/providers/local/rootless.js';

const BASE = '/srv/store/.base';
const MAPS = [
  '--map-users=100000,0,65536',
  '--map-groups=200000,0,65536',
  '--map-user=65537',
  '--map-group=65537',
  '--setuid=0',
  '--setgid=0',
];
/** What util-linux 2.38 `unshare --help` lists (abridged). */
const HELP_238 = [
  'Usage:',
  ' unshare [options] [<program> [<argument>...]]',
  ' --map-users=<outeruid>,<inneruid>,<count>',
  ' -S, --setuid <uid>',
];

/** A machine where everything is in place for user `runner`; `over` changes parts of it. */
function machine(
  over: { files?: Record<string, string | undefined>; tools?: string[]; help?: string[]; probe?: { code: number; tail: string[] } } = {},
) {
  const files: Record<string, string | undefined> = {
    '/etc/subuid': 'other:100000:65536\nrunner:100000:65536\nrunner:300000:65536\n',
    '/etc/subgid': 'runner:200000:65536\n',
    '/proc/sys/user/max_user_namespaces': '63439\n',
    ...over.files,
  };
  const runs: string[][] = [];
  const deps: ModeDeps = {
    isRoot: () => false,
    userName: () => 'runner',
    readText: (file) => files[file],
    onPath: (tool) => (over.tools ?? ['mmdebstrap', 'unshare', 'newuidmap', 'newgidmap']).includes(tool),
    runTool: async (command, args) => {
      runs.push([command, ...args]);
      if (args[0] === '--help') return { code: 0, tail: over.help ?? HELP_238 };
      return over.probe ?? { code: 0, tail: [] };
    },
  };
  return { deps, runs };
}

async function failure(deps: ModeDeps): Promise<string> {
  return ((await chooseBuildMode(BASE, deps).catch((e: unknown) => e)) as Error).message;
}

describe('subordinate ids', () => {
  it("reads the user's first line by name, as mmdebstrap does", () => {
    const text = 'runner2:1:2\n# comment\nrunner:165536:65536\nrunner:400000:1000\n';
    expect(subordinateRange(text, 'runner')).toEqual({ start: 165536, count: 65536 });
    expect(subordinateRange(text, 'nobody')).toBeUndefined();
    expect(subordinateRange('runner:x:65536\n', 'runner')).toBeUndefined();
  });

  it("maps the ranges from 0 and the user's own ids just above them, and runs as root there", () => {
    expect(unshareArgs({ start: 100000, count: 65536 }, { start: 200000, count: 65536 })).toEqual(MAPS);
  });

  it('names the sysctls that turn user namespaces off, with the setting that allows them', () => {
    const files: Record<string, string> = {
      '/proc/sys/kernel/unprivileged_userns_clone': '0\n',
      '/proc/sys/user/max_user_namespaces': '0\n',
      '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1\n',
    };
    expect(userNamespaceSwitches((f) => files[f])).toEqual([
      'kernel.unprivileged_userns_clone is 0, which turns user namespaces off for users (allow them: sudo sysctl -w kernel.unprivileged_userns_clone=1)',
      'user.max_user_namespaces is 0, which turns user namespaces off for users (allow them: sudo sysctl -w user.max_user_namespaces=15000)',
      'kernel.apparmor_restrict_unprivileged_userns is 1, which turns user namespaces off for users (allow them: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)',
    ]);
    // Allowed, or absent (kernels without the switch): nothing to say.
    expect(userNamespaceSwitches((f) => ({ '/proc/sys/kernel/unprivileged_userns_clone': '1\n' })[f])).toEqual([]);
  });
});

describe('build mode', () => {
  it('as root: debootstrap and chroot directly, nothing probed', async () => {
    const { deps, runs } = machine();
    const mode = await chooseBuildMode(BASE, { ...deps, isRoot: () => true });
    expect(mode).toBe(ROOT_MODE);
    expect(mode.wrap('mkfs.ext4', ['-d', 'rootfs'])).toEqual(['mkfs.ext4', ['-d', 'rootfs']]);
    expect(runs).toEqual([]);
  });

  it('without root: a user namespace, once a mount in a fresh one worked', async () => {
    const { deps, runs } = machine();
    const mode = await chooseBuildMode(BASE, deps);
    expect(mode.kind).toBe('rootless');
    expect(mode.wrap('mkfs.ext4', ['-d', 'rootfs', 'root.raw'])).toEqual([
      'unshare',
      [...MAPS, '--', 'mkfs.ext4', '-d', 'rootfs', 'root.raw'],
    ]);
    expect(runs).toEqual([
      ['unshare', '--help'],
      ['unshare', ...MAPS, '--mount', '--', 'mount', '-t', 'tmpfs', 'probe', '/tmp'],
    ]);
  });

  it('AppArmor restricting user namespaces does not stop a build where the namespace still works', async () => {
    const { deps } = machine({ files: { '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1\n' } });
    expect((await chooseBuildMode(BASE, deps)).kind).toBe('rootless');
  });

  it('names every missing piece at once, with the fixes and the other ways, and probes nothing', async () => {
    const { deps, runs } = machine({
      tools: ['unshare'],
      files: {
        '/etc/subuid': 'other:100000:65536\n',
        '/etc/subgid': undefined,
        '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1',
      },
    });
    expect(await failure(deps)).toBe(
      'building the local base image needs root, or user namespaces for mmdebstrap --mode=unshare, and here:\n' +
        '  - mmdebstrap, newuidmap, newgidmap not installed (apt-get install mmdebstrap uidmap)\n' +
        '  - /etc/subuid gives user runner no range of 65536 ids: add one no other user has, e.g. sudo usermod --add-subuids 100000-165535 runner\n' +
        '  - /etc/subgid gives user runner no range of 65536 ids: add one no other user has, e.g. sudo usermod --add-subgids 100000-165535 runner\n' +
        '  - kernel.apparmor_restrict_unprivileged_userns is 1, which turns user namespaces off for users ' +
        '(allow them: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)\n' +
        'Fix that, or build the base image once as root (it is kept in /srv/store/.base and reused by later builds), ' +
        'or give the local source an `image:` to start from.',
    );
    expect(runs).toEqual([]);
  });

  it('a range too small for the system users (nobody is 65534)', async () => {
    const { deps } = machine({ files: { '/etc/subgid': 'runner:200000:1000\n' } });
    expect(await failure(deps)).toContain('/etc/subgid gives user runner no range of 65536 ids (it has 1000): add one');
  });

  it('an unshare older than util-linux 2.38', async () => {
    const { deps, runs } = machine({ help: ['Usage:', ' -r, --map-root-user'] });
    expect(await failure(deps)).toContain('  - unshare has no --map-users: it needs util-linux 2.38 or later\n');
    expect(runs).toHaveLength(1);
  });

  it('the namespace failing: its own words, and the sysctls that explain them', async () => {
    const { deps } = machine({
      files: { '/proc/sys/kernel/unprivileged_userns_clone': '0' },
      probe: { code: 1, tail: ['unshare: unshare failed: Operation not permitted'] },
    });
    const message = await failure(deps);
    expect(message).toContain(
      "  - a user namespace with root's rights could not be made: unshare: unshare failed: Operation not permitted\n",
    );
    expect(message).toContain('  - kernel.unprivileged_userns_clone is 0, which turns user namespaces off');
    expect(message).toMatch(/once as root \(it is kept in \/srv\/store\/\.base/);
  });
});
