export const id = 910;
export const ids = [910];
export const modules = {

/***/ 43910:
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

;// CONCATENATED MODULE: ./src/providers/local/debris.ts
/**
 * What a killed run leaves in the local store: `<region>/.staging-<name>-<pid>-<ts>/`
 * (a half copy from add or copy) and `<region>/.removing-<name>-<pid>-<ts>/`
 * (an image remove had renamed away but not yet deleted). Both are hidden, so
 * nobody sees them until the disk fills; the next mutating run collects them,
 * under the store lock.
 *
 * A folder is debris to remove when its owner is gone: the pid in its name is
 * not alive and nothing in it changed for a minute (a pid from another pid
 * namespace looks dead, but its copy still writes), or it is older than a
 * day whatever its pid says (pids are reused). Removal never follows a
 * symbolic link and never crosses into another file system: the folder must be
 * a real directory (lstat) directly in the region folder, and every directory
 * below it on the region folder's device, or it is left alone and reported.
 */


const DEBRIS = /^\.(staging|removing)-(.+)$/;
/** The highest pid Linux hands out (PID_MAX_LIMIT, 2^22). */
const PID_MAX = 4_194_304;
const DEBRIS_MAX_AGE_MS = 24 * 3600_000;
const DEBRIS_QUIET_MS = 60_000;
/** The pid in a debris folder's name (`…-<pid>-<ms>`), when it has one that can be a pid. */
function debrisOwner(name) {
    const m = /-(\d+)-(\d{10,})$/.exec(name);
    if (!m)
        return undefined;
    const pid = Number(m[1]);
    return Number.isInteger(pid) && pid >= 1 && pid <= PID_MAX ? pid : undefined;
}
/** Is process `pid` alive on this machine? (EPERM: alive, another user's.) */
function alive(pid) {
    if (!Number.isInteger(pid) || pid < 1)
        return false;
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === 'EPERM';
    }
}
/** Removes the debris of dead runs in every region folder of the store at `root`. */
async function collectDebris(root, options) {
    const out = { removed: [], kept: [] };
    let regions;
    try {
        regions = (await external_node_fs_.promises.readdir(root, { withFileTypes: true }))
            .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
            .map((e) => e.name);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return out;
        throw error;
    }
    for (const region of regions.sort()) {
        const regionDir = external_node_path_default().join(root, region);
        const regionStat = await external_node_fs_.promises.lstat(regionDir);
        for (const name of (await external_node_fs_.promises.readdir(regionDir)).filter((n) => DEBRIS.test(n)).sort()) {
            const folder = external_node_path_default().join(regionDir, name);
            try {
                const verdict = await judge(folder, name, regionStat, options);
                if ('keep' in verdict) {
                    out.kept.push({ path: folder, reason: verdict.keep });
                    if (verdict.report)
                        options.log(`local store: left ${folder} in place: ${verdict.keep}`);
                    continue;
                }
                await external_node_fs_.promises.rm(folder, { recursive: true, force: true });
                out.removed.push({ path: folder, bytes: verdict.bytes });
                options.log(`local store: removed ${folder} (${size(verdict.bytes)}), left by ${verdict.why}`);
            }
            catch (error) {
                // Gone meanwhile, or unreadable: the next run looks again.
                if (error.code === 'ENOENT')
                    continue;
                out.kept.push({ path: folder, reason: error.message });
                options.log(`local store: could not clean up ${folder}: ${error.message}`);
            }
        }
    }
    return out;
}
async function judge(folder, name, region, options) {
    const stat = await external_node_fs_.promises.lstat(folder);
    if (stat.isSymbolicLink() || !stat.isDirectory())
        return { keep: 'not a real folder (a link or a file): not followed', report: true };
    if (stat.dev !== region.dev)
        return { keep: 'on another file system than its region folder', report: true };
    const walked = await walk(folder, region.dev);
    if ('mount' in walked)
        return { keep: `${walked.mount} is on another file system: not removed`, report: true };
    const now = options.now ?? Date.now();
    const age = now - Math.max(stat.mtimeMs, walked.newest);
    const pid = debrisOwner(name);
    if (age > (options.maxAgeMs ?? DEBRIS_MAX_AGE_MS))
        return { bytes: walked.bytes, why: `a run that ended more than ${hours(options.maxAgeMs)} ago` };
    if (pid === undefined)
        return { keep: 'no owner in its name and younger than a day', report: false };
    if (alive(pid))
        return { keep: `process ${pid} that made it is still running`, report: false };
    if (age < (options.quietMs ?? DEBRIS_QUIET_MS))
        return { keep: `written to less than a minute ago (process ${pid} looks gone)`, report: false };
    return { bytes: walked.bytes, why: `process ${pid}, which is gone` };
}
/** Bytes and newest change time below `folder`, or the first directory on another device. */
async function walk(folder, dev) {
    let bytes = 0;
    let newest = 0;
    const pending = [folder];
    while (pending.length > 0) {
        const dir = pending.pop();
        for (const entry of await external_node_fs_.promises.readdir(dir)) {
            const p = external_node_path_default().join(dir, entry);
            const s = await external_node_fs_.promises.lstat(p);
            if (s.dev !== dev)
                return { mount: p };
            newest = Math.max(newest, s.mtimeMs);
            if (s.isDirectory())
                pending.push(p);
            else if (s.isFile())
                bytes += s.size;
        }
    }
    return { bytes, newest };
}
const hours = (ms = DEBRIS_MAX_AGE_MS) => (ms >= 3600_000 ? `${Math.round(ms / 3600_000)} h` : `${Math.round(ms / 1000)} s`);
function size(bytes) {
    const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
    let n = bytes;
    let u = 0;
    while (n >= 1024 && u < units.length - 1) {
        n /= 1024;
        u += 1;
    }
    return u === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[u]}`;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
;// CONCATENATED MODULE: ./src/providers/local/lock.ts
/**
 * One lock per local store, so two distribute or lifecycle runs never change
 * the same store at once: a file `<store>/.lock` created with `open(…, 'wx')`
 * (atomic: exactly one creator wins), holding who took it (pid, host,
 * command, since) and a random token.
 *
 * - A second run waits, saying for whom, up to a bounded time (10 minutes;
 *   IMAGE_BUILDER_LOCK_WAIT_SECONDS sets it), then stops with a message naming
 *   the holder and what to do.
 * - A lock whose pid is dead on this host is stale: it is moved aside
 *   (rename, so of two runs taking it over only one does), checked to still be
 *   the one seen dead, and removed, with a message; then taken as usual.
 * - Within one process the lock is shared: two clouds on one store, or a
 *   nested call, count up and down instead of waiting for themselves.
 * - Release removes the file only while it still holds this run's token.
 */





const LOCK_FILE = '.lock';
const LOCK_WAIT_ENV = 'IMAGE_BUILDER_LOCK_WAIT_SECONDS';
const DEFAULT_WAIT_MS = 10 * 60_000;
const POLL_MS = 1_000;
/** A lock file without readable content this old was left by a run killed while writing it. */
const UNREADABLE_STALE_MS = 30_000;
/** In this process: lock file -> how many holders share it, and the acquisition they share. */
const shared = new Map();
/** Takes the store lock (waiting for another run, taking over a stale one); resolves to its release. */
async function lockStore(options) {
    const file = external_node_path_default().join(options.root, LOCK_FILE);
    let entry = shared.get(file);
    if (!entry) {
        const created = { count: 0, taken: acquire(file, options) };
        shared.set(file, created);
        created.taken.catch(() => {
            if (shared.get(file) === created)
                shared.delete(file);
        });
        entry = created;
    }
    const mine = entry;
    mine.count += 1;
    let holder;
    try {
        holder = await mine.taken;
    }
    catch (error) {
        mine.count -= 1;
        throw error;
    }
    let released = false;
    return async () => {
        if (released)
            return;
        released = true;
        mine.count -= 1;
        if (mine.count > 0)
            return;
        if (shared.get(file) === mine)
            shared.delete(file);
        await releaseFile(file, holder, options.log);
    };
}
/** The lock's holder as its file says, or undefined when there is no lock (or it cannot be read yet). */
async function readHolder(file) {
    try {
        const data = JSON.parse(await external_node_fs_.promises.readFile(file, 'utf8'));
        if (typeof data.pid !== 'number' || typeof data.token !== 'string')
            return undefined;
        return {
            pid: data.pid,
            host: String(data.host ?? ''),
            command: String(data.command ?? '?'),
            since: String(data.since ?? '?'),
            token: data.token,
        };
    }
    catch {
        return undefined;
    }
}
const describeHolder = (h) => `pid ${h.pid}${h.host && h.host !== external_node_os_default().hostname() ? ` on ${h.host}` : ''} (${h.command}, since ${h.since})`;
/** The wait for another run's lock: IMAGE_BUILDER_LOCK_WAIT_SECONDS when it is a number of seconds, else 10 minutes. */
function lockWaitMs(env) {
    const text = env[LOCK_WAIT_ENV]?.trim();
    const seconds = Number(text);
    return text && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_WAIT_MS;
}
async function acquire(file, options) {
    const waitMs = options.waitMs ?? lockWaitMs(options.env ?? process.env);
    const pollMs = Math.max(1, Math.min(POLL_MS, waitMs));
    const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const me = {
        pid: process.pid,
        host: external_node_os_default().hostname(),
        command: options.command,
        since: new Date().toISOString(),
        token: (0,external_node_crypto_.randomBytes)(12).toString('hex'),
    };
    await external_node_fs_.promises.mkdir(options.root, { recursive: true });
    // Counted in polls, not wall time, so an injected fast sleep makes a fast test.
    const polls = Math.ceil(waitMs / pollMs);
    let said;
    for (let poll = 0;; poll++) {
        if (await create(file, me))
            return me;
        const holder = await readHolder(file);
        if (holder === undefined) {
            if (await takeOverUnreadable(file, options.log))
                continue;
        }
        else if (stale(holder)) {
            if (await takeOverStale(file, holder, options.log))
                continue;
        }
        else if (poll >= polls) {
            throw new Error(`local store ${options.root} is locked by ${describeHolder(holder)}, still after ${minutes(waitMs)}: ` +
                `let that run finish and run ${options.command} again; if that process is gone (another machine, a container), delete ${file}`);
        }
        else if (said !== holder.token) {
            said = holder.token;
            options.log(`local store ${options.root} is locked by ${describeHolder(holder)}: waiting up to ${minutes(waitMs)} for it`);
        }
        if (poll >= polls && holder === undefined)
            throw new Error(`local store ${options.root}: could not take the lock ${file}; delete it if no run uses the store`);
        await sleep(pollMs);
    }
}
/** A holder on this host whose process is gone (or is this process, which no longer holds it). */
function stale(holder) {
    if (holder.host && holder.host !== external_node_os_default().hostname())
        return false;
    if (holder.pid === process.pid)
        return true;
    return !alive(holder.pid);
}
async function create(file, me) {
    try {
        await external_node_fs_.promises.writeFile(file, JSON.stringify(me) + '\n', { flag: 'wx', mode: 0o644 });
        return true;
    }
    catch (error) {
        if (error.code === 'EEXIST')
            return false;
        throw error;
    }
}
async function takeOverStale(file, seen, log) {
    const aside = `${file}.stale-${process.pid}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
    try {
        await external_node_fs_.promises.rename(file, aside);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return true; // another run moved it: try again
        throw error;
    }
    const moved = await readHolder(aside);
    if (moved?.token !== seen.token) {
        // A live lock taken between our look and the rename: put it back (link fails if yet another run holds one).
        await external_node_fs_.promises.link(aside, file).catch(() => undefined);
        await external_node_fs_.promises.rm(aside, { force: true });
        return true;
    }
    await external_node_fs_.promises.rm(aside, { force: true });
    const whose = seen.pid === process.pid ? 'this process left behind' : 'is no longer running';
    log(`local store: took over the lock of ${describeHolder(seen)}, which ${whose}`);
    return true;
}
async function takeOverUnreadable(file, log) {
    let mtime;
    try {
        mtime = (await external_node_fs_.promises.stat(file)).mtimeMs;
    }
    catch {
        return true; // gone: try again
    }
    if (Date.now() - mtime < UNREADABLE_STALE_MS)
        return false; // being written right now
    const aside = `${file}.stale-${process.pid}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
    await external_node_fs_.promises.rename(file, aside).catch(() => undefined);
    await external_node_fs_.promises.rm(aside, { force: true });
    log(`local store: removed the unreadable lock file ${file} (left by a run killed while taking it)`);
    return true;
}
async function releaseFile(file, me, log) {
    const now = await readHolder(file);
    if (now?.token !== me.token) {
        log(`local store: the lock ${file} was no longer this run's when it ended (taken over?); left as it is`);
        return;
    }
    await external_node_fs_.promises.rm(file, { force: true });
}
const minutes = (ms) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

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
        const release = await lockStore({ root: this.root, command, log: this.log, env: this.context.env, sleep: this.context.sleep });
        this.debris = this.collectDebris();
        await this.debris;
        return release;
    }
    /** Before a first change without the lock (a build adding its image): collect debris if the store is free, else leave it to the run holding it. */
    collectDebrisOnce() {
        this.debris ??= (async () => {
            const release = await lockStore({ root: this.root, command: 'add', log: this.log, waitMs: 0 }).catch(() => undefined);
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
            await collectDebris(this.root, { log: this.log });
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
