export const id = 341;
export const ids = [341,403];
export const modules = {

/***/ 65341:
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
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./src/util/canonical.ts
var canonical = __webpack_require__(41130);
// EXTERNAL MODULE: ./src/util/hash.ts
var hash = __webpack_require__(95138);
;// CONCATENATED MODULE: ./src/providers/local/base-image.ts
/**
 * The local provider's base image: debootstrap a minimal Debian, make it boot
 * under QEMU by direct kernel boot and accept Packer's SSH login, then
 * `mkfs.ext4 -d` + `qemu-img convert` (no loop devices, no bootloader).
 * Cached by its inputs under <store>/.base/; built in a hidden folder and
 * renamed into place, so a failed build leaves nothing behind.
 */







/** Bump when the preparation below changes: it is part of the cache key. */
const BASE_RECIPE_VERSION = '1';
const BASE_PACKAGES = ['systemd-sysv', 'udev', 'openssh-server', 'linux-image-amd64', 'python3', 'iproute2', 'ca-certificates'];
const DISK_SIZE = '4G';
function baseImageDir(options) {
    const key = (0,hash/* sha256 */.s)((0,canonical/* canonicalJson */.d)({ suite: options.suite, mirror: options.mirror, packages: BASE_PACKAGES, v: BASE_RECIPE_VERSION }));
    return external_node_path_default().join(options.storeRoot, '.base', `${options.suite}-${key.slice(0, 16)}`);
}
async function ensureBaseImage(options) {
    const dir = baseImageDir(options);
    if ((0,external_node_fs_.existsSync)(external_node_path_default().join(dir, 'credentials.json')))
        return readBase(dir);
    if (process.getuid?.() !== 0) {
        throw new Error('building the local base image needs root (debootstrap and chroot): run as root, e.g. with sudo');
    }
    const staging = `${dir}.staging-${process.pid}`;
    await external_node_fs_.promises.rm(staging, { recursive: true, force: true });
    await external_node_fs_.promises.mkdir(staging, { recursive: true });
    try {
        const rootfs = external_node_path_default().join(staging, 'rootfs');
        await step(options, 'debootstrap', [
            '--variant=minbase',
            `--include=${BASE_PACKAGES.join(',')}`,
            options.suite,
            rootfs,
            options.mirror,
        ]);
        const password = (0,external_node_crypto_.randomBytes)(18).toString('base64url');
        await prepareRootfs(rootfs, password, options);
        const boot = await external_node_fs_.promises.readdir(external_node_path_default().join(rootfs, 'boot'));
        const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
        const initrd = boot.find((f) => f.startsWith('initrd.img-'));
        if (!kernel || !initrd)
            throw new Error(`debootstrap of ${options.suite} installed no kernel/initrd in /boot`);
        await external_node_fs_.promises.copyFile(external_node_path_default().join(rootfs, 'boot', kernel), external_node_path_default().join(staging, 'vmlinuz'));
        await external_node_fs_.promises.copyFile(external_node_path_default().join(rootfs, 'boot', initrd), external_node_path_default().join(staging, 'initrd.img'));
        const raw = external_node_path_default().join(staging, 'root.raw');
        await step(options, 'truncate', ['-s', DISK_SIZE, raw]);
        await step(options, 'mkfs.ext4', ['-q', '-F', '-L', 'root', '-d', rootfs, raw]);
        await step(options, 'qemu-img', ['convert', '-O', 'qcow2', raw, external_node_path_default().join(staging, 'base.qcow2')]);
        await external_node_fs_.promises.rm(raw);
        await external_node_fs_.promises.rm(rootfs, { recursive: true, force: true });
        await external_node_fs_.promises.writeFile(external_node_path_default().join(staging, 'credentials.json'), JSON.stringify({ user: 'root', password }) + '\n', { mode: 0o600 });
        await external_node_fs_.promises.rename(staging, dir);
        return readBase(dir);
    }
    catch (error) {
        await external_node_fs_.promises.rm(staging, { recursive: true, force: true });
        throw error;
    }
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
async function prepareRootfs(rootfs, password, options) {
    const write = async (rel, text) => {
        const file = external_node_path_default().join(rootfs, rel);
        await external_node_fs_.promises.mkdir(external_node_path_default().dirname(file), { recursive: true });
        await external_node_fs_.promises.writeFile(file, text);
    };
    await runWithInput('chroot', [rootfs, 'chpasswd'], `root:${password}\n`);
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
    await step(options, 'chroot', [rootfs, 'apt-get', 'clean']);
    for (const rel of ['var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale']) {
        await external_node_fs_.promises.rm(external_node_path_default().join(rootfs, rel), { recursive: true, force: true });
        await external_node_fs_.promises.mkdir(external_node_path_default().join(rootfs, rel), { recursive: true });
    }
}
async function step(options, command, args) {
    options.log?.(`$ ${command} ${args.join(' ')}`);
    const result = await (0,util_process/* runProcess */.R)(command, args, { onLine: (l) => options.log?.(l) });
    if (result.code !== 0)
        throw new Error(`${command} failed (exit ${result.code}):\n${result.tail.slice(-15).join('\n')}`);
}
function runWithInput(command, args, input) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_.spawn)(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => {
            err += d.toString();
        });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed (exit ${code}): ${err.trim()}`))));
        child.stdin.end(input);
    });
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

// EXTERNAL MODULE: ./src/providers/local/store.ts
var store = __webpack_require__(42403);
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


/***/ }),

/***/ 42403:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LocalProvider: () => (/* binding */ LocalProvider)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _topology_model_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(64876);
/* harmony import */ var _images_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8122);
/**
 * The embedded `local` provider: a directory store of qcow2 images.
 *
 *   <store>/<region>/<name>/image.qcow2   the disk
 *   <store>/<region>/<name>/vmlinuz, initrd.img   kernel for direct boot (when present)
 *   <store>/<region>/<name>/metadata.json the ImageRecord (fingerprint, recipe, os, channel...)
 *   <store>/<region>/<name>/in-use/*      one file per user of the image (a VM, a test)
 *
 * Every change lands by rename, so a crash never leaves a half image: a folder
 * without metadata.json, or one whose name starts with a dot, is not an image.
 */




const METADATA = 'metadata.json';
class LocalProvider {
    cloud;
    provider = 'local';
    scope = 'region';
    root;
    constructor(cloud, context) {
        this.cloud = cloud;
        this.root = node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(context.baseDir, cloud.store ?? _topology_model_js__WEBPACK_IMPORTED_MODULE_3__/* .DEFAULT_STORE */ .O);
    }
    regionDir(region) {
        return node_path__WEBPACK_IMPORTED_MODULE_1___default().join(this.root, safeSegment(region));
    }
    imageDir(region, name) {
        return node_path__WEBPACK_IMPORTED_MODULE_1___default().join(this.regionDir(region), safeSegment(name));
    }
    async inventory(region) {
        const dir = this.regionDir(region);
        let entries;
        try {
            entries = await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readdir(dir);
        }
        catch (error) {
            if (isMissing(error))
                return [];
            throw error;
        }
        const records = await Promise.all(entries.filter((e) => !e.startsWith('.')).map((e) => this.read(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, e))));
        return records
            .filter((r) => r !== undefined && r.tags[_images_index_js__WEBPACK_IMPORTED_MODULE_2__/* .TAGS */ .gp.managedBy] === 'true')
            .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    }
    /**
     * Adds a built image to the store: copies the files named in `files`
     * (basename -> source path) into a hidden folder, writes the metadata, then
     * renames the folder into place. An existing image of that name is an error.
     */
    async add(record, files) {
        const final = this.imageDir(record.region, record.name);
        if (await exists(final))
            throw new Error(`local store already holds ${record.region}/${record.name}`);
        const staging = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(this.regionDir(record.region), `.staging-${record.name}-${process.pid}-${Date.now()}`);
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.mkdir(staging, { recursive: true });
        try {
            for (const [base, src] of Object.entries(files)) {
                await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.copyFile(src, node_path__WEBPACK_IMPORTED_MODULE_1___default().join(staging, safeSegment(base)));
            }
            const stored = { ...record, id: `${record.region}/${record.name}` };
            await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.writeFile(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(staging, METADATA), JSON.stringify(stored, null, 2) + '\n');
            await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rename(staging, final);
            return stored;
        }
        catch (error) {
            await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rm(staging, { recursive: true, force: true });
            throw error;
        }
    }
    async copy(image, region, _options) {
        const existing = await this.read(this.imageDir(region, image.name));
        if (existing)
            return existing;
        const from = this.dirOf(image);
        const files = {};
        for (const entry of await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readdir(from, { withFileTypes: true })) {
            if (entry.isFile() && entry.name !== METADATA)
                files[entry.name] = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(from, entry.name);
        }
        const { id: _id, ...rest } = image;
        return this.add({ ...rest, region, state: 'available' }, files);
    }
    async tag(image, tags) {
        await this.update(image, (r) => (0,_images_index_js__WEBPACK_IMPORTED_MODULE_2__/* .fromTags */ .y8)({ ...r.tags, ...tags }, r));
    }
    async share(image, options) {
        const shared = [...options.accounts, ...(options.public ? ['all'] : [])].join(',');
        await this.tag(image, { [_images_index_js__WEBPACK_IMPORTED_MODULE_2__/* .TAGS */ .gp.sharedWith]: shared });
    }
    async deprecate(image, options) {
        const tags = { [_images_index_js__WEBPACK_IMPORTED_MODULE_2__/* .TAGS */ .gp.deprecatedAt]: (options?.at ?? new Date()).toISOString() };
        if (options?.replacement)
            tags[_images_index_js__WEBPACK_IMPORTED_MODULE_2__/* .TAGS */ .gp.replacement] = options.replacement.name;
        await this.update(image, (r) => ({ ...(0,_images_index_js__WEBPACK_IMPORTED_MODULE_2__/* .fromTags */ .y8)({ ...r.tags, ...tags }, r), state: 'deprecated' }));
    }
    async remove(image) {
        const dir = this.dirOf(image);
        const trash = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(dir), `.removing-${node_path__WEBPACK_IMPORTED_MODULE_1___default().basename(dir)}-${Date.now()}`);
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rename(dir, trash);
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rm(trash, { recursive: true, force: true });
    }
    async inUse(image) {
        const dir = this.dirOf(image);
        const references = [];
        try {
            for (const user of await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readdir(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, 'in-use')))
                references.push(`marker:${user}`);
        }
        catch (error) {
            if (!isMissing(error))
                throw error;
        }
        references.push(...(await processesUsing(dir)));
        return { inUse: references.length > 0, references };
    }
    dirOf(image) {
        return this.imageDir(image.region, image.name);
    }
    async read(dir) {
        try {
            const record = JSON.parse(await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readFile(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, METADATA), 'utf8'));
            return { ...record, tags: (0,_images_index_js__WEBPACK_IMPORTED_MODULE_2__/* .currentTags */ .B1)(record.tags ?? {}) };
        }
        catch (error) {
            if (isMissing(error) || error instanceof SyntaxError)
                return undefined;
            throw error;
        }
    }
    async update(image, change) {
        const dir = this.dirOf(image);
        const current = await this.read(dir);
        if (!current)
            throw new Error(`local store has no image ${image.region}/${image.name}`);
        const next = change(current);
        const tmp = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, `.${METADATA}.${process.pid}`);
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rename(tmp, node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, METADATA));
    }
}
/** Processes (e.g. a qemu booting the image) whose command line names a file in `dir`. */
async function processesUsing(dir) {
    let pids;
    try {
        pids = (await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readdir('/proc')).filter((p) => /^\d+$/.test(p));
    }
    catch {
        return [];
    }
    const found = [];
    await Promise.all(pids.map(async (pid) => {
        try {
            const cmdline = (await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
            if (cmdline.some((arg) => arg.includes(dir + (node_path__WEBPACK_IMPORTED_MODULE_1___default().sep))))
                found.push(`process:${pid}`);
        }
        catch {
            // the process ended while we looked
        }
    }));
    return found.sort();
}
function safeSegment(value) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) {
        throw new Error(`"${value}" cannot name a folder in the local store: use letters, digits, ".", "_" and "-"`);
    }
    return value;
}
async function exists(p) {
    try {
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.access(p);
        return true;
    }
    catch {
        return false;
    }
}
function isMissing(error) {
    return error?.code === 'ENOENT';
}


/***/ })

};
