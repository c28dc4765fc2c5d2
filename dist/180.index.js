export const id = 180;
export const ids = [180,384];
export const modules = {

/***/ 57208:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bk: () => (/* binding */ parseEndpoint),
/* harmony export */   iG: () => (/* binding */ ENDPOINT_ENV),
/* harmony export */   nG: () => (/* binding */ GcpClients)
/* harmony export */ });
/* unused harmony export withDeadlines */
/* harmony import */ var google_auth_library__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(492);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(77252);
/* harmony import */ var _sdk_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(80274);
/**
 * The Compute Engine clients of one GCP cloud, in REST (fallback) mode.
 *
 * Endpoint: IMAGE_BUILDER_GCP_ENDPOINT (`https://compute.example.p.googleapis.com`,
 * `http://127.0.0.1:8080`, or a bare host name for https on 443); unset means
 * compute.googleapis.com.
 * Credentials: a ready OAuth access token (input `gcp-access-token`, e.g. the
 * `access_token` output of google-github-actions/auth) in an OAuth2Client,
 * handed to the mask hook first; otherwise Application Default Credentials,
 * which read GOOGLE_APPLICATION_CREDENTIALS (the external_account file that
 * google-github-actions/auth writes for workload identity federation).
 * The client classes and their gax instance come from sdk.ts (what they load).
 */



const ENDPOINT_ENV = 'IMAGE_BUILDER_GCP_ENDPOINT';
/** Reads an endpoint URL or host; throws a clear Error on what gax cannot use. */
function parseEndpoint(value) {
    const raw = value?.trim();
    if (!raw)
        return undefined;
    let url;
    try {
        url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
    }
    catch {
        throw new Error(`${ENDPOINT_ENV}="${raw}" is not a URL or host name`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`${ENDPOINT_ENV}="${raw}": only http and https endpoints are supported`);
    }
    if (url.pathname !== '/' && url.pathname !== '') {
        throw new Error(`${ENDPOINT_ENV}="${raw}": give the host (and port) only; the client adds /compute/v1/...`);
    }
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
    return { apiEndpoint: url.hostname.replace(/^\[|\]$/g, ''), port, protocol };
}
/** globalOperations.wait is a long poll: Compute Engine answers it after up to 2 minutes. */
const LONG_POLL = /\/operations\/[^/]+\/wait$/;
/** What a fetch is given: a URL, its text, or a request-like object. */
function urlOf(input) {
    try {
        if (input instanceof URL)
            return input;
        if (typeof input === 'string')
            return new URL(input);
        const url = input?.url;
        return url === undefined ? undefined : new URL(String(url));
    }
    catch {
        return undefined;
    }
}
/**
 * Gives every compute request a deadline. In REST (fallback) mode gax ignores
 * its own `timeout` call option (google-gax 5 fallbackServiceStub.js hands
 * the request to `auth.fetch` with no deadline; measured: a call with
 * `timeout: 200` against a silent server never returned), so the deadline
 * goes to gaxios (`timeout`, an AbortSignal.timeout over the whole exchange,
 * gaxios 7 common.d.ts). A request it cuts fails as ETIMEDOUT naming the host
 * and the deadline; the provider retries it as transient.
 */
function withDeadlines(auth, deadlines) {
    const fetch = auth.fetch.bind(auth);
    const timed = async (input, init) => {
        const url = urlOf(input);
        const ms = url && LONG_POLL.test(url.pathname) ? deadlines.longPollMs : deadlines.requestMs;
        try {
            return await fetch(input, { ...init, timeout: ms });
        }
        catch (error) {
            const signal = init?.signal;
            if (!signal?.aborted && isAbort(error))
                throw timedOut(error, url, ms);
            throw error;
        }
    };
    return Object.assign(auth, { fetch: timed });
}
function isAbort(error) {
    const e = error;
    return [e?.name, e?.cause?.name].some((n) => n === 'AbortError' || n === 'TimeoutError');
}
/**
 * The aborted request's error, now saying which deadline ran out where (code
 * ETIMEDOUT: transient, see errors.ts). A token request made on the way (a
 * refresh, the STS exchange) names its own URL and deadline, and keeps its
 * config, so the error still reads as a credentials failure.
 */
function timedOut(error, url, ms) {
    const config = error?.config;
    const failed = (config?.url === undefined ? undefined : urlOf({ url: config.url })) ?? url;
    const deadline = typeof config?.timeout === 'number' ? config.timeout : ms;
    const message = `no answer from ${failed ? failed.origin : 'the endpoint'} within ${(0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .formatMs */ ._V)(deadline)} (request deadline)`;
    return Object.assign(error instanceof Error ? error : new Error(String(error)), { message, code: 'ETIMEDOUT', timeoutMs: deadline });
}
/**
 * google-auth-library 10 gives the STS token exchange of external_account
 * credentials a Gaxios of its own (baseexternalclient.js: `new StsCredentials(
 * { tokenExchangeEndpoint, clientAuthentication })`, no transporter), so the
 * client's transporterOptions miss it: its defaults get the same deadline.
 */
