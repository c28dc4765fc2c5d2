export const id = 437;
export const ids = [437];
export const modules = {

/***/ 94437:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  LocalProvider: () => (/* binding */ LocalProvider)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/topology/model.ts
var model = __webpack_require__(64876);
// EXTERNAL MODULE: ./src/images/index.ts + 2 modules
var src_images = __webpack_require__(93041);
;// CONCATENATED MODULE: ./src/providers/local/metadata.ts
/**
 * An image folder's metadata.json, read defensively. The folder, not the
 * file, says which image it is: `id` is `<region>/<folder>`, `region` the
 * region folder it sits in, `name` the folder's name. A file whose own name,
 * region or id say otherwise (a folder copied by hand, a file copied from
 * another folder) is read under the folder's identity and reported, so no
 * operation is ever pointed at another folder or another region.
 *
 * A file that cannot be an image record (not JSON, `null`, `{}`, a missing
 * field, a wrong type, a fingerprint, recipe, os or cloud other than its tag
 * says) is skipped with the reason, naming its folder; a file
 * without the tool's `image-builder` tag is someone else's image and is left
 * alone silently.
 */

const METADATA = 'metadata.json';
const STATES = ['pending', 'available', 'failed', 'deprecated'];
const CHANNELS = ['candidate', 'gold', 'outdated'];
const VERDICTS = ['passed', 'failed', 'unverified'];
const TEXT_FIELDS = ['fingerprint', 'image', 'os', 'cloud', 'createdAt'];
/** Fields the record repeats from its tags: they must agree. */
const TAGGED_FIELDS = [
    ['fingerprint', src_images/* TAGS */.gp.fingerprint],
    ['image', src_images/* TAGS */.gp.recipe],
    ['os', src_images/* TAGS */.gp.os],
    ['cloud', src_images/* TAGS */.gp.cloud],
];
const folderId = (where) => `${where.region}/${where.folder}`;
/** Parses the text of a metadata.json found in `where`. */
function parseMetadata(text, where) {
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch {
        return { kind: 'invalid', reason: `${METADATA} is not valid JSON` };
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        return {
            kind: 'invalid',
            reason: `${METADATA} holds ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw}, not an image record`,
        };
    }
    const data = raw;
    const tags = data.tags;
    if (tags === null || typeof tags !== 'object' || Array.isArray(tags))
        return { kind: 'invalid', reason: `${METADATA} has no "tags" object` };
    const badTag = Object.entries(tags).find(([, v]) => typeof v !== 'string');
    if (badTag)
        return { kind: 'invalid', reason: `${METADATA}: tag "${badTag[0]}" is not text` };
    const tagMap = (0,src_images/* currentTags */.B1)(tags);
    if (tagMap[src_images/* TAGS */.gp.managedBy] !== 'true')
        return { kind: 'foreign' };
    const problems = [];
    for (const field of TEXT_FIELDS)
        if (typeof data[field] !== 'string')
            problems.push(`"${field}" ${describe(data[field])}`);
    const oneOf = (field, allowed) => {
        if (!allowed.includes(data[field]))
            problems.push(`"${field}" ${describe(data[field])}, not one of ${allowed.join(', ')}`);
    };
    oneOf('state', STATES);
    oneOf('channel', CHANNELS);
    oneOf('verified', VERDICTS);
    if (data.source !== undefined && typeof data.source !== 'string')
        problems.push(`"source" ${describe(data.source)}`);
    // The tags are what the cloud-neutral code reads (whose an image is); fields saying otherwise make no record.
    for (const [field, tag] of TAGGED_FIELDS) {
        if (problems.length === 0 && tagMap[tag] !== undefined && tagMap[tag] !== data[field]) {
            problems.push(`"${field}" is ${JSON.stringify(data[field])} but its ${tag} tag says ${JSON.stringify(tagMap[tag])}`);
        }
    }
    if (problems.length > 0)
        return { kind: 'invalid', reason: `${METADATA}: ${problems.join('; ')}` };
    const identity = { id: folderId(where), name: where.folder, region: where.region };
    const claims = ['id', 'name', 'region']
        .filter((key) => data[key] !== undefined && data[key] !== identity[key])
        .map((key) => `${key} ${JSON.stringify(data[key])}`);
    const record = {
        ...data,
        ...identity,
        tags: tagMap,
    };
    return claims.length > 0 ? { kind: 'image', record, mismatch: claims.join(', ') } : { kind: 'image', record };
}
function describe(value) {
    if (value === undefined)
        return 'is missing';
    return (`is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}` +
        (typeof value === 'string' ? ` (${JSON.stringify(value)})` : ''));
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./src/providers/local/usage.ts
/**
 * Who uses a local image folder. Any of these counts:
 * - a marker file in `<folder>/in-use/` (a VM manager, a test);
 * - a process with an open file in the folder, whatever path it opened it by
 *   (`/proc/<pid>/fd/*`: the kernel's link names the file by its real path);
 * - a process whose working folder is in the folder;
 * - a process whose command line names a file in the folder, absolute or
 *   relative to its working folder (`/proc/<pid>/cwd`);
 * - a process whose command line names a qcow2 whose backing chain reaches a
 *   file in the folder (a QEMU booting an overlay of the image, as verify
 *   does): the chain comes from `qemu-img info --backing-chain`, its relative
 *   paths resolved against the folder of the file that names them.
 * Another user's /proc entries that cannot be read are skipped. When the
 * check itself cannot be made (no /proc, qemu-img failing on a named qcow2)
 * it throws: the caller then keeps the image.
 *
 * One scanner serves every check of this process. What it read of a process
 * is reused for a second (a run checks its candidates back to back); a
 * process it has not seen yet (a new start time, or a new command line after
 * exec) is always read; checks less than 25 ms apart take the processes they
 * share as the first saw them. A backing chain is reused for a few seconds
 * (an overlay is written all the time, its backing file changes only by
 * `qemu-img rebase`). Markers are read afresh by every check.
 */




const execFileAsync = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/** Checks closer together than this reuse the processes already seen without looking at them again. */
const BURST_MS = 25;
const PATH_MAX = 4096;
const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);
/**
 * A process that ended while we looked, another user's entry, or an argument
 * that is no path: nothing to learn from it. Any other error fails the check.
 */
const GONE = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM', 'ENOTDIR', 'EINVAL', 'ENAMETOOLONG', 'ELOOP']);
class UsageScanner {
    options;
    table = new Map();
    /** When the processes seen were last checked to still be the same (start time, command line). */
    checkedAt = 0;
    chains = new Map();
    constructor(options = {}) {
        this.options = options;
    }
    /** References to what uses the folder `dir` (marker:…, process:…); empty when nothing does. */
    async usersOf(dir) {
        const references = [];
        try {
            for (const user of await external_node_fs_.promises.readdir(external_node_path_default().join(dir, 'in-use')))
                references.push(`marker:${user}`);
        }
        catch (error) {
            if (code(error) !== 'ENOENT')
                throw error;
        }
        const real = await external_node_fs_.promises.realpath(dir);
        const named = [real + (external_node_path_default()).sep, external_node_path_default().resolve(dir) + (external_node_path_default()).sep];
        const inside = (p) => p === real || p.startsWith(real + (external_node_path_default()).sep);
        for (const [pid, view] of this.processes()) {
            if (view.cwd !== undefined && inside(view.cwd))
                references.push(`process:${pid} (working folder)`);
            else if (view.fds.some(inside) || view.files.some(inside))
                references.push(`process:${pid}`);
            else if (view.args.some((arg) => named.some((n) => arg.includes(n))))
                references.push(`process:${pid}`);
            else {
                for (const overlay of view.overlays) {
                    if ((await this.chain(overlay)).some(inside)) {
                        references.push(`process:${pid} (through ${overlay})`);
                        break;
                    }
                }
            }
        }
        return references;
    }
    /** Every process, by pid (ascending): reread unless the same process was read less than `reuseMs` ago. */
    processes() {
        let pids;
        try {
            pids = (0,external_node_fs_.readdirSync)('/proc').filter((p) => /^\d+$/.test(p));
        }
        catch (error) {
            throw new Error(`cannot list processes (/proc: ${error.message}), so whether the image is in use is unknown`, {
                cause: error,
            });
        }
        const now = Date.now();
        const reuse = this.options.reuseMs ?? 1_000;
        // Checks a few milliseconds apart (one run's candidates) take the processes already seen as they were.
        const burst = now - this.checkedAt < BURST_MS;
        if (!burst)
            this.checkedAt = now;
        const next = new Map();
        for (const pid of pids.sort((a, b) => Number(a) - Number(b))) {
            const seen = this.table.get(pid);
            if (burst && seen && pid !== String(process.pid)) {
                next.set(pid, seen);
                continue;
            }
            const started = startTime(pid);
            const cmdline = quietly(() => readProcFile(`/proc/${pid}/cmdline`), undefined);
            if (started === undefined || cmdline === undefined)
                continue; // ended meanwhile
            const key = `${started} ${cmdline}`;
            const known = seen;
            // This process is read afresh every time: it opens and closes image files itself (metadata, copies).
            const fresh = known && known.key === key && now - known.at <= reuse && pid !== String(process.pid);
            const view = fresh ? known : readProcess(pid, now, key, cmdline);
            next.set(pid, view);
        }
        this.table = next;
        return next;
    }
    chain(overlay) {
        const now = Date.now();
        const hit = this.chains.get(overlay);
        if (hit && now - hit.at < (this.options.chainMs ?? 5_000))
            return hit.files;
        const files = backingChain(overlay);
        this.chains.set(overlay, { at: now, files });
        files.catch(() => this.chains.delete(overlay));
        return files;
    }
}
/**
 * What process `pid` (its command line read already) shows in /proc.
 * Synchronous: a few hundred reads of /proc take milliseconds this way, far
 * longer through the thread pool.
 */
function readProcess(pid, at, key, cmdline) {
    const proc = `/proc/${pid}`;
    const args = cmdline.split('\0').filter(Boolean);
    const cwd = quietly(() => (0,external_node_fs_.readlinkSync)(`${proc}/cwd`), undefined);
    const fds = quietly(() => (0,external_node_fs_.readdirSync)(`${proc}/fd`), [])
        .map((fd) => quietly(() => (0,external_node_fs_.readlinkSync)(`${proc}/fd/${fd}`), ''))
        .filter((target) => target.startsWith('/'));
    const files = [];
    const overlays = [];
    for (const candidate of new Set(args.flatMap(pathsIn))) {
        if (!external_node_path_default().isAbsolute(candidate) && cwd === undefined)
            continue;
        const resolved = external_node_path_default().resolve(cwd ?? '/', candidate);
        // Most arguments name nothing: one access() is far cheaper than realpath's walk.
        if (!(0,external_node_fs_.existsSync)(resolved))
            continue;
        const file = quietly(() => external_node_fs_.realpathSync.native(resolved), resolved);
        files.push(resolved, file);
        if (isQcow2(file) && !overlays.includes(file))
            overlays.push(file);
    }
    return { at, key, cwd, fds, args, files, overlays };
}
/** The start time of process `pid` (field 22 of /proc/<pid>/stat, after the parenthesised name); undefined once it has ended. */
function startTime(pid) {
    const stat = quietly(() => readProcFile(`/proc/${pid}/stat`), undefined);
    if (stat === undefined)
        return undefined;
    let at = stat.lastIndexOf(')') + 2; // field 3
    for (let field = 3; field < 22 && at > 0; field++)
        at = stat.indexOf(' ', at) + 1;
    return at > 0 ? stat.slice(at, stat.indexOf(' ', at)) : undefined;
}
/** One buffer for every small /proc file read: readFileSync allocates 64 KiB for each file of unknown size. */
const scratch = Buffer.alloc(64 * 1024);
/** A /proc file's text (cut at 64 KiB: enough for every path a command line can name). */
function readProcFile(file) {
    const fd = (0,external_node_fs_.openSync)(file, 'r');
    try {
        let length = 0;
        for (let n = 1; n > 0 && length < scratch.length; length += n)
            n = (0,external_node_fs_.readSync)(fd, scratch, length, scratch.length - length, null);
        return scratch.toString('utf8', 0, length);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
/** Path-like parts of one argument: the argument, and the values of `key=value,…` lists (QEMU's `-drive file=…,if=…`). */
function pathsIn(arg) {
    // No path is longer than PATH_MAX (4096): a longer argument (a JSON document) is only searched for the folder's path.
    if (arg.length > PATH_MAX)
        return [];
    const out = new Set([arg]);
    for (const part of arg.split(',')) {
        const eq = part.indexOf('=');
        out.add(eq >= 0 ? part.slice(eq + 1) : part);
    }
    // A path has a folder or an extension: "-m", "1536", "virtio" are not looked up.
    return [...out].filter((p) => p.length > 0 && !p.startsWith('-') && /[/.]/.test(p));
}
function isQcow2(file) {
    let fd;
    try {
        if (!(0,external_node_fs_.statSync)(file).isFile())
            return false;
        fd = (0,external_node_fs_.openSync)(file, 'r');
        const head = Buffer.alloc(4);
        return (0,external_node_fs_.readSync)(fd, head, 0, 4, 0) === 4 && head.equals(QCOW2_MAGIC);
    }
    catch {
        return false;
    }
    finally {
        if (fd !== undefined)
            (0,external_node_fs_.closeSync)(fd);
    }
}
/**
 * Every file of `overlay`'s backing chain (real paths where they exist),
 * overlay first. A file that stops being a qcow2 while it is read (removed,
 * rewritten) names nothing any more; one that qemu-img cannot read three
 * times (a second apart at most) fails the check.
 */
async function backingChain(overlay) {
    for (let attempt = 1;; attempt++) {
        try {
            return await readChain(overlay);
        }
        catch (error) {
            if (!isQcow2(overlay))
                return [];
            if (attempt >= 3)
                throw error;
            await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
        }
    }
}
/** One `qemu-img info` run (execFile, not util/process's runProcess: the JSON on stdout must come apart from warnings on stderr). */
async function readChain(overlay) {
    let stdout;
    try {
        // -U: a running QEMU holds a write lock on its overlay; reading the header needs none.
        ({ stdout } = await execFileAsync('qemu-img', ['info', '-U', '--backing-chain', '--output=json', overlay], {
            timeout: 30_000,
            maxBuffer: 16 * 1024 * 1024,
        }));
    }
    catch (error) {
        const said = String(error.stderr ?? error.message)
            .trim()
            .split('\n')
            .slice(-2)
            .join(' ');
        throw new Error(`qemu-img could not read the backing chain of ${overlay} (a process names it): ${said}`, { cause: error });
    }
    let entries;
    try {
        entries = JSON.parse(stdout);
    }
    catch (error) {
        throw new Error(`qemu-img printed no readable backing chain for ${overlay}`, { cause: error });
    }
    const files = [];
    // Each name in an entry is relative to the folder of the file that names it.
    let namedFrom = external_node_path_default().dirname(overlay);
    for (const entry of Array.isArray(entries) ? entries : []) {
        const own = typeof entry.filename === 'string' ? external_node_path_default().resolve(namedFrom, entry.filename) : undefined;
        const here = own ? external_node_path_default().dirname(own) : namedFrom;
        const names = [own, entry['full-backing-filename'], entry['backing-filename']].filter((n) => typeof n === 'string');
        for (const name of names) {
            const resolved = external_node_path_default().resolve(here, name);
            files.push(quietly(() => external_node_fs_.realpathSync.native(resolved), resolved));
        }
        namedFrom = here;
    }
    return files;
}
/** `fn`'s answer, or `fallback` when the thing looked at is gone or not ours to read. */
function quietly(fn, fallback) {
    try {
        return fn();
    }
    catch (error) {
        if (GONE.has(code(error) ?? ''))
            return fallback;
        throw error;
    }
}
const code = (error) => error?.code;

// EXTERNAL MODULE: ./src/providers/local/debris.ts
var debris = __webpack_require__(70639);
// EXTERNAL MODULE: ./src/providers/local/lock.ts
var lock = __webpack_require__(71687);
;// CONCATENATED MODULE: ./src/providers/local/store.ts
/**
 * The embedded `local` provider: a directory store of qcow2 images.
 *
 *   <store>/<region>/<name>/image.qcow2   the disk
 *   <store>/<region>/<name>/vmlinuz, initrd.img   kernel for direct boot (when present)
 *   <store>/<region>/<name>/metadata.json the ImageRecord (fingerprint, recipe, os, channel...)
 *   <store>/<region>/<name>/in-use/*      one file per user of the image (a VM, a test)
 *   <store>/.lock                         the run changing the store (lock.ts)
 *
 * An image is its folder: its id is `<region>/<name>`, whatever its
 * metadata.json says (metadata.ts). Every change resolves the folder from the
 * id and first checks the folder still holds the image listed (same
 * fingerprint), so an operation never lands on another folder.
 *
 * Every change lands by rename, so a crash never leaves a half image: a folder
 * without metadata.json, or one whose name starts with a dot, is not an image.
 * What a crash leaves in hidden folders is collected later (debris.ts).
 */








class LocalProvider {
    cloud;
    context;
    provider = 'local';
    scope = 'region';
    root;
    log;
    /** Debris collection of this run (once: at the lock, or before the first add). */
    debris;
    constructor(cloud, context) {
        this.cloud = cloud;
        this.context = context;
        this.root = external_node_path_default().resolve(context.baseDir, cloud.store ?? model/* DEFAULT_STORE */.O);
        this.log = context.log ?? (() => undefined);
    }
    regionDir(region) {
        return external_node_path_default().join(this.root, safeSegment(region));
    }
    imageDir(region, name) {
        return external_node_path_default().join(this.regionDir(region), safeSegment(name));
    }
    /**
     * The images in the region folder, each under its folder's identity. A
     * folder whose metadata cannot be an image record is skipped and named; the
     * rest of the region is listed as usual.
     */
    async inventory(region) {
        const dir = this.regionDir(region);
        let entries;
        try {
            entries = await external_node_fs_.promises.readdir(dir);
        }
        catch (error) {
            if (isMissing(error))
                return [];
            throw error;
        }
        const folders = entries.filter((e) => !e.startsWith('.')).sort();
        const read = await Promise.all(folders.map((folder) => SEGMENT.test(folder)
            ? this.readFolder({ region, folder }).catch((error) => new Error(`${METADATA} could not be read (${error.message})`))
            : new Error('not a name an image folder can have (letters, digits, ".", "_" and "-")')));
        const records = [];
        folders.forEach((folder, k) => {
            const where = external_node_path_default().join(dir, folder);
            const found = read[k];
            if (found instanceof Error)
                this.log(`local store: skipped ${where}: ${found.message}`);
            else if (found?.kind === 'invalid')
                this.log(`local store: skipped ${where}: ${found.reason}`);
            if (found instanceof Error || found?.kind !== 'image')
                return;
            if (found.mismatch) {
                this.log(`local store: ${where}: its ${METADATA} says ${found.mismatch}; listed as ${found.record.id}, ` +
                    'the folder it is in (a folder copied or renamed by hand?)');
            }
            records.push(found.record);
        });
        return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    }
    /**
     * Adds a built image to the store: copies the files named in `files`
     * (basename -> source path) into a hidden folder, writes the metadata, then
     * renames the folder into place. An existing image of that name is an error.
     */
    async add(record, files) {
        const final = this.imageDir(record.region, record.name);
        await this.collectDebrisOnce();
        if (await exists(final))
            throw new Error(`local store already holds ${record.region}/${record.name}`);
        const staging = external_node_path_default().join(this.regionDir(record.region), `.staging-${record.name}-${process.pid}-${Date.now()}`);
        await external_node_fs_.promises.mkdir(staging, { recursive: true });
        try {
            for (const [base, src] of Object.entries(files)) {
                await external_node_fs_.promises.copyFile(src, external_node_path_default().join(staging, safeSegment(base)));
            }
            const stored = { ...record, id: `${record.region}/${record.name}` };
            await external_node_fs_.promises.writeFile(external_node_path_default().join(staging, METADATA), JSON.stringify(stored, null, 2) + '\n');
            await external_node_fs_.promises.rename(staging, final);
            return stored;
        }
        catch (error) {
            await external_node_fs_.promises.rm(staging, { recursive: true, force: true });
            throw error;
        }
    }
    async copy(image, region, _options) {
        const from = await this.resolve(image);
        const name = from.where.folder;
        const there = await this.readFolder({ region, folder: name });
        if (there?.kind === 'image' && there.record.fingerprint === from.current.fingerprint)
            return there.record;
        if (there) {
            const holds = there.kind === 'image'
                ? `fingerprint ${there.record.fingerprint}`
                : there.kind === 'foreign'
                    ? 'an image not made by this tool'
                    : there.reason;
            throw new Error(`local store: ${region}/${name} already exists and holds ${holds}, not ${from.current.fingerprint}: not overwritten`);
        }
        const files = {};
        for (const entry of await external_node_fs_.promises.readdir(from.dir, { withFileTypes: true })) {
            if (entry.isFile() && entry.name !== METADATA)
                files[entry.name] = external_node_path_default().join(from.dir, entry.name);
        }
        const { id: _id, ...rest } = image;
        return this.add({ ...rest, name, region, state: 'available' }, files);
    }
    async tag(image, tags) {
        await this.update(image, (r) => (0,src_images/* fromTags */.y8)({ ...r.tags, ...tags }, r));
    }
    async share(image, options) {
        const shared = [...options.accounts, ...(options.public ? ['all'] : [])].join(',');
        await this.tag(image, { [src_images/* TAGS */.gp.sharedWith]: shared });
    }
    async deprecate(image, options) {
        const tags = { [src_images/* TAGS */.gp.deprecatedAt]: (options?.at ?? new Date()).toISOString() };
        if (options?.replacement)
            tags[src_images/* TAGS */.gp.replacement] = options.replacement.name;
        await this.update(image, (r) => ({ ...(0,src_images/* fromTags */.y8)({ ...r.tags, ...tags }, r), state: 'deprecated' }));
    }
    /** Removes the image's folder (renamed aside first, so a crash leaves hidden debris, not a half image). Gone already: done. */
    async remove(image) {
        const where = this.folderOf(image);
        const dir = this.imageDir(where.region, where.folder);
        if (!(await exists(dir))) {
            this.log(`local store: ${folderId(where)} was already removed`);
            return;
        }
        await this.resolve(image);
        await this.collectDebrisOnce();
        const trash = external_node_path_default().join(external_node_path_default().dirname(dir), `.removing-${where.folder}-${process.pid}-${Date.now()}`);
        await external_node_fs_.promises.rename(dir, trash);
        await external_node_fs_.promises.rm(trash, { recursive: true, force: true });
    }
    /** Markers, processes holding or naming its files, QEMU overlays backed by it (usage.ts). */
    async inUse(image) {
        const { dir } = await this.resolve(image);
        const references = await scanner.usersOf(dir);
        return { inUse: references.length > 0, references };
    }
    /**
     * Takes the store's lock for `command` (waiting for another run, see
     * lock.ts), then collects the debris of dead runs. Resolves to the release.
     */
    async lock(command = 'a run') {
        const release = await (0,lock/* lockStore */.$_)({ root: this.root, command, log: this.log, env: this.context.env, sleep: this.context.sleep });
        this.debris = this.collectDebris();
        await this.debris;
        return release;
    }
    /** Before a first change without the lock (a build adding its image): collect debris if the store is free, else leave it to the run holding it. */
    collectDebrisOnce() {
        this.debris ??= (async () => {
            const release = await (0,lock/* lockStore */.$_)({ root: this.root, command: 'add', log: this.log, waitMs: 0 }).catch(() => undefined);
            if (!release)
                return;
            try {
                await this.collectDebris();
            }
            finally {
                await release();
            }
        })();
        return this.debris;
    }
    async collectDebris() {
        try {
            await (0,debris/* collectDebris */.w6)(this.root, { log: this.log });
        }
        catch (error) {
            this.log(`local store: could not look for debris of earlier runs in ${this.root}: ${error.message}`);
        }
    }
    /** The folder a record's id names: `<region>/<folder>`, in the record's own region. */
    folderOf(image) {
        const parts = image.id.split('/');
        if (parts.length !== 2 || parts[0] !== image.region) {
            throw new Error(`local store: "${image.id}" does not name a folder of region ${image.region} (<region>/<folder>): not changed`);
        }
        safeSegment(parts[0]);
        safeSegment(parts[1]);
        return { region: parts[0], folder: parts[1] };
    }
    /** The record's folder, checked to still hold the image listed (same fingerprint); refuses anything else. */
    async resolve(image) {
        const where = this.folderOf(image);
        const found = await this.readFolder(where);
        const id = folderId(where);
        if (!found)
            throw new Error(`local store has no image ${id} (its folder or ${METADATA} is gone): not changed`);
        if (found.kind === 'invalid')
            throw new Error(`local store: ${id}: ${found.reason}: not changed`);
        if (found.kind === 'foreign')
            throw new Error(`local store: ${id} holds an image this tool did not make: not changed`);
        if (found.record.fingerprint !== image.fingerprint) {
            throw new Error(`local store: ${id} now holds fingerprint ${found.record.fingerprint}, not ${image.fingerprint} as listed: ` +
                'not changed (the folder changed since it was listed: run again)');
        }
        return { dir: this.imageDir(where.region, where.folder), where, current: found.record };
    }
    async readFolder(where) {
        let text;
        try {
            text = await external_node_fs_.promises.readFile(external_node_path_default().join(this.imageDir(where.region, where.folder), METADATA), 'utf8');
        }
        catch (error) {
            const code = error.code;
            if (code === 'ENOENT' || code === 'ENOTDIR')
                return undefined;
            if (code === 'EISDIR')
                return { kind: 'invalid', reason: `${METADATA} is a folder` };
            throw error;
        }
        return parseMetadata(text, where);
    }
    async update(image, change) {
        const { dir, current } = await this.resolve(image);
        const next = change(current);
        const tmp = external_node_path_default().join(dir, `.${METADATA}.${process.pid}`);
        await external_node_fs_.promises.writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
        await external_node_fs_.promises.rename(tmp, external_node_path_default().join(dir, METADATA));
    }
}
/** One per process: what it read of a process is reused for a second, by every store (usage.ts). */
const scanner = new UsageScanner();
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
function safeSegment(value) {
    if (!SEGMENT.test(value)) {
        throw new Error(`"${value}" cannot name a folder in the local store: use letters, digits, ".", "_" and "-"`);
    }
    return value;
}
async function exists(p) {
    try {
        await external_node_fs_.promises.access(p);
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
