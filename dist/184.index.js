export const id = 184;
export const ids = [184];
export const modules = {

/***/ 61184:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  LocalBuildHooks: () => (/* binding */ LocalBuildHooks)
});

// UNUSED EXPORTS: kvmUsable

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/util/process.ts
var util_process = __webpack_require__(22017);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./src/util/canonical.ts
var canonical = __webpack_require__(41130);
// EXTERNAL MODULE: ./src/util/hash.ts
var hash = __webpack_require__(95138);
;// CONCATENATED MODULE: ./src/providers/local/mounts.ts
/**
 * Removing a folder that may hold mounts: the base image build runs
 * debootstrap and chroot in a staging folder, and debootstrap stopped midway
 * leaves /proc (and more) mounted inside it. Removing such a folder blindly
 * walks into /proc of the host, or into a bind mount of anything.
 *
 * So: unmount whatever is mounted below the folder (read from
 * /proc/self/mountinfo, deepest first, `umount`, then `umount -l` when that
 * fails; only root may), refuse to remove while anything is still mounted
 * there, and even then never descend into a directory of another file system
 * (its st_dev differs from the folder's).
 */



/** Undoes mountinfo's octal escapes (space \040, tab \011, newline \012, backslash \134). */
function mounts_unescape(field) {
    return field.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
}
/**
 * Parses /proc/self/mountinfo (proc_pid_mountinfo(5)): per line, mount ID,
 * parent ID, major:minor, root, mount point, options, optional fields ended
 * by a lone `-`, then file-system type, source and super options. Lines that
 * do not fit are skipped.
 */
function parseMountinfo(text) {
    const mounts = [];
    for (const line of text.split('\n')) {
        const fields = line.trim().split(' ');
        const separator = fields.indexOf('-', 6);
        if (fields.length < 10 || separator < 0 || !/^\d+$/.test(fields[0]))
            continue;
        mounts.push({ id: Number(fields[0]), mountPoint: mounts_unescape(fields[4]), fsType: fields[separator + 1] ?? '' });
    }
    return mounts;
}
/** Is `target` the folder `dir` or inside it? Both absolute, normalized. */
function within(target, dir) {
    const root = dir.endsWith('/') ? dir.slice(0, -1) : dir;
    return target === root || target.startsWith(`${root}/`);
}
/**
 * The mount points at or below `dir`, in the order to unmount them: deepest
 * first; of mounts stacked on one point, the later (upper) one first.
 */
function unmountOrder(mounts, dir) {
    const depth = (p) => p.split('/').filter(Boolean).length;
    return mounts
        .map((m, position) => ({ ...m, position }))
        .filter((m) => within(m.mountPoint, dir))
        .sort((a, b) => depth(b.mountPoint) - depth(a.mountPoint) || b.position - a.position)
        .map((m) => m.mountPoint);
}
const readMountinfo = () => external_node_fs_.promises.readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
const umount = async (args) => (await (0,util_process/* runProcess */.R)('umount', args)).code;
/** Mount points still at or below `dir` (its real path). */
async function mountedBelow(dir, deps) {
    return unmountOrder(parseMountinfo(await (deps.readMountinfo ?? readMountinfo)()), dir);
}
/** Unmounts everything at or below `dir`, deepest first; answers what is still mounted there. */
async function unmountBelow(dir, deps = {}) {
    const real = await external_node_fs_.promises.realpath(dir).catch(() => external_node_path_default().resolve(dir));
    const points = await mountedBelow(real, deps);
    if (points.length === 0 || !(deps.isRoot ?? (() => process.getuid?.() === 0))())
        return points;
    const run = deps.umount ?? umount;
    for (const point of points) {
        deps.log?.(`unmounting ${point}`);
        if ((await run([point])) !== 0 && (await run(['-l', point])) !== 0)
            deps.log?.(`could not unmount ${point}`);
    }
    return mountedBelow(real, deps);
}
/**
 * Deletes `root` and everything in it without leaving its file system: a
 * directory on another device (a mount the mountinfo check missed) is left
 * in place, and so are the directories holding it. Answers what was left.
 */