function deadlineOnTokenExchange(client, ms) {
    const sts = client.stsCredential;
    if (sts?.transporter?.defaults)
        sts.transporter.defaults.timeout ??= ms;
}
/** One set of clients sharing one auth client; the optional ones are made on first use. */
class GcpClients {
    images;
    options;
    operationsClient;
    disksClient;
    templatesClient;
    timeouts;
    /** Where the compute calls go, for messages. */
    url;
    constructor(settings) {
        const options = { fallback: true };
        if (settings.endpoint)
            Object.assign(options, settings.endpoint);
        const { protocol = 'https', apiEndpoint = 'compute.googleapis.com', port = 443 } = settings.endpoint ?? {};
        this.url = `${protocol}://${apiEndpoint.includes(':') ? `[${apiEndpoint}]` : apiEndpoint}:${port}`;
        const deadlines = (this.timeouts = (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .timeouts */ .Fw)(settings.timeouts));
        // Token requests (impersonation, refresh) go through the auth client's own transport: the same deadline.
        const transporterOptions = { timeout: deadlines.requestMs };
        if (settings.accessToken) {
            settings.mask?.(settings.accessToken);
            const auth = new google_auth_library__WEBPACK_IMPORTED_MODULE_0__.OAuth2Client({ transporterOptions });
            auth.setCredentials({ access_token: settings.accessToken });
            options.authClient = withDeadlines(auth, deadlines);
        }
        else {
            // One ADC instance for every client: one token exchange, not one per client. Without
            // projectId, external_account credentials ask Cloud Resource Manager for the project
            // behind the pool's project number (an extra call, and a permission the run may lack).
            const auth = new google_auth_library__WEBPACK_IMPORTED_MODULE_0__.GoogleAuth({ scopes: _sdk_js__WEBPACK_IMPORTED_MODULE_2__/* .ImagesClient */ .Ax.scopes, projectId: settings.project, clientOptions: { transporterOptions } });
            options.auth = withDeadlines(auth, deadlines);
        }
        this.options = options;
        this.images = new _sdk_js__WEBPACK_IMPORTED_MODULE_2__/* .ImagesClient */ .Ax({ ...options }, _sdk_js__WEBPACK_IMPORTED_MODULE_2__/* .computeGax */ .Cf);
    }
    /**
     * Finds the application default credentials before any API call: without
     * them, the SDK's clients would each fail on their own, some of them
     * outside any caller's reach.
     */
    async checkCredentials(cloud) {
        const auth = this.options.auth;
        if (!(auth instanceof google_auth_library__WEBPACK_IMPORTED_MODULE_0__.GoogleAuth))
            return;
        try {
            deadlineOnTokenExchange(await auth.getClient(), this.timeouts.requestMs);
        }
        catch (error) {
            throw new Error(`cloud "${cloud}" (gcp): no Google credentials found (${error.message.split('.')[0]}): ` +
                'run google-github-actions/auth before this step (workload identity federation), or pass the gcp-access-token input; ' +
                'outside GitHub, set GOOGLE_APPLICATION_CREDENTIALS', { cause: error });
        }
    }
    get operations() {
        return (this.operationsClient ??= new _sdk_js__WEBPACK_IMPORTED_MODULE_2__/* .GlobalOperationsClient */ .V1({ ...this.options }, _sdk_js__WEBPACK_IMPORTED_MODULE_2__/* .computeGax */ .Cf));
    }
    get disks() {
        return (this.disksClient ??= new _sdk_js__WEBPACK_IMPORTED_MODULE_2__/* .DisksClient */ .go({ ...this.options }, _sdk_js__WEBPACK_IMPORTED_MODULE_2__/* .computeGax */ .Cf));
    }
    get templates() {
        return (this.templatesClient ??= new _sdk_js__WEBPACK_IMPORTED_MODULE_2__/* .InstanceTemplatesClient */ .CL({ ...this.options }, _sdk_js__WEBPACK_IMPORTED_MODULE_2__/* .computeGax */ .Cf));
    }
    async close() {
        await Promise.all([this.images.close(), this.operationsClient?.close(), this.disksClient?.close(), this.templatesClient?.close()]);
    }
}


/***/ }),

/***/ 6860:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I5: () => (/* binding */ describeGcpError),
/* harmony export */   X7: () => (/* binding */ retryableGcp),
/* harmony export */   cF: () => (/* binding */ parseGcpError),
/* harmony export */   mE: () => (/* binding */ operationError),
/* harmony export */   zU: () => (/* binding */ failureKind)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(61787);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(77252);
/**
 * Reads GCP failures in both shapes the SDK's REST mode produces, decides
 * which are worth another try (the providers' shared kinds and retry
 * policy), and turns the rest into ProviderErrors that say what to do.
 *
 * Measured with @google-cloud/compute 6.15 (google-gax 5, google-auth-library
 * 10) in fallback mode: an HTTP error reaches us as a GaxiosError whose `code`
 * and `status` are the HTTP status and whose message is the JSON body
 * (`{"error":{"code":403,"status":"PERMISSION_DENIED","errors":[{"reason":..}]}}`);
 * a dropped connection is a GaxiosError with a string code (`ECONNRESET`).
 * gax's own retry compares `code` with gRPC codes (UNAVAILABLE = 14) and
 * cannot look at the reason, so it never fires on these; see index.ts.
 */


