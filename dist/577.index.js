export const id = 577;
export const ids = [577];
export const modules = {

/***/ 85577:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OpenStackBuildHooks: () => (/* binding */ OpenStackBuildHooks)
/* harmony export */ });
/* unused harmony export toRaw */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(46466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _util_process_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(22017);
/* harmony import */ var _local_build_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8137);
/**
 * How an OpenStack image is built: once, on this host, by the local QEMU path
 * (the same machine, base image cache and fingerprint inputs as a local
 * image), then uploaded to the build region's Glance, converted to raw first
 * when the source asks for it (`qemu-img convert`, as nodepool's builder
 * does for clouds that want raw). Verification boots a copy of the uploaded
 * image downloaded from Glance, on a throwaway overlay.
 */






class OpenStackBuildHooks {
    cloud;
    connect;
    local;
    /** The source of the image this build makes (the machine request names it; the upload needs its settings). */
    source = {};
    provider;
    constructor(cloud, context, 
    /** Makes the provider when the upload needs it (a dry run never logs in). */
    connect) {
        this.cloud = cloud;
        this.connect = connect;
        // The base image cache of the local path lives in the cloud's store (default .images).
        this.local = new _local_build_js__WEBPACK_IMPORTED_MODULE_5__.LocalBuildHooks({ ...cloud, provider: 'local' }, context);
    }
    async machine(request) {
        this.source = request.source;
        return this.local.machine(request);
    }
    /** Uploads the disk Packer wrote (raw when asked) to the build region's Glance; returns the Glance image id. */
    async store(built) {
        const disk = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(built.outputDir, 'image.qcow2');
        const format = this.source.disk_format ?? 'qcow2';
        const file = format === 'raw' ? await toRaw(disk, built.record.name) : disk;
        const provider = await this.openstack();
        const record = await provider.upload(file, built.record, this.source, format);
        if (file !== disk)
            await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rm(file, { force: true });
        return record.id;
    }
    /** Downloads the uploaded image and boots a qcow2 overlay on it: the image in Glance is never written to. */
    async verifySource(result, work) {
        const dir = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(work), ['openstack', result.name].join('--'));
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rm(dir, { recursive: true, force: true });
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.mkdir(dir, { recursive: true });
        const provider = await this.openstack();
        const glance = await provider.glance(result.region);
        const image = await glance.get(result.imageId);
        if (!image)
            throw new Error(`${result.name}: image ${result.imageId} is not in Glance of ${this.cloud.name} ${result.region}`);
        const disk = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, `image.${image.disk_format ?? 'qcow2'}`);
        const data = await glance.download(result.imageId);
        await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_3__.pipeline)(node_stream__WEBPACK_IMPORTED_MODULE_2__.Readable.fromWeb(data), (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createWriteStream)(disk));
        const overlay = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, 'overlay.qcow2');
        const made = await (0,_util_process_js__WEBPACK_IMPORTED_MODULE_4__/* .runProcess */ .R3)('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', image.disk_format ?? 'qcow2', '-b', disk, overlay]);
        if (made.code !== 0)
            throw new Error(`${result.name}: could not create the verification overlay: ${made.tail.join(' ')}`);
        return { source: overlay, release: () => node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rm(dir, { recursive: true, force: true }) };
    }
    openstack() {
        this.provider ??= this.connect();
        return this.provider;
    }
}
/** The qcow2 as a raw disk beside it (qemu-img convert). */
async function toRaw(qcow2, name) {
    const raw = qcow2.replace(/\.qcow2$/, '') + '.raw';
    const done = await (0,_util_process_js__WEBPACK_IMPORTED_MODULE_4__/* .runProcess */ .R3)('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', qcow2, raw]);
    if (done.code !== 0)
        throw new Error(`${name}: qemu-img could not convert the disk to raw: ${done.tail.join(' ')}`);
    return raw;
}


/***/ })

};