async function removeWithinDevice(root, deps = {}) {
    const lstat = deps.lstat ?? ((p) => external_node_fs_.promises.lstat(p));
    let top;
    try {
        top = await lstat(root);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return [];
        throw error;
    }
    const left = [];
    const remove = async (p) => {
        const stat = p === root ? top : await lstat(p);
        if (!stat.isDirectory()) {
            await external_node_fs_.promises.rm(p, { force: true });
            return true;
        }
        if (stat.dev !== top.dev) {
            left.push(p);
            return false;
        }
        let empty = true;
        for (const name of await external_node_fs_.promises.readdir(p))
            empty = (await remove(external_node_path_default().join(p, name))) && empty;
        if (empty)
            await external_node_fs_.promises.rmdir(p);
        return empty;
    };
    await remove(root);
    return left;
}
/**
 * Unmounts below `dir`, then deletes it on its own file system only. Throws,
 * deleting nothing, while something is still mounted there; throws naming
 * what was left when another file system turned up inside.
 */
async function removeStaging(dir, deps = {}) {
    const mounted = await unmountBelow(dir, deps);
    if (mounted.length > 0) {
        throw new Error(`${dir} still has file systems mounted in it (${mounted.join(', ')}), so it was not removed: ` +
            `unmount them as root (umount -l <path>), then delete the folder`);
    }
    const left = await removeWithinDevice(dir, deps);
    if (left.length > 0) {
        throw new Error(`${dir} was removed except ${left.join(', ')}: another file system is there; unmount it, then delete the folder`);
    }
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
;// CONCATENATED MODULE: ./src/providers/local/staging.ts
/**
 * The base image's staging folder for the length of one build: the commands
 * that run in it (remembered, so a signal can stop them), its removal
 * (mounts.ts: unmount first, never leave the file system), and the signals
 * of a cancelled job. GitHub's runner cancels a step with SIGINT, then
 * SIGTERM; while the build runs, either one stops the running command,
 * removes the folder, then raises the same signal again with these handlers
 * gone, so the process ends as it would have.
 */


const SIGNALS = ['SIGINT', 'SIGTERM'];
/** Signals the child's process group (it leads one), or the child alone when that fails. */
function kill(child, signal) {
    try {
        if (child.pid !== undefined)
            return void process.kill(-child.pid, signal);
    }
    catch {
        // the group is gone or not ours: the child alone
    }
    child.kill(signal);
}
class Staging {
    dir;
    deps;
    children = new Set();
    removing;
    cancelled;
    constructor(dir, deps = {}) {
        this.dir = dir;
        this.deps = deps;
    }
    /** Runs a command (argv, no shell), with `input` on its stdin; its lines go to onLine. */
    run(command, args, options = {}) {
        if (this.cancelled)
            return Promise.reject(new Error(`${command} not started: the build was cancelled (${this.cancelled})`));
        const tail = [];
        return new Promise((resolve, reject) => {
            // Its own process group: a stop reaches what it started too (debootstrap runs dpkg, chroot, wget...).
            const child = (0,external_node_child_process_.spawn)(command, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
            this.children.add(child);
            const lines = (partial) => (chunk) => {
                const all = (partial.text + chunk.toString('utf8')).split('\n');
                partial.text = all.pop() ?? '';
                for (const line of all) {
                    tail.push(line);
                    if (tail.length > 40)
                        tail.shift();
                    options.onLine?.(line);
                }
            };
            child.stdout?.on('data', lines({ text: '' }));
            child.stderr?.on('data', lines({ text: '' }));
            child.on('error', (error) => {
                this.children.delete(child);
                reject(new Error(`could not run ${command}: ${error.message}`));
            });
            child.on('close', (code, signal) => {
                this.children.delete(child);
                resolve({ code: code ?? (signal ? 128 : 1), tail });
            });
            child.stdin?.end(options.input);
        });
    }
    /** Stops the running commands and what they started: `signal`, then SIGKILL after the grace period. */
    async stop(signal) {
        await Promise.all([...this.children].map((child) => new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null)
                return resolve();
            const killer = setTimeout(() => kill(child, 'SIGKILL'), this.deps.graceMs ?? 10_000);
            child.once('close', () => {
                clearTimeout(killer);
                resolve();
            });
            kill(child, signal);
        })));
    }
    /** Unmounts and deletes the folder; callers meanwhile share the removal under way. */
    remove() {
        this.removing ??= removeStaging(this.dir, this.deps).finally(() => {
            this.removing = undefined;
        });
        return this.removing;
    }
    /** Until the answered function is called, SIGINT and SIGTERM stop, remove and re-raise. */
    guard() {
        const signals = this.deps.signals ?? process;
        const raise = this.deps.raise ?? ((signal) => process.kill(process.pid, signal));
        const release = () => SIGNALS.forEach((s) => signals.off(s, onSignal));
        const onSignal = (signal) => {
            // A second signal while cleaning up (SIGTERM after SIGINT) changes nothing: the cleanup goes on.
            if (this.cancelled)
                return;
            this.cancelled = signal;
            this.deps.log?.(`${signal}: stopping and removing ${this.dir}`);
            void this.stop(signal)
                .then(() => this.remove())
                .catch((error) => this.deps.log?.(`could not clean up ${this.dir}: ${error.message}`))
                .finally(() => {
                release();
                raise(signal);
            });
        };
        SIGNALS.forEach((s) => signals.on(s, onSignal));
        // Once a signal came, the handlers stay until its cleanup is done and it is raised again.
        return () => {
            if (!this.cancelled)
                release();
        };
    }
}