/** gRPC code numbers (google.rpc.Code), for GoogleError-shaped failures. */
const GRPC = [
    'OK',
    'CANCELLED',
    'UNKNOWN',
    'INVALID_ARGUMENT',
    'DEADLINE_EXCEEDED',
    'NOT_FOUND',
    'ALREADY_EXISTS',
    'PERMISSION_DENIED',
    'RESOURCE_EXHAUSTED',
    'FAILED_PRECONDITION',
    'ABORTED',
    'OUT_OF_RANGE',
    'UNIMPLEMENTED',
    'INTERNAL',
    'UNAVAILABLE',
    'DATA_LOSS',
    'UNAUTHENTICATED',
];
const HTTP_STATUS = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    409: 'ABORTED',
    412: 'FAILED_PRECONDITION',
    429: 'RESOURCE_EXHAUSTED',
    500: 'INTERNAL',
    503: 'UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED',
};
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED']);
const QUOTA_REASONS = new Set(['quotaExceeded', 'QUOTA_EXCEEDED', 'dailyLimitExceeded']);
function parseGcpError(error) {
    const e = (error ?? {});
    const message = typeof e.message === 'string' ? e.message : String(error);
    const failure = { message };
    const http = typeof e.status === 'number' ? e.status : e.response?.status;
    if (typeof http === 'number')
        failure.http = http;
    const url = e.config?.url;
    if (url)
        failure.url = String(url);
    const body = parseBody(message) ?? (typeof e.error === 'object' ? e.error?.error : undefined);
    if (body) {
        if (typeof body.message === 'string')
            failure.message = body.message;
        if (typeof body.status === 'string')
            failure.status = body.status;
        if (failure.http === undefined && typeof body.code === 'number')
            failure.http = body.code;
        const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
        if (typeof first?.reason === 'string')
            failure.reason = first.reason;
    }
    if (typeof e.code === 'number' && failure.http === undefined && e.code < GRPC.length)
        failure.status ??= GRPC[e.code];
    if (typeof e.reason === 'string')
        failure.reason ??= e.reason;
    const net = [e.code, e.error?.code, e.cause?.code].find((c) => typeof c === 'string' && NETWORK.has(c));
    if (net)
        failure.network = net;
    // A deadline cut the request (client.ts withDeadlines; nothing else aborts a call): a timeout.
    else if ([e.name, e.cause?.name].some((n) => n === 'AbortError' || n === 'TimeoutError'))
        failure.network = 'ETIMEDOUT';
    if (failure.http !== undefined)
        failure.status ??= HTTP_STATUS[failure.http];
    const retryAfter = header(e, 'retry-after');
    if (retryAfter !== undefined) {
        const seconds = Number(retryAfter);
        const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
        if (Number.isFinite(ms))
            failure.retryAfterMs = Math.min(Math.max(ms, 0), 60_000);
    }
    return failure;
}
function parseBody(message) {
    const start = message.indexOf('{');
    if (start < 0)
        return undefined;
    try {
        const json = JSON.parse(message.slice(start));
        return typeof json.error === 'object' ? json.error : undefined;
    }
    catch {
        return undefined;
    }
}
function header(e, name) {
    const headers = e.response?.headers;
    if (!headers)
        return undefined;
    const value = typeof headers.get === 'function' ? headers.get(name) : headers[name];
    return typeof value === 'string' ? value : undefined;
}
function failureKind(f) {
    // 429 is throttling whatever the reason says (per-minute request quotas refill); a 403 quota is not.
    if (f.http === 429)
        return 'throttled';
    if (f.reason && QUOTA_REASONS.has(f.reason))
        return 'quota';
    if (f.reason && RATE_REASONS.has(f.reason))
        return 'throttled';
    if (f.status === 'RESOURCE_EXHAUSTED' && f.http === undefined)
        return 'throttled';
    if (f.http === 401 || f.http === 403 || f.status === 'PERMISSION_DENIED' || f.status === 'UNAUTHENTICATED') {
        return 'permission';
    }
    if (f.network || (f.http !== undefined && [500, 502, 503, 504].includes(f.http)))
        return 'transient';
    if (f.status === 'UNAVAILABLE' || f.status === 'DEADLINE_EXCEEDED')
        return 'transient';
    if (f.http === 412 || f.http === 409 || f.reason === 'conditionNotMet')
        return 'conflict';
    if (f.http === 404 || f.status === 'NOT_FOUND')
        return 'not-found';
    return 'other';
}
/** For withRetry: throttling and transient failures, with Retry-After as the delay when given. */
function retryableGcp(error) {
    const f = parseGcpError(error);
    if (!(0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .retryable */ .PB)(failureKind(f)))
        return false;
    return f.retryAfterMs ?? true;
}
/** The permission each method needs, and a predefined role that holds it. */
const NEEDS = {
    'images.list': ['compute.images.list', 'roles/compute.storageAdmin'],
    'images.get': ['compute.images.get', 'roles/compute.storageAdmin'],
    'images.setLabels': ['compute.images.setLabels', 'roles/compute.storageAdmin'],
    'images.deprecate': ['compute.images.deprecate', 'roles/compute.storageAdmin'],
    'images.delete': ['compute.images.delete', 'roles/compute.storageAdmin'],
    'images.getIamPolicy': ['compute.images.getIamPolicy', 'roles/compute.storageAdmin'],
    'images.setIamPolicy': ['compute.images.setIamPolicy', 'roles/compute.storageAdmin'],
    'globalOperations.wait': ['compute.globalOperations.get', 'roles/compute.viewer'],
    'disks.aggregatedList': ['compute.disks.list', 'roles/compute.viewer'],
    'instanceTemplates.aggregatedList': ['compute.instanceTemplates.list', 'roles/compute.viewer'],
    'zones.list': ['compute.zones.list', 'roles/compute.instanceAdmin.v1'],
};
/** The error naming the cloud, project, method, region, the cloud's code and what to do. */
function describeGcpError(error, ctx) {
    const f = parseGcpError(error);
    const kind = failureKind(f);
    const code = [f.status ?? f.network ?? 'UNKNOWN', f.http ? `HTTP ${f.http}` : '', f.reason ?? ''].filter(Boolean).join(', ');
    const where = `cloud "${ctx.cloud}" (gcp project ${ctx.project}, region ${ctx.region})`;
    let advice = '';
    if (f.url && !/\/compute\/v1\//.test(f.url)) {
        const host = /^\w+:\/\/([^/]+)/.exec(f.url)?.[1] ?? f.url;
        advice =
            ` Getting credentials failed (${host}): check the workload identity federation setup` +
                ' (google-github-actions/auth, GOOGLE_APPLICATION_CREDENTIALS) or the gcp-access-token input.';
    }
    else if (kind === 'permission') {
        const [permission, role] = NEEDS[ctx.operation] ?? ['the needed compute permission', 'roles/compute.storageAdmin'];
        advice =
            f.http === 401 || f.status === 'UNAUTHENTICATED'
                ? ' The credential is expired or not valid (401 UNAUTHENTICATED is what an expired access token gets): a gcp-access-token ' +
                    'is never renewed and lasts access_token_lifetime of google-github-actions/auth (1 hour by default); leave gcp-access-token ' +
                    'unset so the credentials file of google-github-actions/auth is used (it renews tokens), or raise access_token_lifetime, then run again.'
                : ` Grant the workflow's identity ${role} (it holds ${permission}) on project ${ctx.project}. Not retried.`;
    }
    else if (kind === 'quota') {
        advice = ` A quota of project ${ctx.project} is exhausted: raise it (IAM & Admin > Quotas) or remove unused images. Not retried.`;
    }
    else if (f.network === 'ETIMEDOUT') {
        const deadlines = ctx.timeouts
            ? ` (${(0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .formatMs */ ._V)(ctx.timeouts.requestMs)}, ${(0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .formatMs */ ._V)(ctx.timeouts.longPollMs)} for globalOperations.wait)`
            : '';
        advice =
            ` ${ctx.endpoint ?? 'Compute Engine'} did not answer within the deadline${deadlines}, retries included: check the network path ` +
                `to it (proxy, firewall) and IMAGE_BUILDER_GCP_ENDPOINT if set, then run again.`;
    }
    else if (kind === 'throttled' || kind === 'transient') {
        advice = ' Gave up after retries; try again later.';
    }
    const out = new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ProviderError */ .mZ(`${where}: ${ctx.operation} failed with ${code}: ${f.message}.${advice}`, { cloud: ctx.cloud, operation: ctx.operation, region: ctx.region, kind, code, statusCode: f.http }, error);
    return Object.assign(out, { gcp: f });
}
/** A failed long-running operation as an Error (the operation's own error codes). */
function operationError(op, ctx) {
    const errors = op.error?.errors ?? [];
    const codes = errors.map((e) => e.code ?? 'UNKNOWN');
    const text = errors.map((e) => `${e.code ?? 'UNKNOWN'}: ${e.message ?? ''}`).join('; ') || 'no details';
    const quota = codes.some((c) => c.includes('QUOTA'));
    const advice = quota ? ` Raise the quota of project ${ctx.project} or free resources.` : '';
    return new Error(`cloud "${ctx.cloud}" (gcp project ${ctx.project}, region ${ctx.region}): ${ctx.operation} operation ${op.name ?? ''} ` +
        `failed${op.httpErrorStatusCode ? ` (HTTP ${op.httpErrorStatusCode})` : ''}: ${text}.${advice}`);
}


/***/ }),

/***/ 95384:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  C: () => (/* binding */ GcpProvider),
  createGcpProvider: () => (/* binding */ createGcpProvider)
});

