export const id = 403;
export const ids = [403];
export const modules = {

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