;// CONCATENATED MODULE: ./src/providers/local/base-image.ts
/**
 * The local provider's base image: debootstrap a minimal Debian, make it boot
 * under QEMU by direct kernel boot and accept Packer's SSH login, then
 * `mkfs.ext4 -d` + `qemu-img convert` (no loop devices, no bootloader).
 * Cached by its inputs under <store>/.base/; built in a hidden folder and
 * renamed into place, so a failed or cancelled build leaves nothing behind:
 * the folder is removed after unmounting what debootstrap left mounted in it
 * (staging.ts, mounts.ts), also on SIGINT/SIGTERM.
 */







/** Bump when the preparation below changes: it is part of the cache key. */
const BASE_RECIPE_VERSION = '1';
const BASE_PACKAGES = ['systemd-sysv', 'udev', 'openssh-server', 'linux-image-amd64', 'python3', 'iproute2', 'ca-certificates'];
const DISK_SIZE = '4G';
function baseImageDir(options) {
    const key = (0,hash/* sha256 */.s)((0,canonical/* canonicalJson */.d)({ suite: options.suite, mirror: options.mirror, packages: BASE_PACKAGES, v: BASE_RECIPE_VERSION }));
    return external_node_path_default().join(options.storeRoot, '.base', `${options.suite}-${key.slice(0, 16)}`);
}
async function ensureBaseImage(options, deps = {}) {
    const dir = baseImageDir(options);
    if ((0,external_node_fs_.existsSync)(external_node_path_default().join(dir, 'credentials.json')))
        return readBase(dir);
    if (!(deps.isRoot ?? (() => process.getuid?.() === 0))()) {
        throw new Error('building the local base image needs root (debootstrap and chroot): run as root, e.g. with sudo');
    }
    const staging = new Staging(`${dir}.staging-${process.pid}`, { ...deps, log: deps.log ?? options.log });
    // What an earlier run with this pid left, mounts included.
    await staging.remove();
    await external_node_fs_.promises.mkdir(staging.dir, { recursive: true });
    const release = staging.guard();
    try {
        const rootfs = external_node_path_default().join(staging.dir, 'rootfs');
        const args = ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, options.suite, rootfs, options.mirror];
        options.log?.(`$ debootstrap ${args.join(' ')}`);
        const debootstrap = await staging.run(deps.debootstrap ?? 'debootstrap', args, { onLine: options.log });
        if (debootstrap.code !== 0)
            throw new Error(await debootstrapFailure(options, rootfs, debootstrap));
        const password = (0,external_node_crypto_.randomBytes)(18).toString('base64url');
        await prepareRootfs(staging, rootfs, password, options);
        const boot = await external_node_fs_.promises.readdir(external_node_path_default().join(rootfs, 'boot'));
        const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
        const initrd = boot.find((f) => f.startsWith('initrd.img-'));
        if (!kernel || !initrd)
            throw new Error(`debootstrap of ${options.suite} installed no kernel/initrd in /boot`);
        await external_node_fs_.promises.copyFile(external_node_path_default().join(rootfs, 'boot', kernel), external_node_path_default().join(staging.dir, 'vmlinuz'));
        await external_node_fs_.promises.copyFile(external_node_path_default().join(rootfs, 'boot', initrd), external_node_path_default().join(staging.dir, 'initrd.img'));
        const raw = external_node_path_default().join(staging.dir, 'root.raw');
        await step(staging, options, 'truncate', ['-s', DISK_SIZE, raw]);
        await step(staging, options, 'mkfs.ext4', ['-q', '-F', '-L', 'root', '-d', rootfs, raw]);
        await step(staging, options, 'qemu-img', ['convert', '-O', 'qcow2', raw, external_node_path_default().join(staging.dir, 'base.qcow2')]);
        await external_node_fs_.promises.rm(raw);
        await removeStaging(rootfs, { ...deps, log: options.log });
        await external_node_fs_.promises.writeFile(external_node_path_default().join(staging.dir, 'credentials.json'), JSON.stringify({ user: 'root', password }) + '\n', { mode: 0o600 });
        await external_node_fs_.promises.rename(staging.dir, dir);
        return readBase(dir);
    }
    catch (error) {
        await staging.remove().catch((cleanup) => options.log?.(cleanup.message));
        throw error;
    }
    finally {
        release();
    }
}
/** The last lines of debootstrap's own log, `<target>/debootstrap/debootstrap.log` (undefined when it wrote none). */
async function debootstrapLogTail(rootfs, lines = 20) {
    const text = await external_node_fs_.promises.readFile(external_node_path_default().join(rootfs, 'debootstrap', 'debootstrap.log'), 'utf8').catch(() => undefined);
    if (text === undefined)
        return undefined;
    return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .slice(-lines);
}
/** Why debootstrap failed: the end of its log (its output only says "see the log"), else of its output. */
async function debootstrapFailure(options, rootfs, run) {
    const log = await debootstrapLogTail(rootfs);
    const cause = log?.length
        ? `the end of its log (${external_node_path_default().join(rootfs, 'debootstrap', 'debootstrap.log')}):\n${log.join('\n')}`
        : `the end of its output:\n${run.tail.slice(-15).join('\n')}`;
    return `debootstrap of ${options.suite} from ${options.mirror} failed (exit ${run.code}); ${cause}`;
}
async function readBase(dir) {
    const { user, password } = JSON.parse(await external_node_fs_.promises.readFile(external_node_path_default().join(dir, 'credentials.json'), 'utf8'));
    return {
        dir,
        user,
        password,
        disk: external_node_path_default().join(dir, 'base.qcow2'),
        kernel: external_node_path_default().join(dir, 'vmlinuz'),
        initrd: external_node_path_default().join(dir, 'initrd.img'),
    };
}
/** Boots under QEMU with DHCP, root login by password for Packer, fstab for /dev/vda. */
async function prepareRootfs(staging, rootfs, password, options) {
    const write = async (rel, text) => {
        const file = external_node_path_default().join(rootfs, rel);
        await external_node_fs_.promises.mkdir(external_node_path_default().dirname(file), { recursive: true });
        await external_node_fs_.promises.writeFile(file, text);
    };
    const chpasswd = await staging.run('chroot', [rootfs, 'chpasswd'], { input: `root:${password}\n` });
    if (chpasswd.code !== 0)
        throw new Error(`chroot chpasswd failed (exit ${chpasswd.code}): ${chpasswd.tail.join(' ').trim()}`);
    await write('etc/ssh/sshd_config.d/10-image-builder.conf', 'PermitRootLogin yes\nPasswordAuthentication yes\nUseDNS no\n');
    await write('etc/hostname', 'image-builder\n');
    await write('etc/hosts', '127.0.0.1 localhost\n127.0.1.1 image-builder\n');
    await write('etc/fstab', '/dev/vda / ext4 rw,errors=remount-ro 0 1\n');
    await write('etc/systemd/network/20-wired.network', '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n');
    const wants = external_node_path_default().join(rootfs, 'etc/systemd/system/multi-user.target.wants');
    await external_node_fs_.promises.mkdir(wants, { recursive: true });
    await external_node_fs_.promises.rm(external_node_path_default().join(wants, 'systemd-networkd.service'), { force: true });
    await external_node_fs_.promises.symlink('/lib/systemd/system/systemd-networkd.service', external_node_path_default().join(wants, 'systemd-networkd.service'));
    await external_node_fs_.promises.rm(external_node_path_default().join(rootfs, 'etc/resolv.conf'), { force: true });
    await write('etc/resolv.conf', 'nameserver 10.0.2.3\n');
    await step(staging, options, 'chroot', [rootfs, 'apt-get', 'clean']);
    for (const rel of ['var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale']) {
        await external_node_fs_.promises.rm(external_node_path_default().join(rootfs, rel), { recursive: true, force: true });
        await external_node_fs_.promises.mkdir(external_node_path_default().join(rootfs, rel), { recursive: true });
    }
}
async function step(staging, options, command, args) {
    options.log?.(`$ ${command} ${args.join(' ')}`);
    const result = await staging.run(command, args, { onLine: (l) => options.log?.(l) });
    if (result.code !== 0)
        throw new Error(`${command} failed (exit ${result.code}):\n${result.tail.slice(-15).join('\n')}`);
}