// EXTERNAL MODULE: ./src/util/retry.ts
var retry = __webpack_require__(4266);
// EXTERNAL MODULE: ./src/providers/gcp/client.ts
var client = __webpack_require__(57208);
// EXTERNAL MODULE: ./src/providers/retry.ts
var providers_retry = __webpack_require__(77252);
// EXTERNAL MODULE: ./src/providers/gcp/errors.ts
var errors = __webpack_require__(6860);
;// CONCATENATED MODULE: ./src/providers/gcp/calls.ts
/**
 * How the GCP provider calls the API: one call with the providers' retry
 * policy (failures become ProviderErrors that say what to do), and the wait
 * for a global operation. index.ts calls both through thin methods.
 */



/** One API call with retries; failures become plain Errors that say what to do. */
async function gcpCall(site, operation, region, fn) {
    const { attempts, baseMs, maxMs } = site.retry ?? {};
    const policy = {
        attempts: attempts ?? providers_retry/* RETRY_POLICY */.yE.attempts,
        throttledBaseMs: baseMs ?? providers_retry/* RETRY_POLICY */.yE.throttledBaseMs,
        transientBaseMs: baseMs ?? providers_retry/* RETRY_POLICY */.yE.transientBaseMs,
        maxDelayMs: maxMs ?? providers_retry/* RETRY_POLICY */.yE.maxDelayMs,
    };
    try {
        return await (0,retry/* withRetry */.b)(fn, {
            attempts: policy.attempts,
            retryable: errors/* retryableGcp */.X7,
            delay: (error, attempt) => {
                const f = (0,errors/* parseGcpError */.cF)(error);
                return (0,providers_retry/* retryDelay */.a2)(attempt, (0,errors/* failureKind */.zU)(f), f.retryAfterMs, policy);
            },
            sleep: site.sleep,
            onRetry: (error, attempt, delay) => {
                const f = (0,errors/* parseGcpError */.cF)(error);
                site.log?.(`gcp ${site.cloud}: ${operation} ${f.status ?? f.network ?? f.http ?? 'failed'}` +
                    ` (attempt ${attempt}), retrying in ${delay} ms`);
            },
        });
    }
    catch (error) {
        const { cloud, project, endpoint, timeouts } = site;
        throw (0,errors/* describeGcpError */.I5)(error, { cloud, project, operation, region, endpoint, timeouts });
    }
}
/**
 * Waits for a global operation (globalOperations.wait until DONE) and throws
 * its errors. The time waited is the clock's, or the sum of the pauses when
 * that is larger (a sleep that does not really wait still ends the wait).
 */
async function waitOperation(site, clients, wait, op, operation, region) {
    const now = wait.now ?? Date.now;
    const started = now();
    let paused = 0;
    let current = op;
    while (current.status !== 'DONE') {
        if (!current.name)
            throw new Error(`cloud "${site.cloud}": ${operation} returned no operation name`);
        if (Math.max(now() - started, paused) > wait.timeoutMs) {
            throw new Error(`cloud "${site.cloud}" (gcp project ${site.project}): ${operation} operation ` +
                `${current.name} is still ${current.status ?? 'running'}; gave up waiting. Check it in the console.`);
        }
        const name = current.name;
        [current] = await gcpCall(site, 'globalOperations.wait', region, () => clients.operations.wait({ project: site.project, operation: name }, { retry: null }));
        if (current.status !== 'DONE') {
            await site.sleep(wait.pollMs);
            paused += wait.pollMs;
        }
    }
    if (current.error?.errors?.length) {
        throw (0,errors/* operationError */.mE)(current, { cloud: site.cloud, project: site.project, operation, region });
    }
}

// EXTERNAL MODULE: ./src/providers/errors.ts
var providers_errors = __webpack_require__(61787);
// EXTERNAL MODULE: ./src/providers/gcp/labels.ts
var gcp_labels = __webpack_require__(55928);
;// CONCATENATED MODULE: ./src/providers/gcp/family.ts
/**
 * The GCP image family of an image line (recipe, os), e.g. `ib-base-debian12`.
 * Builds do not set it: an image joins its family only when lifecycle
 * promotes it (images.patch with `family`), because a family resolves to its
 * newest non-deprecated image, and a candidate, or one that failed
 * verification, must never be what `family/ib-...` serves.
 * Family names follow image-name rules: [a-z]([-a-z0-9]{0,61}[a-z0-9])?
 * (Compute API reference, images resource, `family`).
 */
function gcpImageFamily(recipe, os) {
    const head = ['ib', recipe, os]
        .map((w) => w
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^-+|-+$/g, ''))
        .filter((w) => w.length > 0)
        .join('-');
    return head.slice(0, 63).replace(/-+$/, '');
}

// EXTERNAL MODULE: ./src/images/index.ts + 2 modules
var src_images = __webpack_require__(93041);
;// CONCATENATED MODULE: ./src/providers/gcp/records.ts


/** The list filter (AIP-160 form) that finds this tool's images. */
const MANAGED_FILTER = `labels.${src_images/* TAGS */.gp.managedBy} = "true"`;
/** The role that lets a principal create disks and instances from an image. */
const IMAGE_USER_ROLE = 'roles/compute.imageUser';
/** The principal GCP accepts for "public" images (allUsers is not allowed on images). */
const PUBLIC_PRINCIPAL = 'allAuthenticatedUsers';
/** The form of selfLink GCP gives images (used for deprecate's replacement). */
function imageUrl(project, name) {
    return `https://www.googleapis.com/compute/v1/projects/${project}/global/images/${name}`;
}
/**
 * status PENDING -> pending, READY -> available, FAILED -> failed; a READY
 * image whose deprecated.state is DEPRECATED, OBSOLETE or DELETED ->
 * deprecated. DELETING images are on their way out: undefined, left out of
 * the inventory (so the planner does not count them as present).
 */
function imageState(image) {
    switch (image.status) {
        case 'DELETING':
            return undefined;
        case 'FAILED':
            return 'failed';
        case 'READY': {
            const deprecation = image.deprecated?.state;
            const retired = deprecation === 'DEPRECATED' || deprecation === 'OBSOLETE' || deprecation === 'DELETED';
            return retired ? 'deprecated' : 'available';
        }
        default:
            return 'pending';
    }
}
/** An ImageRecord for `region` (GCP images are global: every region sees the same image). */
function toRecord(image, region, cloudName) {
    const state = imageState(image);
    if (!state || !image.name)
        return undefined;
    const labels = { ...(image.labels ?? {}) };
    const created = image.creationTimestamp ? new Date(image.creationTimestamp) : undefined;
    const record = (0,src_images/* fromTags */.y8)(labels, {
        id: image.name,
        name: image.name,
        region,
        state,
        createdAt: created && !Number.isNaN(created.getTime()) ? created.toISOString() : '',
    });
    // The cloud label holds the sanitized cloud name; give the planner the name it knows.
    if (record.cloud === (0,gcp_labels/* labelValue */.w)(cloudName))
        record.cloud = cloudName;
    return record;
}
/**
 * An IAM member for an account as given: `user:`, `serviceAccount:`, `group:`,
 * `domain:` (or any `kind:`) pass unchanged; a bare e-mail becomes
 * `serviceAccount:` (*.gserviceaccount.com) or `user:`.
 */