;// CONCATENATED MODULE: ./src/providers/local/mirror.ts
/**
 * The Debian mirror for local base images: the recipe source's `mirror`, else
 * IMAGE_BUILDER_DEBIAN_MIRROR, else the one this machine's apt already uses.
 * No mirror host is written into the product.
 */


function debianMirror(explicit, env = process.env, aptDir = '/etc/apt') {
    const chosen = explicit ?? env.IMAGE_BUILDER_DEBIAN_MIRROR ?? aptMirror(aptDir);
    if (!chosen) {
        throw new Error('no Debian mirror found: set `mirror:` in the local source, or IMAGE_BUILDER_DEBIAN_MIRROR, ' +
            'or configure apt (/etc/apt/sources.list.d/*.sources or /etc/apt/sources.list)');
    }
    return chosen;
}
/** The first Debian archive URI of apt's configuration (deb822 .sources first, then sources.list). */
function aptMirror(aptDir = '/etc/apt') {
    const dir = external_node_path_default().join(aptDir, 'sources.list.d');
    const files = (0,external_node_fs_.existsSync)(dir)
        ? (0,external_node_fs_.readdirSync)(dir)
            .filter((f) => f.endsWith('.sources'))
            .sort()
            .map((f) => external_node_path_default().join(dir, f))
        : [];
    for (const file of files) {
        for (const stanza of (0,external_node_fs_.readFileSync)(file, 'utf8').split(/\n\s*\n/)) {
            const uris = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
            const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1] ?? '';
            if (uris && !/-security\b/.test(suites) && !/security/.test(uris))
                return uris;
        }
    }
    const list = external_node_path_default().join(aptDir, 'sources.list');
    if ((0,external_node_fs_.existsSync)(list)) {
        for (const line of (0,external_node_fs_.readFileSync)(list, 'utf8').split('\n')) {
            const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
            if (match && !/security/.test(match[1] + match[2]))
                return match[1];
        }
    }
    return undefined;
}

// EXTERNAL MODULE: ./src/providers/local/store.ts + 2 modules
var store = __webpack_require__(94437);
;// CONCATENATED MODULE: ./src/providers/local/build.ts
/**
 * The local provider's part in builds and verification: the QEMU machine
 * Packer boots (the cached Debian base image, KVM when usable, else TCG), the
 * built disk taken into the store with the kernel and initrd it boots with,
 * and a throwaway qcow2 overlay for the verification boot, so the stored
 * image is never written to.
 */






const MEMORY_MB = 1536;
const CPUS = 2;
class LocalBuildHooks {
    context;
    images;
    constructor(cloud, context) {
        this.context = context;
        this.images = new store.LocalProvider(cloud, context);
    }
    async machine(request) {
        const base = await this.baseImage(request);
        const env = this.context.env ?? process.env;
        return {
            files: {
                baseImage: base.disk,
                kernel: base.kernel,
                initrd: base.initrd,
                sshPassword: base.password,
                accelerator: env.IMAGE_BUILDER_ACCELERATOR ?? (kvmUsable() ? 'kvm' : 'tcg'),
                memoryMb: MEMORY_MB,
                cpus: CPUS,
                serialLog: external_node_path_default().join(request.work, 'serial.log'),
            },
            secrets: base.password ? [base.password] : [],
            companions: { vmlinuz: base.kernel, 'initrd.img': base.initrd },
        };
    }
    /** Copies the disk Packer wrote, with its kernel and initrd, into the store (staged, then renamed). */
    async store(built) {
        const record = await this.images.add(built.record, {
            'image.qcow2': external_node_path_default().join(built.outputDir, 'image.qcow2'),
            ...(built.machine?.companions ?? {}),
        });
        return record.id;
    }
    /** A qcow2 overlay on the stored disk: the verification boot writes to it, never to the image. */
    async verifySource(result, work) {
        // The folder name is built at run time: a literal path pattern here would be
        // taken by the bundler for an asset to ship when such folders exist at build time.
        const dir = external_node_path_default().join(external_node_path_default().resolve(work), ['overlay', result.name].join('--'));
        await external_node_fs_.promises.rm(dir, { recursive: true, force: true });
        await external_node_fs_.promises.mkdir(dir, { recursive: true });
        const overlay = external_node_path_default().join(dir, 'overlay.qcow2');
        const disk = external_node_path_default().join(this.images.imageDir(result.region, result.name), 'image.qcow2');
        const made = await (0,util_process/* runProcess */.R)('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', disk, overlay]);
        if (made.code !== 0)
            throw new Error(`${result.name}: could not create the verification overlay: ${made.tail.join(' ')}`);
        return { source: overlay, release: () => external_node_fs_.promises.rm(dir, { recursive: true, force: true }) };
    }
    async baseImage(request) {
        const source = request.source;
        const env = this.context.env ?? process.env;
        if (source.image) {
            const disk = external_node_path_default().resolve(this.context.baseDir, source.image);
            const dir = external_node_path_default().dirname(disk);
            const base = {
                dir,
                disk,
                kernel: external_node_path_default().join(dir, 'vmlinuz'),
                initrd: external_node_path_default().join(dir, 'initrd.img'),
                user: 'root',
                password: env.IMAGE_BUILDER_LOCAL_PASSWORD ?? '',
            };
            for (const f of [base.disk, base.kernel, base.initrd])
                if (!(0,external_node_fs_.existsSync)(f))
                    throw new Error(`${request.name}: the local source image needs ${f}`);
            return base;
        }
        if (request.dryRun) {
            const dir = external_node_path_default().join(request.work, 'dry-run-base');
            await external_node_fs_.promises.mkdir(dir, { recursive: true });
            for (const f of ['base.qcow2', 'vmlinuz', 'initrd.img'])
                await external_node_fs_.promises.writeFile(external_node_path_default().join(dir, f), '');
            return {
                dir,
                disk: external_node_path_default().join(dir, 'base.qcow2'),
                kernel: external_node_path_default().join(dir, 'vmlinuz'),
                initrd: external_node_path_default().join(dir, 'initrd.img'),
                user: 'root',
                password: 'dry-run',
            };
        }
        const suite = source.suite ?? 'bookworm';
        const mirror = debianMirror(source.mirror, env);
        return request.group(`base image ${suite}`, () => ensureBaseImage({ storeRoot: this.images.root, suite, mirror, log: request.log }));
    }
}
/** KVM only when the CPU offers virtualisation and /dev/kvm opens; else QEMU's TCG emulation. */
function kvmUsable() {
    try {
        if (!/\b(vmx|svm)\b/.test((0,external_node_fs_.readFileSync)('/proc/cpuinfo', 'utf8')))
            return false;
        (0,external_node_fs_.closeSync)((0,external_node_fs_.openSync)('/dev/kvm', 'r+'));
        return true;
    }
    catch {
        return false;
    }
}


/***/ })

};