function principal(account) {
    const value = account.trim();
    if (value === PUBLIC_PRINCIPAL || value.includes(':'))
        return value;
    if (value.includes('@'))
        return `${value.endsWith('.gserviceaccount.com') ? 'serviceAccount' : 'user'}:${value}`;
    throw new Error(`GCP share: "${account}" is not an IAM principal; write it as user:, serviceAccount:, group: or domain:`);
}

;// CONCATENATED MODULE: ./src/providers/gcp/usage.ts
/**
 * `projects/<p>/global/images/<name>` from any form of image URL (full,
 * `projects/...`, or `global/images/<name>` relative to `project`), or
 * undefined (family references such as `global/images/family/<f>` included).
 */
function imagePath(url, project) {
    const match = /(?:^|\/)(?:projects\/([^/]+)\/)?global\/images\/([^/?]+)$/.exec(url ?? '');
    return match ? `projects/${match[1] ?? project}/global/images/${match[2]}` : undefined;
}
/** `zones/<z>/instances/<i>` (or the like) from a resource URL. */
function shortRef(url) {
    return /\/projects\/[^/]+\/(.+)$/.exec(url)?.[1] ?? url;
}
async function findUsage(clients, call, project, image, pageSize) {
    const target = `projects/${project}/global/images/${image}`;
    const [disks, templates] = await Promise.all([
        call('disks.aggregatedList', async () => {
            const refs = [];
            const pages = clients.disks.aggregatedListAsync({ project, maxResults: pageSize }, { retry: null, autoPaginate: false });
            for await (const [, scoped] of pages) {
                for (const disk of scoped.disks ?? []) {
                    if (imagePath(disk.sourceImage, project) !== target)
                        continue;
                    const users = disk.users ?? [];
                    if (users.length > 0)
                        refs.push(...users.map(shortRef));
                    else
                        refs.push(disk.selfLink ? shortRef(disk.selfLink) : `disks/${disk.name}`);
                }
            }
            return refs;
        }),
        call('instanceTemplates.aggregatedList', async () => {
            const refs = [];
            const pages = clients.templates.aggregatedListAsync({ project, maxResults: pageSize }, { retry: null, autoPaginate: false });
            for await (const [scope, scoped] of pages) {
                for (const template of scoped.instanceTemplates ?? []) {
                    const uses = (template.properties?.disks ?? []).some((d) => imagePath(d.initializeParams?.sourceImage, project) === target);
                    if (!uses)
                        continue;
                    refs.push(template.selfLink ? shortRef(template.selfLink) : `${scope}/instanceTemplates/${template.name}`);
                }
            }
            return refs;
        }),
    ]);
    return [...new Set([...disks, ...templates])].sort();
}

// EXTERNAL MODULE: ./src/providers/source-errors.ts
var source_errors = __webpack_require__(71881);
;// CONCATENATED MODULE: ./src/providers/gcp/resolve.ts


const IMAGE_PATH = /^(?:.*\/)?projects\/([^/]+)\/global\/images\/([^/]+)$/;
async function resolveGcpSource(call, clients, region, cloudProject, source) {
    const named = source.image ? IMAGE_PATH.exec(source.image) : null;
    const project = named?.[1] ?? source.project ?? cloudProject;
    const image = named?.[2] ?? source.image;
    const operation = image ? 'images.get' : 'images.getFromFamily';
    const site = {
        cloud: call.cloud,
        provider: 'gcp',
        region,
        source: (0,source_errors/* describeFields */.VO)({ project, family: source.family, image }),
        check: image
            ? `the image name and its project (${project}): the image may have been deleted`
            : `the project and the family (public images live in their own project, e.g. project: debian-cloud, family: debian-12)`,
        permission: `${image ? 'compute.images.get' : 'compute.images.getFromFamily'} on project ${project} (roles/compute.imageUser) to the workflow's identity`,
    };
    let found;
    try {
        [found] = await gcpCall(call, operation, region, () => image
            ? clients.images.get({ project, image }, { retry: null })
            : clients.images.getFromFamily({ project, family: source.family }, { retry: null }));
    }
    catch (error) {
        throw (0,source_errors/* sourceError */.I8)(site, error);
    }
    if (!found?.name)
        throw (0,source_errors/* sourceNotFound */.Rf)(site, operation, 'Compute Engine answered without an image');
    if (found.status && found.status !== 'READY')
        throw (0,source_errors/* sourceNotFound */.Rf)(site, operation, `the image ${found.name} is ${found.status}, not READY`);
    const created = found.creationTimestamp ? new Date(found.creationTimestamp) : undefined;
    return {
        id: `projects/${project}/global/images/${found.name}`,
        name: found.name,
        ...(created && !Number.isNaN(created.getTime()) ? { created: created.toISOString() } : {}),
        pinned: image !== undefined,
    };
}

;// CONCATENATED MODULE: ./src/providers/gcp/index.ts









async function createGcpProvider(cloud, context, options = {}) {
    if (!cloud.project)
        throw new Error(`cloud "${cloud.name}": a gcp cloud needs "project" (the GCP project id)`);
    const env = context.env ?? process.env;
    const clients = new client/* GcpClients */.nG({
        project: cloud.project,
        endpoint: (0,client/* parseEndpoint */.Bk)(env[client/* ENDPOINT_ENV */.iG]),
        accessToken: context.gcpAccessToken || undefined,
        mask: options.mask ?? context.mask,
        timeouts: options.timeouts,
    });
    await clients.checkCredentials(cloud.name);
    return new GcpProvider(cloud, cloud.project, clients, context, options);
}
const kindOf = providers_errors/* errorKind */.f8;
/** The Operation inside the SDK's LROperation wrapper (compute methods return it as `latestResponse`). */
const latest = (op) => op.latestResponse ?? {};
class GcpProvider {
    cloud;
    project;
    clients;
    context;
    options;
    provider = 'gcp';
    scope = 'global';
    listing;
    sleep;
    pageSize;
    site;
    constructor(cloud, project, clients, context, options = {}) {
        this.cloud = cloud;
        this.project = project;
        this.clients = clients;
        this.context = context;
        this.options = options;
        this.sleep = context.sleep ?? retry/* realSleep */.u;
        this.pageSize = Math.min(Math.max(options.pageSize ?? 500, 1), 500);
        const { url: endpoint, timeouts } = clients;
        this.site = { cloud: cloud.name, project, endpoint, timeouts, retry: options.retry, sleep: this.sleep, log: context.log };
    }
    /** One images.list chain per provider (shared by concurrent callers); records carry the asked region. */
    async inventory(region) {
        this.listing ??= this.listAll(region).catch((error) => {
            this.listing = undefined;
            throw error;
        });
        const images = await this.listing;
        return images
            .map((image) => toRecord(image, region, this.cloud.name))
            .filter((r) => r !== undefined)
            .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    }
    /** The image the source names today: the family's newest, or the pinned image (resolve.ts). */
    resolveSource(region, source) {
        return resolveGcpSource(this.site, this.clients, region, this.project, source);
    }
    /** Images are global: the same image serves `region`; nothing is called. */
    async copy(image, region, _options) {
        return { ...image, region };
    }
    /** Adds or replaces labels (sanitized, see labels.ts); GCP images have no snapshots. */
    async tag(image, tags) {
        const { id, region } = image;
        await this.conditional(async () => {
            const [current] = await this.call('images.get', region, () => this.clients.images.get({ project: this.project, image: id }, { retry: null }));
            const before = current.labels ?? {};
            const labels = (0,gcp_labels/* mergeLabels */.Mr)(before, tags, `cloud "${this.cloud.name}" image ${id}`);
            if (sameLabels(before, labels))
                return;
            const [op] = await this.call('images.setLabels', region, () => this.clients.images.setLabels({
                project: this.project,
                resource: id,
                globalSetLabelsRequestResource: { labels, labelFingerprint: current.labelFingerprint },
            }, { retry: null }));
            await this.waitOperation(latest(op), 'images.setLabels', region);
        });
        this.listing = undefined;
    }
    /** Grants roles/compute.imageUser to the accounts (IAM principals), and to allAuthenticatedUsers when public. */
    async share(image, options) {
        const members = [...new Set([...options.accounts.map(principal), ...(options.public ? [PUBLIC_PRINCIPAL] : [])])];
        if (members.length === 0)
            return;
        const { id, region } = image;
        await this.conditional(async () => {
            const [policy] = await this.call('images.getIamPolicy', region, () => this.clients.images.getIamPolicy({ project: this.project, resource: id, optionsRequestedPolicyVersion: 3 }, { retry: null }));
            const bindings = (policy.bindings ?? []).map((b) => ({ ...b, members: [...(b.members ?? [])] }));
            let binding = bindings.find((b) => b.role === IMAGE_USER_ROLE && !b.condition);
            if (!binding)
                bindings.push((binding = { role: IMAGE_USER_ROLE, members: [] }));
            const missing = members.filter((m) => !binding.members.includes(m));
            if (missing.length === 0)
                return;
            binding.members.push(...missing);
            await this.call('images.setIamPolicy', region, () => this.clients.images.setIamPolicy({
                project: this.project,
                resource: id,
                globalSetPolicyRequestResource: { policy: { ...policy, bindings } },
            }, { retry: null }));
        });
    }
    /**
     * Sets deprecated.state DEPRECATED now, naming the replacement's URL; `at`
     * goes to deprecated.deprecated, which GCP keeps as information only.
     */
    async deprecate(image, options = {}) {
        const status = { state: 'DEPRECATED' };
        if (options.replacement)
            status.replacement = imageUrl(this.project, options.replacement.id);
        if (options.at)
            status.deprecated = options.at.toISOString();
        const [op] = await this.call('images.deprecate', image.region, () => this.clients.images.deprecate({ project: this.project, image: image.id, deprecationStatusResource: status }, { retry: null }));
        await this.waitOperation(latest(op), 'images.deprecate', image.region);
        this.listing = undefined;
    }
    /**
     * Puts the gold image into its line's family (family.ts), so `family/ib-...`
     * resolves to it from now on: a family serves its newest non-deprecated image
     * (Compute API reference, images.getFromFamily), and builds leave candidates
     * out of it. images.patch may change only family, description and deprecation
     * status (Compute API reference, images.patch); an image already in the family is left alone.
     */
    async promote(image) {
        const family = gcpImageFamily(image.image, image.os);
        const { id, region } = image;
        const [current] = await this.call('images.get', region, () => this.clients.images.get({ project: this.project, image: id }, { retry: null }));
        if (current.family === family)
            return;
        const [op] = await this.call('images.patch', region, () => this.clients.images.patch({ project: this.project, image: id, imageResource: { family } }, { retry: null }));
        await this.waitOperation(latest(op), 'images.patch', region);
        this.listing = undefined;
    }
    /** Deletes the image and waits for the global operation; an image already gone is done. */
    async remove(image) {
        this.listing = undefined;
        let op;
        try {
            const [started] = await this.call('images.delete', image.region, () => this.clients.images.delete({ project: this.project, image: image.id }, { retry: null }));
            op = latest(started);
        }
        catch (error) {
            if (kindOf(error) === 'not-found')
                return;
            throw error;
        }
        await this.waitOperation(op, 'images.delete', image.region);
    }
    async inUse(image) {
        const references = await findUsage(this.clients, (operation, fn) => this.call(operation, image.region, fn), this.project, image.id, this.pageSize);
        return { inUse: references.length > 0, references };
    }
    async listAll(region) {
        const images = [];
        const seen = new Set();
        let pageToken;
        do {
            const token = pageToken;
            const [items, next] = await this.call('images.list', region, () => this.clients.images.list({
                project: this.project,
                filter: MANAGED_FILTER,
                maxResults: this.pageSize,
                pageToken: token,
            }, { autoPaginate: false, retry: null }));
            images.push(...items);
            pageToken = next?.pageToken || undefined;
            if (pageToken && seen.has(pageToken)) {
                throw new Error(`cloud "${this.cloud.name}": images.list returned page token ${pageToken} twice`);
            }
            if (pageToken)
                seen.add(pageToken);
        } while (pageToken);
        return images;
    }
    waitOperation(op, operation, region) {
        const wait = { pollMs: this.options.pollIntervalMs ?? 2000, timeoutMs: this.options.operationTimeoutMs ?? 20 * 60_000 };
        return waitOperation(this.site, this.clients, wait, op, operation, region);
    }
    /** Runs a read-modify-write round again when GCP reports a fingerprint or etag conflict. */
    async conditional(round) {
        const attempts = this.options.conflictAttempts ?? 5;
        for (let attempt = 1;; attempt++) {
            try {
                return await round();
            }
            catch (error) {
                if (kindOf(error) !== 'conflict' || attempt >= attempts)
                    throw error;
                this.context.log?.(`gcp ${this.cloud.name}: concurrent change, reading again (round ${attempt + 1})`);
            }
        }
    }
    /** One API call with retries; failures become plain Errors that say what to do (calls.ts). */
    call(operation, region, fn) {
        return gcpCall(this.site, operation, region, fn);
    }
}
function sameLabels(a, b) {
    const keys = Object.keys(b);
    return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}


/***/ }),

/***/ 80274:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  go: () => (/* reexport */ disks_client/* DisksClient */.g),
  V1: () => (/* reexport */ global_operations_client/* GlobalOperationsClient */.V),
  Ax: () => (/* reexport */ images_client/* ImagesClient */.A),
  CL: () => (/* reexport */ instance_templates_client/* InstanceTemplatesClient */.C),
  Z9: () => (/* reexport */ zones_client/* ZonesClient */.Z),
  Cf: () => (/* binding */ computeGax)
});

// UNUSED EXPORTS: SERVICES

// EXTERNAL MODULE: ./node_modules/google-gax/build/src/fallback.js
var fallback = __webpack_require__(9592);
;// CONCATENATED MODULE: ./src/providers/gcp/protos.ts
/**
 * Cuts the Compute Engine proto descriptors down to the services the
 * product calls. Every @google-cloud/compute client hands the package's whole
 * descriptor set (build/protos/protos.json: compute v1, v1beta and v1small,
 * 11.7 MB, some 4,500 definitions) to google-gax, which turns all of it into
 * protobufjs reflection objects (`Root.fromJSON`) before the first call:
 * seconds of CPU on a 2-core runner, for the 5 services used here.
 *
 * What is kept: the named services of `pkg` and every message and enum they
 * reach through method request and response types, field types (map keys
 * included) and extended messages, each top-level definition whole (its
 * nested types too). Beside `pkg` in its parent (the other API versions),
 * only what is reached stays; everything further out (google.api,
 * google.protobuf, the google.cloud operation extensions) stays whole, and
 * what it names too. Names resolve as protobufjs resolves them
 * (Namespace#lookup): a relative name from the innermost enclosing scope
 * outwards, a leading dot from the root.
 */
const SCALARS = new Set('double float int32 int64 uint32 uint64 sint32 sint64 fixed32 fixed64 sfixed32 sfixed64 bool string bytes'.split(' '));
function at(json, path) {
    let node = json;
    for (const name of path)
        node = node?.nested?.[name];
    return node;
}
const isType = (node) => node?.fields !== undefined || node?.values !== undefined;
/**
 * The descriptors with only `services` of package `pkg` (e.g.
 * ['google', 'cloud', 'compute', 'v1']) and what they reach; undefined when
 * the package or one of the services is not there, or a name does not
 * resolve (the caller then uses the whole set).
 */
function pruneProtos(json, pkg, services) {
    const parent = pkg.slice(0, -1);
    const name = pkg[pkg.length - 1];
    const beside = at(json, parent)?.nested ?? {};
    const top = at(json, pkg)?.nested;
    if (!top || !services.every((s) => top[s]?.methods))
        return undefined;
    const kept = new Set();
    const keptBeside = new Set();
    let complete = true;
    const keep = (n) => {
        if (kept.has(n))
            return;
        kept.add(n);
        walk(top[n], [...pkg, n]);
    };
    const keepBeside = (n) => {
        if (keptBeside.has(n))
            return;
        keptBeside.add(n);
        walk(beside[n], [...parent, n]);
    };
    const startsWith = (path, prefix) => prefix.every((p, i) => path[i] === p);
    /** Resolves `type` from the node at `scope` (a full path) and keeps what it names. */
    const ref = (scope, type) => {
        if (SCALARS.has(type))
            return;
        const parts = type.replace(/^\./, '').split('.');
        const scopes = type.startsWith('.') ? [[]] : scope.map((_, i) => scope.slice(0, scope.length - i)).concat([[]]);
        for (const s of scopes) {
            const full = [...s, ...parts];
            if (!isType(at(json, full)))
                continue;
            if (startsWith(full, pkg))
                keep(full[pkg.length]);
            else if (startsWith(full, parent) && full.length > parent.length)
                keepBeside(full[parent.length]);
            return;
        }
        complete = false; // a name the set itself does not resolve: leave the set whole
    };
    /** Follows the names in a node and all it nests; `skip` (the package's parent) is walked only through what is kept. */
    const walk = (node, path, skip) => {
        // Fields, and extension fields (declared in `nested` with the message they extend), name types.
        const own = typeof node.type === 'string' ? [{ field: node, scope: path.slice(0, -1) }] : [];
        for (const { field, scope } of [...Object.values(node.fields ?? {}).map((field) => ({ field, scope: path })), ...own]) {
            for (const type of [field.type, field.keyType, field.extend])
                if (type)
                    ref(scope, type);
        }
        // A method's types resolve from its service's scope.
        for (const method of Object.values(node.methods ?? {})) {
            ref(path, method.requestType);
            ref(path, method.responseType);
        }
        for (const [n, child] of Object.entries(node.nested ?? {})) {
            const childPath = [...path, n];
            if (!skip || childPath.length !== skip.length || !startsWith(childPath, skip))
                walk(child, childPath, skip);
        }
    };
    services.forEach(keep);
    // Definitions outside the package's parent stay whole: what they name stays too.
    if (parent.length > 0)
        walk(json, [], parent);
    if (!complete)
        return undefined;
    const pick = (from, names) => Object.fromEntries([...names].sort().map((n) => [n, from[n]]));
    const rebuild = (node, depth) => {
        if (depth === parent.length) {
            // Beside the package (compute v1), only what it names stays: its other versions (v1beta, v1small) go.
            return { ...node, nested: { ...pick(beside, keptBeside), [name]: { ...beside[name], nested: pick(top, kept) } } };
        }
        return { ...node, nested: { ...node.nested, [parent[depth]]: rebuild(node.nested[parent[depth]], depth + 1) } };
    };
    return rebuild(json, 0);
}

// EXTERNAL MODULE: ./node_modules/@google-cloud/compute/build/src/v1/disks_client.js
var disks_client = __webpack_require__(41601);
// EXTERNAL MODULE: ./node_modules/@google-cloud/compute/build/src/v1/global_operations_client.js
var global_operations_client = __webpack_require__(68773);
// EXTERNAL MODULE: ./node_modules/@google-cloud/compute/build/src/v1/images_client.js
var images_client = __webpack_require__(28225);
// EXTERNAL MODULE: ./node_modules/@google-cloud/compute/build/src/v1/instance_templates_client.js
var instance_templates_client = __webpack_require__(6094);
// EXTERNAL MODULE: ./node_modules/@google-cloud/compute/build/src/v1/zones_client.js
var zones_client = __webpack_require__(42818);
;// CONCATENATED MODULE: ./src/providers/gcp/sdk.ts
/**
 * The Compute Engine clients the product uses, and the google-gax instance
 * they are made with. Measured by bench/cold-start.js (BENCHMARKS.md, cold
 * start); what the two choices here save:
 *
 * - Each client comes from its own module (build/src/v1/<service>_client.js;
 *   the package has no "exports" map, so the path is public). The package's
 *   index loads all of its 260 clients (v1, v1beta, v1small) and
 *   `protos` (build/protos/protos.js, 29 MiB of generated code), none of
 *   which a plan or build needs.
 * - Their gax instance is gax's REST (fallback) module, as the clients'
 *   documentation suggests passing it, with a GrpcClient whose loadProtoJSON
 *   builds the descriptors of SERVICES only (protos.ts), once per process,
 *   instead of all of protos.json (and, for every client, hashing its
 *   11.7 MB text to look it up in gax's cache).
 */







/** The services of the clients above: a new client's service belongs here. */
const SERVICES = ['Disks', 'GlobalOperations', 'Images', 'InstanceTemplates', 'Zones'];
const PACKAGE = ['google', 'cloud', 'compute', 'v1'];
/**
 * gax's REST module as its own module.exports (its `fallback` export), the
 * same under any CommonJS interop: the bundle's default import of it would be
 * its (absent) `default`, a namespace import in Node lists only the names
 * cjs-module-lexer finds.
 */
const gaxFallback = fallback.fallback;
/** The pruned root per descriptor set (the clients all pass the same one). */
const roots = new WeakMap();
class ComputeGrpcClient extends gaxFallback.GrpcClient {
    loadProtoJSON(json, ignoreCache = false) {
        let root = roots.get(json);
        if (!root) {
            const pruned = pruneProtos(json, PACKAGE, SERVICES);
            if (!pruned)
                return super.loadProtoJSON(json, ignoreCache);
            root = gaxFallback.protobuf.Root.fromJSON(pruned);
            roots.set(json, root);
        }
        return root;
    }
}
/** The second argument of every client's constructor (`gaxInstance`); the clients read `.fallback` in REST mode. */
const computeGax = { fallback: { ...gaxFallback, GrpcClient: ComputeGrpcClient } };


/***/ }),

/***/ 82180:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   withBuildZone: () => (/* binding */ withBuildZone)
/* harmony export */ });
/* unused harmony export buildZone */
/* harmony import */ var _util_retry_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4266);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77252);
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57208);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6860);
/* harmony import */ var _index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(95384);
/* harmony import */ var _sdk_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(80274);






/** Per run: one zones.list per endpoint, project and region, shared by concurrent callers. */
const chosen = new Map();
/** Adds buildSettings (the build zone) to a GCP provider; other providers are returned as they are. */
function withBuildZone(provider, context) {
    if (!(provider instanceof _index_js__WEBPACK_IMPORTED_MODULE_3__/* .GcpProvider */ .C))
        return provider;
    const buildSettings = async (line) => ({
        zone: provider.cloud.zone ?? (await buildZone(provider, line.region, context)),
    });
    return Object.assign(provider, { buildSettings });
}
/** An UP zone of `region` in the provider's project (cached for the run). */
function buildZone(provider, region, context) {
    const endpoint = (context.env ?? process.env)[_client_js__WEBPACK_IMPORTED_MODULE_1__/* .ENDPOINT_ENV */ .iG] ?? '';
    const key = `${endpoint}|${provider.project}|${region}`;
    let zone = chosen.get(key);
    if (!zone) {
        zone = listUpZones(provider, region, context).catch((error) => {
            chosen.delete(key);
            throw error;
        });
        chosen.set(key, zone);
    }
    return zone;
}
async function listUpZones(provider, region, context) {
    const env = context.env ?? process.env;
    const client = new _sdk_js__WEBPACK_IMPORTED_MODULE_4__/* .ZonesClient */ .Z9({ fallback: true, ...(0,_client_js__WEBPACK_IMPORTED_MODULE_1__/* .parseEndpoint */ .Bk)(env[_client_js__WEBPACK_IMPORTED_MODULE_1__/* .ENDPOINT_ENV */ .iG]), auth: provider.clients.images.auth }, _sdk_js__WEBPACK_IMPORTED_MODULE_4__/* .computeGax */ .Cf);
    const where = { cloud: provider.cloud.name, project: provider.project, operation: 'zones.list', region };
    try {
        const names = [];
        let pageToken;
        do {
            const token = pageToken;
            const [zones, next] = await (0,_util_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .withRetry */ .b)(() => client.list({ project: provider.project, filter: `(region eq .*/regions/${region}) (status eq UP)`, maxResults: 500, pageToken: token }, { autoPaginate: false, retry: null }), {
                attempts: _retry_js__WEBPACK_IMPORTED_MODULE_0__/* .RETRY_POLICY */ .yE.attempts,
                retryable: _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .retryableGcp */ .X7,
                delay: (error, attempt) => {
                    const f = (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .parseGcpError */ .cF)(error);
                    return (0,_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .retryDelay */ .a2)(attempt, (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .failureKind */ .zU)(f), f.retryAfterMs);
                },
                sleep: context.sleep ?? _util_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .realSleep */ .u,
                onRetry: (_error, attempt, delay) => context.log?.(`gcp ${where.cloud}: zones.list (attempt ${attempt}), retrying in ${delay} ms`),
            }).catch((error) => {
                throw (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeGcpError */ .I5)(error, where);
            });
            for (const z of zones) {
                if (z.name && z.status === 'UP' && z.region?.split('/').pop() === region)
                    names.push(z.name);
            }
            pageToken = next?.pageToken || undefined;
        } while (pageToken);
        const zone = names.sort()[0];
        if (!zone) {
            throw new Error(`cloud "${where.cloud}" (gcp project ${where.project}): region ${region} has no zone that is UP: ` +
                `check the region's name, or set zone: in the topology (e.g. zone: ${region}-b)`);
        }
        context.log?.(`gcp ${where.cloud}: building in zone ${zone} (the first zone of ${region} that is UP; set zone: in the topology to choose)`);
        return zone;
    }
    finally {
        await client.close();
    }
}


/***/ })

};
