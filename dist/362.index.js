export const id = 362;
export const ids = [362];
export const modules = {

/***/ 78362:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createAzureProvider: () => (/* binding */ createAzureProvider)
});

// UNUSED EXPORTS: AzureProvider, azureImageDefinition, azureVersionName, parseAzureVersionName

// EXTERNAL MODULE: ./src/images/index.ts + 2 modules
var src_images = __webpack_require__(93041);
// EXTERNAL MODULE: ./src/util/retry.ts
var retry = __webpack_require__(4266);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(41692);
;// CONCATENATED MODULE: ./src/providers/azure/endpoint-token.ts
/**
 * A ready access token and an extra CA certificate, read from the
 * environment: for private endpoints with their own certificate authority,
 * tokens fetched by an earlier step, and black-box tests against local fakes.
 *
 *   IMAGE_BUILDER_AZURE_ACCESS_TOKEN  a bearer token for ARM (no sign-in at all)
 *   IMAGE_BUILDER_AZURE_CA_FILE       a PEM file: CA certificate(s) the ARM
 *                                     endpoint's certificate chains to, trusted
 *                                     on top of Node's built-in roots
 *
 * (NODE_EXTRA_CA_CERTS works too, but only when set before Node starts.)
 */


const AZURE_ACCESS_TOKEN_ENV = 'IMAGE_BUILDER_AZURE_ACCESS_TOKEN';
const AZURE_CA_FILE_ENV = 'IMAGE_BUILDER_AZURE_CA_FILE';
/** The token in `env[name]`, handed to `mask` before anything could print it; undefined when unset. */
function tokenFromEnv(env, name, mask) {
    const token = env[name]?.trim();
    if (!token)
        return undefined;
    mask?.(token);
    return token;
}
/**
 * Node's built-in roots plus the certificates of the PEM file named by
 * `env[name]` (a `ca` option replaces the roots, so they are kept here);
 * undefined when unset. An unreadable or non-PEM file is a clear error.
 */
async function caFromEnv(env, name) {
    const file = env[name]?.trim();
    if (!file)
        return undefined;
    let pem;
    try {
        pem = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        const code = error.code ?? String(error);
        throw new Error(`${name}="${file}" cannot be read (${code}): name a PEM file holding the endpoint's CA certificate, or unset ${name}`, {
            cause: error,
        });
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
        throw new Error(`${name}="${file}" holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate in PEM form`);
    }
    return [...external_node_tls_.rootCertificates, pem];
}

// EXTERNAL MODULE: ./node_modules/@azure/arm-compute/dist/esm/index.js + 174 modules
var esm = __webpack_require__(50523);
// EXTERNAL MODULE: ./src/providers/errors.ts
var errors = __webpack_require__(61787);
;// CONCATENATED MODULE: ./src/providers/azure/errors.ts

/**
 * ARM error bodies by request: list pages fail with "Pagination failed with
 * unexpected statusCode 403" and the SDK drops ARM's message; a pipeline
 * policy (client.ts) keeps it here so the message can name the action.
 */
const armBodies = new WeakMap();
function rememberArmError(request, bodyText) {
    if (!bodyText)
        return;
    try {
        const error = JSON.parse(bodyText).error;
        if (typeof error?.message === 'string') {
            armBodies.set(request, { code: typeof error.code === 'string' ? error.code : undefined, message: error.message });
        }
    }
    catch {
        // not JSON: nothing to keep
    }
}
const LRO_FAILED = /^The long-running operation has failed(?:\. ([^.\s]+)\. ([\s\S]*))?$/;
/** Errors from the SDK (HTTP, network, long-running operation, abort), as opposed to our own. */
function isSdkError(error) {
    const { name, message } = (error ?? {});
    return name === 'RestError' || name === 'AbortError' || (typeof message === 'string' && LRO_FAILED.test(message));
}
function armFailure(error) {
    const lro = LRO_FAILED.exec(String(error?.message ?? ''));
    if (lro)
        return { code: lro[1] ?? 'OperationFailed', message: lro[2] ?? 'The long-running operation has failed.' };
    const e = error;
    const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
    const code = typeof e?.code === 'string' && e.code ? e.code : status ? `HTTP${status}` : String(e?.name ?? 'Error');
    let message = typeof e?.message === 'string' ? e.message : String(error);
    const request = error?.request;
    const kept = request ? armBodies.get(request) : undefined;
    if (kept && /^(Pagination failed|Unexpected status code)/.test(message))
        message = kept.message;
    return { status, code: kept?.code && code.startsWith('HTTP') ? kept.code : code, message };
}
const PERMISSION_CODES = new Set(['AuthorizationFailed', 'LinkedAuthorizationFailed', 'Forbidden']);
const AUTH_CODES = new Set([
    'AuthenticationFailed',
    'InvalidAuthenticationToken',
    'InvalidAuthenticationTokenTenant',
    'ExpiredAuthenticationToken',
    'InvalidAuthenticationTokenAudience',
]);
function quota({ code, message }) {
    return /quota/i.test(code) || /LimitExceeded$/i.test(code) || (code === 'OperationNotAllowed' && /quota|limit/i.test(message));
}
function kindOf(failure) {
    const { status, code } = failure;
    if (status === 403 || status === 401 || PERMISSION_CODES.has(code) || AUTH_CODES.has(code))
        return 'permission';
    if (quota(failure))
        return 'quota';
    if (status === 429 || /Throttl|TooManyRequests/i.test(code))
        return 'throttled';
    if (status === 404 || /NotFound$/.test(code))
        return 'not-found';
    if (status === 409 || status === 412)
        return 'conflict';
    if (status !== undefined && status >= 500)
        return 'transient';
    if (status === undefined && /ECONNRESET|ETIMEDOUT|ECONNREFUSED|EAI_AGAIN|REQUEST_SEND_ERROR/.test(code))
        return 'transient';
    return 'other';
}
/** The shared kind of an ARM failure (ProviderErrors keep theirs). */
function classify(error) {
    return error instanceof errors/* ProviderError */.mZ ? error.kind : kindOf(armFailure(error));
}
function isNotFound(error) {
    return classify(error) === 'not-found';
}
function advice(failure, call) {
    const { status, code } = failure;
    if (code === 'RequestDisallowedByPolicy') {
        return 'An Azure Policy assignment denies this request: ask the policy owner for an exemption or change the request to comply.';
    }
    if (status === 403 || PERMISSION_CODES.has(code)) {
        return `The signed-in identity lacks permission: grant it ${call.role}.`;
    }
    if (code === 'ExpiredAuthenticationToken') {
        // ARM's 401 for a token past its expiry (Azure Resource Manager error codes: ExpiredAuthenticationToken).
        return ('The Azure access token expired before this call: a token passed in IMAGE_BUILDER_AZURE_ACCESS_TOKEN is never renewed ' +
            '(tokens last about an hour); leave it unset so the action signs in itself (GitHub OIDC with AZURE_CLIENT_ID / AZURE_TENANT_ID, ' +
            'or azure/login), which renews tokens, or fetch a fresh token right before this step, then run again.');
    }
    if (status === 401 || AUTH_CODES.has(code)) {
        return 'Azure refused the credentials: check the azure/login step, or AZURE_CLIENT_ID / AZURE_TENANT_ID and the federated credential of the app registration (subject must match this repository and ref), and the azure-cloud input.';
    }
    if (quota(failure)) {
        return 'A quota or limit is exhausted: request an increase (Azure portal > Quotas) or remove old image versions (lifecycle keep).';
    }
    if (status === 429 || /Throttl|TooManyRequests/i.test(code)) {
        return 'Azure Resource Manager kept throttling after the retries: run fewer jobs in parallel or try again later.';
    }
    if (status === 404 || /NotFound$/.test(code)) {
        return 'Check subscription, resource_group and gallery in topology.yml: the resource does not exist or is not visible to this identity.';
    }
    if (/Replication/i.test(code)) {
        return "Remove the failed region from the version's target regions and copy again; if it keeps failing, open an Azure support request.";
    }
    if (status === 409) {
        return 'Another operation holds the resource: wait for it to finish and run again.';
    }
    if (status !== undefined && status >= 500) {
        return 'Azure failed on its side even after retries: try again later.';
    }
    if (status === undefined && code === 'ETIMEDOUT') {
        return ('No answer within the deadline in any attempt, retries included: check the network path to the ARM endpoint ' +
            '(proxy, firewall) and IMAGE_BUILDER_AZURE_ENDPOINT if set, then run again.');
    }
    return 'Details are in the activity log of the resource group (Azure portal > Activity log).';
}
/**
 * A sign-in that got no token: @azure/identity's CredentialUnavailableError
 * (no credential of the chain is set up here) or AggregateAuthenticationError
 * (each one that was tried failed). Both list every credential of the chain,
 * one line each; users get one line. Undefined for any other error.
 */
function credentialError(cloud, error) {
    const name = error?.name;
    if (name !== 'CredentialUnavailableError' && name !== 'AggregateAuthenticationError')
        return undefined;
    const how = 'on GitHub, run azure/login first, or give the job id-token: write and set AZURE_CLIENT_ID and AZURE_TENANT_ID (OIDC); ' +
        'on a terminal, az login, or a token in IMAGE_BUILDER_AZURE_ACCESS_TOKEN';
    const first = String(error.message ?? '').split('\n')[0];
    const tried = error.errors;
    // DefaultAzureCredential reports a chain of which no credential is set up as an aggregate of unavailable ones.
    const noneSetUp = name === 'CredentialUnavailableError' || (tried?.length && tried.every((e) => e?.name === 'CredentialUnavailableError'));
    const text = noneSetUp
        ? `no credentials found for cloud "${cloud}" (azure): ${how}.`
        : `cloud "${cloud}" (azure): signing in failed (${first.replace(/\.$/, '')}): check the credentials it found: ${how}.`;
    return new errors/* ProviderError */.mZ(text, { cloud, operation: 'sign-in', kind: 'permission', code: String(name) }, error);
}
/** The credential, its sign-in failures told in one line (credentialError), whichever call asked for a token. */
function oneLineSignIn(cloud, credential) {
    return {
        getToken: async (scopes, options) => {
            try {
                return await credential.getToken(scopes, options);
            }
            catch (error) {
                throw credentialError(cloud, error) ?? error;
            }
        },
    };
}
/** The error to throw for a failed ARM call. */
function azureError(call, error) {
    const failure = armFailure(error);
    const where = call.region ? ` in ${call.region}` : '';
    const http = failure.status !== undefined ? ` (HTTP ${failure.status})` : '';
    const text = `cloud "${call.cloud}" (azure): ${call.operation}${where} failed with ${failure.code}${http}: ` +
        `${failure.message.replace(/\s+$/, '')} ${advice(failure, call)}`;
    return new errors/* ProviderError */.mZ(text, {
        cloud: call.cloud,
        operation: call.operation,
        region: call.region,
        kind: kindOf(failure),
        code: failure.code,
        statusCode: failure.status,
    }, error);
}

// EXTERNAL MODULE: ./src/providers/retry.ts
var providers_retry = __webpack_require__(77252);
;// CONCATENATED MODULE: ./src/providers/azure/client.ts
/**
 * Builds the ComputeManagementClient: sovereign cloud endpoints, the
 * credential (GitHub OIDC federation or the default chain), retries and TLS.
 * @azure/identity and @actions/core are imported only when they are needed.
 */




/** The clouds `azure-cloud` may name (az CLI spelling; case is ignored). */
const AZURE_CLOUDS = {
    azurecloud: { name: 'AzureCloud', arm: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com' },
    azurechinacloud: { name: 'AzureChinaCloud', arm: 'https://management.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn' },
    azureusgovernment: {
        name: 'AzureUSGovernment',
        arm: 'https://management.usgovcloudapi.net',
        authorityHost: 'https://login.microsoftonline.us',
    },
};
function resolveAzureCloud(name) {
    const cloud = AZURE_CLOUDS[(name || 'AzureCloud').toLowerCase()];
    if (!cloud) {
        throw new Error(`azure-cloud "${name}" is not known: use one of ${Object.values(AZURE_CLOUDS)
            .map((c) => c.name)
            .join(', ')}`);
    }
    return cloud;
}
/** The ARM endpoint, token scope and authority host for a cloud and environment. */
function azureEndpoints(azureCloud, env) {
    const cloud = resolveAzureCloud(azureCloud);
    const endpoint = (env.IMAGE_BUILDER_AZURE_ENDPOINT || cloud.arm).replace(/\/+$/, '');
    return { cloud: cloud.name, endpoint, scope: `${cloud.arm}/.default`, authorityHost: cloud.authorityHost };
}
const OIDC_AUDIENCE = 'api://AzureADTokenExchange';
/**
 * A ready token in IMAGE_BUILDER_AZURE_ACCESS_TOKEN (masked) first; then
 * GitHub OIDC federation when the job may mint ID tokens (id-token: write
 * sets ACTIONS_ID_TOKEN_REQUEST_URL) and AZURE_CLIENT_ID / AZURE_TENANT_ID
 * name the app registration; otherwise DefaultAzureCredential (environment,
 * workload identity, managed identity, az CLI after azure/login, ...).
 */
async function azureCredential(env, authorityHost, options) {
    if (options.credential)
        return { credential: options.credential, kind: 'given' };
    const token = tokenFromEnv(env, AZURE_ACCESS_TOKEN_ENV, options.mask);
    if (token)
        return { credential: staticTokenCredential(token), kind: 'access-token' };
    const identity = await Promise.all(/* import() */[__webpack_require__.e(324), __webpack_require__.e(413), __webpack_require__.e(537)]).then(__webpack_require__.bind(__webpack_require__, 93537));
    const { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: tenantId } = env;
    const deadlines = (0,providers_retry/* timeouts */.Fw)(options.timeouts);
    // Token requests to Microsoft Entra ID get the same per-attempt deadline as ARM calls.
    const common = { authorityHost, additionalPolicies: [{ policy: timeoutPolicy(deadlines), position: 'perRetry' }] };
    if (env.ACTIONS_ID_TOKEN_REQUEST_URL && clientId && tenantId) {
        const getIdToken = options.getIdToken ?? (async (audience) => (await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 33838))).getIDToken(audience));
        const assertion = async () => {
            const token = await withinDeadline(getIdToken(OIDC_AUDIENCE), deadlines.requestMs, 'the GitHub OIDC token request');
            options.mask?.(token);
            return token;
        };
        return {
            credential: new identity.ClientAssertionCredential(tenantId, clientId, assertion, common),
            kind: 'github-oidc',
        };
    }
    return {
        credential: new identity.DefaultAzureCredential({ ...common, ...(tenantId ? { tenantId } : {}) }),
        kind: 'default-chain',
    };
}
/** Keeps ARM error bodies the SDK would drop (see rememberArmError). */
const armErrorPolicy = {
    name: 'imageBuilderArmErrors',
    async sendRequest(request, next) {
        const response = await next(request);
        if (response.status >= 400)
            rememberArmError(request, response.bodyAsText);
        return response;
    },
};
/**
 * One deadline per request attempt, on the whole exchange (connection, TLS,
 * the answer's headers and body). core-rest-pipeline's own `timeout` request
 * field stops counting once the headers arrive and fails as an AbortError,
 * which its retry policy never retries (it retries RestErrors only,
 * policies/retryPolicy.js); so this policy aborts through the request's
 * abortSignal and fails as a RestError with code ETIMEDOUT, which the
 * exponential retry strategy retries like any socket timeout
 * (isSystemError). `isRestError` accepts any Error named RestError.
 */
function timeoutPolicy(deadlines, log) {
    return {
        name: 'imageBuilderTimeout',
        async sendRequest(request, next) {
            const ms = deadlines.requestMs;
            const outer = request.abortSignal;
            const deadline = new AbortController();
            const onAbort = () => deadline.abort();
            outer?.addEventListener('abort', onAbort);
            const timer = setTimeout(() => deadline.abort(), ms);
            request.abortSignal = deadline.signal;
            try {
                return await next(request);
            }
            catch (error) {
                if (!deadline.signal.aborted || outer?.aborted)
                    throw error;
                const origin = new URL(request.url).origin;
                log?.(`azure: ${request.method} ${origin} gave no answer within ${(0,providers_retry/* formatMs */._V)(ms)}`);
                throw Object.assign(new Error(`no answer from ${origin} within ${(0,providers_retry/* formatMs */._V)(ms)} (request deadline)`), {
                    name: 'RestError',
                    code: 'ETIMEDOUT',
                    request,
                });
            }
            finally {
                clearTimeout(timer);
                outer?.removeEventListener('abort', onAbort);
                request.abortSignal = outer;
            }
        },
    };
}
/** A promise that gives up after `ms` (for calls outside any pipeline). */
function withinDeadline(promise, ms, what) {
    let timer;
    const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} gave no answer within ${(0,providers_retry/* formatMs */._V)(ms)}: run again`)), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
/** Logs each throttled or failed attempt the SDK is about to retry. */
function retryLogPolicy(log) {
    return {
        name: 'imageBuilderRetryLog',
        async sendRequest(request, next) {
            const response = await next(request);
            if (response.status === 429 || response.status >= 500) {
                const after = response.headers.get('retry-after');
                const path = new URL(request.url).pathname.split('/').slice(-2).join('/');
                log(`azure: ${request.method} .../${path} answered ${response.status}${after ? ` (Retry-After ${after})` : ''}`);
            }
            return response;
        },
    };
}
/** A token credential that never expires, for tests and pre-fetched tokens. */
function staticTokenCredential(token) {
    return {
        async getToken() {
            return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
        },
    };
}
function createComputeClient(credential, subscription, endpoints, options, log) {
    const client = new esm/* ComputeManagementClient */.Kx(credential, subscription, {
        endpoint: endpoints.endpoint,
        credentials: { scopes: [endpoints.scope] },
        retryOptions: {
            // The providers' shared policy (retry.ts): the SDK counts retries, not attempts.
            maxRetries: options.retry?.maxRetries ?? providers_retry/* RETRY_POLICY */.yE.attempts - 1,
            retryDelayInMs: options.retry?.retryDelayInMs ?? providers_retry/* RETRY_POLICY */.yE.throttledBaseMs,
            maxRetryDelayInMs: options.retry?.maxRetryDelayInMs ?? providers_retry/* RETRY_POLICY */.yE.maxDelayMs,
        },
        ...(options.ca ? { tlsOptions: { ca: options.ca } } : {}),
        additionalPolicies: [
            { policy: armErrorPolicy, position: 'perCall' },
            ...(log ? [{ policy: retryLogPolicy(log), position: 'perRetry' }] : []),
        ],
        userAgentOptions: { userAgentPrefix: 'multicloud-image-builder' },
    });
    // After the Sign phase: the deadline counts the request itself, not the wait for a token (which has its own).
    client.pipeline.addPolicy(timeoutPolicy((0,providers_retry/* timeouts */.Fw)(options.timeouts), log), { afterPhase: 'Sign' });
    return client;
}

// EXTERNAL MODULE: ./src/providers/azure/names.ts
var names = __webpack_require__(6754);
;// CONCATENATED MODULE: ./src/providers/azure/records.ts



/** Our tag on managed images deprecated by this tool (they have no end-of-life field). */
const BUSY = new Set(['creating', 'updating', 'deleting', 'migrating']);
function isOurs(tags) {
    return tags?.[src_images/* TAGS */.gp.managedBy] === 'true';
}
function isBusy(version) {
    return BUSY.has((version.provisioningState ?? '').toLowerCase());
}
async function collect(items, signal) {
    const out = [];
    for await (const item of items) {
        signal?.throwIfAborted();
        out.push(item);
    }
    return out;
}
async function mapLimit(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await fn(items[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}
class GalleryInventory {
    client;
    resourceGroup;
    gallery;
    cacheMs;
    now;
    cached;
    constructor(client, resourceGroup, gallery, cacheMs, now) {
        this.client = client;
        this.resourceGroup = resourceGroup;
        this.gallery = gallery;
        this.cacheMs = cacheMs;
        this.now = now;
    }
    invalidate() {
        this.cached = undefined;
    }
    snapshot() {
        const at = this.now().getTime();
        if (!this.cached || at - this.cached.at > this.cacheMs) {
            const snapshot = this.list();
            this.cached = { at, snapshot };
            snapshot.catch(() => {
                if (this.cached?.snapshot === snapshot)
                    this.cached = undefined;
            });
        }
        return this.cached.snapshot;
    }
    /** Lists in parallel; the first failure stops the other listings. */
    async list() {
        const abort = new AbortController();
        try {
            return await this.listAll(abort.signal);
        }
        catch (error) {
            abort.abort();
            throw error;
        }
    }
    async listAll(abortSignal) {
        const { client, resourceGroup, gallery } = this;
        const [definitions, managed] = await Promise.all([
            collect(client.galleryImages.listByGallery(resourceGroup, gallery, { abortSignal }), abortSignal),
            collect(client.images.listByResourceGroup(resourceGroup, { abortSignal }), abortSignal),
        ]);
        const perDefinition = await mapLimit(definitions, 8, async (definition) => {
            const name = definition.name ?? '';
            let versions;
            try {
                versions = await collect(client.galleryImageVersions.listByGalleryImage(resourceGroup, gallery, name, { abortSignal }), abortSignal);
            }
            catch (error) {
                if (isNotFound(error))
                    return []; // deleted while we listed
                throw error;
            }
            return mapLimit(versions.filter((v) => isOurs(v.tags)), 8, async (version) => {
                if ((version.provisioningState ?? 'Succeeded') === 'Succeeded')
                    return { definition: name, version };
                const full = await client.galleryImageVersions.get(resourceGroup, gallery, name, version.name ?? '', {
                    expand: 'ReplicationStatus',
                    abortSignal,
                });
                return { definition: name, version: full, status: full.replicationStatus };
            });
        });
        return { versions: perDefinition.flat(), managed: managed.filter((image) => isOurs(image.tags)) };
    }
}
/** The state of a gallery version in one region, or undefined when it is not (or no longer) there. */
function versionState(entry, region, now) {
    const { version, status } = entry;
    const target = (0,names/* normalizeRegion */.wh)(region);
    const targeted = (version.publishingProfile?.targetRegions ?? []).some((r) => (0,names/* normalizeRegion */.wh)(r.name) === target);
    if (!targeted)
        return undefined;
    const provisioning = (version.provisioningState ?? 'Succeeded').toLowerCase();
    if (provisioning === 'deleting')
        return undefined;
    const regional = status?.summary?.find((s) => (0,names/* normalizeRegion */.wh)(s.region ?? '') === target);
    const replication = (regional?.state ?? '').toLowerCase();
    if (replication === 'failed')
        return 'failed';
    if (replication === 'replicating' || replication === 'unknown')
        return 'pending';
    if (!regional && provisioning !== 'succeeded')
        return provisioning === 'failed' ? 'failed' : 'pending';
    // Deprecated from the tool's own mark (deprecate() keeps the EOL date a little ahead, versions.ts latestChange) or the EOL date.
    const marked = version.tags?.[src_images/* TAGS */.gp.deprecatedAt];
    if (marked && new Date(marked).getTime() <= now.getTime())
        return 'deprecated';
    const eol = version.publishingProfile?.endOfLifeDate;
    if (eol && eol.getTime() <= now.getTime())
        return 'deprecated';
    return 'available';
}
function versionRecord(entry, region, state) {
    const { version } = entry;
    const tags = { ...(version.tags ?? {}) };
    const created = version.publishingProfile?.publishedDate ??
        (tags[src_images/* TAGS */.gp.builtAt] ? new Date(tags[src_images/* TAGS */.gp.builtAt]) : undefined) ??
        version.systemData?.createdAt ??
        (0,names/* parseAzureVersionName */.w6)(version.name ?? '');
    return (0,src_images/* fromTags */.y8)(tags, {
        id: version.id ?? '',
        name: `${entry.definition}/${version.name ?? ''}`,
        region,
        state,
        createdAt: created && !Number.isNaN(created.getTime()) ? created.toISOString() : '',
    });
}
function managedState(image, now) {
    const provisioning = (image.provisioningState ?? 'Succeeded').toLowerCase();
    if (provisioning === 'failed')
        return 'failed';
    if (provisioning !== 'succeeded')
        return 'pending';
    const deprecatedAt = image.tags?.[src_images/* TAGS */.gp.deprecatedAt];
    if (deprecatedAt && new Date(deprecatedAt).getTime() <= now.getTime())
        return 'deprecated';
    return 'available';
}
function managedRecord(image, region, now) {
    const tags = { ...(image.tags ?? {}) };
    const created = tags[src_images/* TAGS */.gp.builtAt] ? new Date(tags[src_images/* TAGS */.gp.builtAt]) : image.systemData?.createdAt;
    return (0,src_images/* fromTags */.y8)(tags, {
        id: image.id ?? '',
        name: image.name ?? '',
        region,
        state: managedState(image, now),
        createdAt: created && !Number.isNaN(created.getTime()) ? created.toISOString() : '',
    });
}
/** Every record of the snapshot that lives in `region`. */
function recordsIn(snapshot, region, now) {
    const records = [];
    for (const entry of snapshot.versions) {
        const state = versionState(entry, region, now);
        if (state)
            records.push(versionRecord(entry, region, state));
    }
    // Older builds made a managed image besides the gallery version, both tagged (packer-plugin-azure
    // step_publish_to_shared_image_gallery.go: the SIG version gets the same azure_tags): one build is one
    // record, the gallery version; a managed image is reported only when no version of its build exists.
    const built = new Set(snapshot.versions.map((entry) => buildKey(entry.version.tags)));
    const target = (0,names/* normalizeRegion */.wh)(region);
    for (const image of snapshot.managed) {
        if (image.tags?.[src_images/* TAGS */.gp.fingerprint] && built.has(buildKey(image.tags)))
            continue;
        if ((0,names/* normalizeRegion */.wh)(image.location ?? '') === target)
            records.push(managedRecord(image, region, now));
    }
    return records;
}
/** What identifies one build across its resources: the line and its fingerprint. */
function buildKey(tags) {
    return [src_images/* TAGS */.gp.cloud, src_images/* TAGS */.gp.recipe, src_images/* TAGS */.gp.os, src_images/* TAGS */.gp.fingerprint].map((t) => tags?.[t] ?? '').join('\u0000');
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/providers/azure/share.ts
/**
 * Sharing a gallery image with other principals through Azure RBAC: a
 * `Reader` role assignment on the gallery image definition for each principal
 * (learn.microsoft.com/azure/virtual-machines/share-gallery: "share using
 * role-based access control"). Direct shared galleries (sharingProfile Groups)
 * are not used: that feature is a preview needing registration, and the
 * permission "can't currently be updated" on an existing gallery
 * (learn.microsoft.com/azure/virtual-machines/share-gallery-direct).
 *
 * share.accounts for Azure are Entra ID object ids (GUIDs) of users, groups or
 * service principals. A subscription or tenant id cannot be granted Reader by
 * its id alone, so anything that is not a GUID is refused.
 */

/** Built-in role "Reader" (learn.microsoft.com/azure/role-based-access-control/built-in-roles: acdd72a7-3385-48ef-bd42-f606fba81ae7). */
const READER_ROLE_ID = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
/** api-version of Microsoft.Authorization/roleAssignments (role-assignments-rest docs). */
const ROLE_ASSIGNMENTS_API = '2022-04-01';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The principal object ids of share.accounts; throws naming every value that is not one. */
function sharePrincipals(accounts, where) {
    const values = accounts.map((a) => a.trim()).filter((a) => a.length > 0);
    const bad = values.filter((a) => !GUID.test(a));
    if (bad.length > 0) {
        throw new Error(`${where}: share.accounts for Azure must be Entra ID object ids (GUIDs) of users, groups or service principals; ` +
            `not ${bad.map((b) => `"${b}"`).join(', ')}. Azure shares gallery images through RBAC (Reader on the image ` +
            'definition), and a subscription or tenant cannot be granted a role by its id: list the object id of a group ' +
            'or service principal in that subscription or tenant instead.');
    }
    return [...new Map(values.map((v) => [v.toLowerCase(), v.toLowerCase()])).values()];
}
/** A role assignment name that is the same for the same scope and principal (so a second run changes nothing). */
function assignmentName(scope, principal) {
    const h = (0,external_node_crypto_.createHash)('sha256').update(`${scope.toLowerCase()}|${principal.toLowerCase()}|${READER_ROLE_ID}`).digest('hex');
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
function restContext(client) {
    const context = client._client;
    if (typeof context?.pathUnchecked !== 'function') {
        throw new Error('this @azure/arm-compute version gives no access to its ARM pipeline; role assignments cannot be sent');
    }
    return context;
}
/**
 * PUTs a Reader role assignment on `scope` for `principal` through the compute
 * client's own pipeline (same credential, endpoint, CA and retries):
 * `PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{name}?api-version=2022-04-01`
 * (learn.microsoft.com/azure/role-based-access-control/role-assignments-rest).
 * 409 RoleAssignmentExists counts as done ("Troubleshoot Azure RBAC": the role
 * assignment already exists).
 */
async function grantReader(client, scope, principal) {
    const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
    const name = assignmentName(scope, principal);
    const response = await restContext(client)
        .pathUnchecked(`${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`)
        .put({
        queryParameters: { 'api-version': ROLE_ASSIGNMENTS_API },
        contentType: 'application/json',
        body: {
            properties: {
                roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${READER_ROLE_ID}`,
                principalId: principal,
            },
        },
    });
    const status = Number(response.status);
    if (status === 200 || status === 201)
        return;
    const error = response.body?.error;
    const code = error?.code ?? '';
    const message = error?.message ?? '';
    if (status === 409 && code === 'RoleAssignmentExists')
        return;
    throw new Error(`role assignment Reader for principal ${principal} failed with ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}` +
        (status === 403
            ? '. Granting roles needs Microsoft.Authorization/roleAssignments/write: give the identity "Role Based Access ' +
                'Control Administrator" (or "User Access Administrator") on the gallery, then run again'
            : ''));
}

;// CONCATENATED MODULE: ./src/providers/azure/usage.ts

class UsageIndex {
    client;
    cacheMs;
    now;
    cached;
    constructor(client, cacheMs, now) {
        this.client = client;
        this.cacheMs = cacheMs;
        this.now = now;
    }
    consumers() {
        const at = this.now().getTime();
        if (!this.cached || at - this.cached.at > this.cacheMs) {
            const consumers = this.list();
            this.cached = { at, consumers };
            consumers.catch(() => {
                if (this.cached?.consumers === consumers)
                    this.cached = undefined;
            });
        }
        return this.cached.consumers;
    }
    async list() {
        const vms = async () => {
            const out = [];
            for await (const vm of this.client.virtualMachines.listAll()) {
                out.push({ id: vm.id ?? vm.name ?? '', reference: vm.storageProfile?.imageReference });
            }
            return out;
        };
        const scaleSets = async () => {
            const out = [];
            for await (const vmss of this.client.virtualMachineScaleSets.listAll()) {
                out.push({ id: vmss.id ?? vmss.name ?? '', reference: vmss.virtualMachineProfile?.storageProfile?.imageReference });
            }
            return out;
        };
        return (await Promise.all([vms(), scaleSets()])).flat();
    }
    /**
     * A VM or scale set uses a gallery version when it names the version, or
     * names the definition ("latest") and either reports this exactVersion or,
     * reporting none, could still resolve to it (the version is not
     * deprecated, i.e. not excluded from latest).
     */
    async usage(image) {
        const ref = (0,names/* parseAzureImageId */.Bk)(image.id);
        const consumers = await this.consumers();
        const references = [];
        if (ref.kind === 'managed-image') {
            const id = image.id.toLowerCase();
            for (const c of consumers)
                if (c.reference?.id?.toLowerCase() === id)
                    references.push(c.id);
            return { inUse: references.length > 0, references };
        }
        const versionId = (0,names/* galleryVersionId */.aX)(ref).toLowerCase();
        const defId = (0,names/* definitionId */.bb)(ref).toLowerCase();
        for (const c of consumers) {
            const target = c.reference?.id?.toLowerCase();
            if (!target)
                continue;
            if (target === versionId) {
                references.push(c.id);
            }
            else if (target === defId || target === `${defId}/versions/latest`) {
                const exact = c.reference?.exactVersion;
                if (exact ? exact === ref.version : image.state !== 'deprecated') {
                    references.push(exact ? c.id : `${c.id} (latest of ${ref.definition})`);
                }
            }
        }
        return { inUse: references.length > 0, references };
    }
}

;// CONCATENATED MODULE: ./src/providers/azure/roles.ts
function requiredRole(kind, resourceGroup, gallery, subscription) {
    const rg = `resource group "${resourceGroup}"`;
    switch (kind) {
        case 'read':
            return `Reader on ${rg} (Microsoft.Compute/galleries/images/versions/read, Microsoft.Compute/images/read)`;
        case 'write':
            return `Contributor on ${rg}, or "Compute Gallery Artifacts Publisher" on gallery "${gallery}" (Microsoft.Compute/galleries/images/versions/write)`;
        case 'delete':
            return `Contributor on ${rg} (Microsoft.Compute/galleries/images/versions/delete, Microsoft.Compute/images/delete)`;
        case 'share':
            return `"Role Based Access Control Administrator" on gallery "${gallery}" (Microsoft.Authorization/roleAssignments/write)`;
        case 'usage':
            return `Reader on subscription "${subscription}" (Microsoft.Compute/virtualMachines/read, Microsoft.Compute/virtualMachineScaleSets/read)`;
        case 'source':
            return `Reader on subscription "${subscription}" (Microsoft.Compute/locations/publishers/artifacttypes/offers/skus/versions/read)`;
    }
}

;// CONCATENATED MODULE: ./src/providers/azure/generation.ts
/** Orders marketplace version names (Major.Minor.Patch, numbers compared as numbers). */
function newer(a, b) {
    const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
    for (let i = 0; i < Math.max(x.length, y.length); i++)
        if ((x[i] ?? 0) !== (y[i] ?? 0))
            return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
}
/**
 * The generation the SKU name announces, for when the marketplace cannot be
 * read (403: the lookup is a subscription-level read, and the build may hold
 * roles on its resource group only): Gen2 SKUs end in `gen2` (Debian
 * `12-gen2`, Canonical `22_04-lts-gen2`), Gen1 otherwise.
 */
function generationFromSku(sku) {
    return /gen2$/i.test(sku) ? 'V2' : 'V1';
}
/** The generation of `source` in `location` (a `latest` version is resolved to the newest one listed). */
async function sourceGeneration(client, location, source, log) {
    try {
        return await marketplaceGeneration(client, location, source);
    }
    catch (error) {
        if (error.statusCode !== 403)
            throw error;
        log?.(`azure: cannot read the marketplace image ${source.publisher}:${source.offer}:${source.sku} (403); ` +
            `taking Hyper-V ${generationFromSku(source.sku)} from the SKU name (grant Reader on the subscription to read it)`);
        return generationFromSku(source.sku);
    }
}
async function marketplaceGeneration(client, location, source) {
    const { publisher, offer, sku } = source;
    const where = `${publisher}:${offer}:${sku}`;
    let version = source.version ?? 'latest';
    if (version.toLowerCase() === 'latest') {
        const listed = await client.virtualMachineImages.list(location, publisher, offer, sku);
        const names = listed.map((v) => v.name).sort(newer);
        if (!names[0])
            throw new Error(`the marketplace image ${where} has no version in ${location}: check publisher, offer and sku`);
        version = names[0];
    }
    const image = await client.virtualMachineImages.get(location, publisher, offer, sku, version);
    // An image without the field is Gen1: hyperVGeneration was added with Gen2 images (VirtualMachineImageProperties).
    return image.hyperVGeneration === 'V2' ? 'V2' : 'V1';
}

// EXTERNAL MODULE: ./src/providers/copy-wait.ts
var copy_wait = __webpack_require__(72079);
;// CONCATENATED MODULE: ./src/providers/azure/versions.ts




/** The updatable part of a publishing profile, with overrides. */
function publishingProfile(version, overrides = {}) {
    const current = version.publishingProfile ?? {};
    return {
        targetRegions: current.targetRegions?.map((region) => ({ ...region })),
        replicaCount: current.replicaCount,
        excludeFromLatest: current.excludeFromLatest,
        endOfLifeDate: current.endOfLifeDate,
        ...overrides,
    };
}
/** Leaves EOL dates this far ahead of the request, so ARM never receives a date already past. */
const EOL_LEAD_MS = 10 * 60_000;
/**
 * The update that takes a version out of (`exclude`) or puts it into what
 * `versions/latest` resolves to: the version's excludeFromLatest and every
 * target region's own flag, which overrides it per region (ARM reference,
 * GalleryImageVersionPublishingProfile and TargetRegion, `excludeFromLatest`).
 * `endOfLifeDate` is informational ("This property can be used for
 * decommissioning purposes"; VMs can still be created after it), so a
 * deprecation sets it no earlier than EOL_LEAD_MS from `now`.
 * Undefined when nothing would change.
 */
function latestChange(version, exclude, eol) {
    const current = version.publishingProfile ?? {};
    const regions = current.targetRegions ?? [];
    const flip = (r) => (r.excludeFromLatest === !exclude ? { ...r, excludeFromLatest: exclude } : { ...r });
    const unchanged = (current.excludeFromLatest ?? false) === exclude && regions.every((r) => r.excludeFromLatest !== !exclude);
    if (unchanged && !eol)
        return undefined;
    const endOfLifeDate = eol && new Date(Math.max(eol.at.getTime(), eol.now.getTime() + EOL_LEAD_MS));
    return {
        publishingProfile: publishingProfile(version, {
            excludeFromLatest: exclude,
            targetRegions: current.targetRegions?.map(flip),
            ...(endOfLifeDate ? { endOfLifeDate } : {}),
        }),
    };
}
class GalleryVersions {
    client;
    timing;
    tails = new Map();
    batches = new Map();
    constructor(client, timing) {
        this.client = client;
        this.timing = timing;
    }
    /** Runs fn after every earlier change to the same version has finished. */
    serial(ref, fn) {
        const key = (0,names/* galleryVersionId */.aX)(ref).toLowerCase();
        const previous = this.tails.get(key) ?? Promise.resolve();
        const run = previous.then(fn, fn);
        const tail = run.catch(() => undefined);
        this.tails.set(key, tail);
        void tail.then(() => {
            if (this.tails.get(key) === tail)
                this.tails.delete(key);
        });
        return run;
    }
    get(ref) {
        return this.client.galleryImageVersions.get(ref.resourceGroup, ref.gallery, ref.definition, ref.version, {
            expand: 'ReplicationStatus',
        });
    }
    deadline() {
        return this.timing.now().getTime() + this.timing.waitTimeoutMs;
    }
    /** The version once no operation runs on it (GET with replication status, polled). */
    async settled(ref) {
        const deadline = this.deadline();
        for (;;) {
            const version = await this.get(ref);
            if (!isBusy(version))
                return version;
            if (this.timing.now().getTime() >= deadline) {
                throw new Error(`gallery image version ${ref.definition}/${ref.version} is still ${version.provisioningState} after ` +
                    `${Math.round(this.timing.waitTimeoutMs / 1000)} s: wait for the running operation to finish, then run again`);
            }
            await this.timing.sleep(this.timing.pollIntervalMs);
        }
    }
    lroOptions() {
        return {
            updateIntervalInMs: this.timing.pollIntervalMs,
            abortSignal: AbortSignal.timeout(this.timing.waitTimeoutMs),
        };
    }
    /** Adds `region` to the version's target regions (merged with concurrent copies of the same version). */
    copy(ref, target) {
        const key = (0,names/* galleryVersionId */.aX)(ref).toLowerCase();
        let batch = this.batches.get(key);
        if (!batch) {
            const regions = new Map();
            const submitted = this.serial(ref, () => {
                this.batches.delete(key);
                return this.submitCopy(ref, [...regions.values()]);
            });
            batch = { regions, submitted };
            this.batches.set(key, batch);
        }
        const name = (0,names/* normalizeRegion */.wh)(target.name);
        if (!batch.regions.has(name))
            batch.regions.set(name, target);
        return batch.submitted;
    }
    async submitCopy(ref, additions) {
        const before = await this.settled(ref);
        const existing = before.publishingProfile?.targetRegions ?? [];
        const known = new Set(existing.map((r) => (0,names/* normalizeRegion */.wh)(r.name)));
        const missing = additions.filter((r) => !known.has((0,names/* normalizeRegion */.wh)(r.name)));
        if (missing.length === 0)
            return { before };
        const template = existing[0];
        const targetRegions = [
            ...existing.map((r) => ({ ...r })),
            ...missing.map((r) => ({
                regionalReplicaCount: template?.regionalReplicaCount,
                storageAccountType: template?.storageAccountType,
                ...r,
            })),
        ];
        const poller = this.client.galleryImageVersions.update(ref.resourceGroup, ref.gallery, ref.definition, ref.version, { publishingProfile: publishingProfile(before, { targetRegions }) }, this.lroOptions());
        await poller.submitted();
        return { before, poller };
    }
    /**
     * Waits for the update that added `region` (when one was sent), then polls
     * until the version is replicated there; throws when replication failed,
     * and gives up at the deadline (copy-wait.ts) with the copy still going on.
     */
    async waitForCopy(ref, region, poller, options) {
        const now = () => this.timing.now().getTime();
        const started = now();
        const timeoutMs = options.timeoutMs ?? this.timing.waitTimeoutMs;
        if (poller) {
            const deadline = AbortSignal.timeout(Math.max(1, timeoutMs));
            const stop = poller.onProgress(() => options.onProgress?.({ state: 'updating', elapsedMs: now() - started }));
            try {
                await poller.pollUntilDone({ abortSignal: deadline });
            }
            catch (error) {
                if (deadline.aborted)
                    throw new copy_wait/* CopyPendingError */.V1(options.image, region, now() - started, 'updating');
                throw error;
            }
            finally {
                stop();
            }
        }
        const spent = now() - started;
        const wait = { image: options.image, region, pollMs: this.timing.pollIntervalMs, sleep: this.timing.sleep, now };
        const onProgress = options.onProgress && ((p) => options.onProgress?.({ ...p, elapsedMs: p.elapsedMs + spent }));
        return (0,copy_wait/* waitForCopy */.A4)({ ...wait, timeoutMs: Math.max(0, timeoutMs - spent), onProgress }, async () => {
            const version = await this.get(ref);
            const entry = { definition: ref.definition, version, status: version.replicationStatus };
            const state = versionState(entry, region, this.timing.now());
            if (state === 'available' || state === 'deprecated')
                return { done: { entry, state } };
            const regional = version.replicationStatus?.summary?.find((s) => (0,names/* normalizeRegion */.wh)(s.region ?? '') === (0,names/* normalizeRegion */.wh)(region));
            if (state === 'failed' || state === undefined) {
                throw new Error(`replication of gallery image version ${ref.definition}/${ref.version} to ${region} ` +
                    `${state === 'failed' ? `failed${regional?.details ? `: ${regional.details}` : ''}` : 'is no longer targeted'}; ` +
                    'remove the region from the version and copy again');
            }
            return { state: (regional?.state ?? 'pending').toLowerCase() };
        });
    }
    /** One PATCH built from the settled version; `change` returns undefined when nothing is to change. */
    update(ref, change) {
        return this.serial(ref, async () => {
            const current = await this.settled(ref);
            const patch = change(current);
            if (!patch)
                return current;
            return this.client.galleryImageVersions
                .update(ref.resourceGroup, ref.gallery, ref.definition, ref.version, patch, this.lroOptions())
                .pollUntilDone();
        });
    }
    /** Deletes the version and resolves once it is gone (already gone counts as done). */
    remove(ref) {
        return this.serial(ref, async () => {
            try {
                await this.settled(ref);
                await this.client.galleryImageVersions
                    .delete(ref.resourceGroup, ref.gallery, ref.definition, ref.version, this.lroOptions())
                    .pollUntilDone();
            }
            catch (error) {
                if (!isNotFound(error))
                    throw error;
            }
        });
    }
}

// EXTERNAL MODULE: ./src/providers/source-errors.ts
var source_errors = __webpack_require__(71881);
;// CONCATENATED MODULE: ./src/providers/azure/resolve.ts




const isLatest = (version) => (version ?? 'latest').toLowerCase() === 'latest';
async function resolveAzureSource(lookup, location, source) {
    const { publisher, offer, sku } = source;
    const urn = `${publisher}:${offer}:${sku}`;
    const latest = isLatest(source.version);
    const site = {
        cloud: lookup.cloud.name,
        provider: 'azure',
        region: location,
        source: (0,source_errors/* describeFields */.VO)({ publisher, offer, sku, version: source.version ?? 'latest' }),
        check: latest
            ? `publisher, offer and sku (az vm image list --location ${location} --publisher ${publisher} --offer ${offer} --sku ${sku} --all)`
            : `the version: marketplace versions are retired after a while (az vm image list --location ${location} --urn ${urn}:latest --all)`,
        permission: requiredRole('source', lookup.resourceGroup, lookup.gallery, lookup.subscription),
    };
    const operation = latest ? 'Virtual Machine Images - List' : 'Virtual Machine Images - Get';
    const call = { cloud: site.cloud, operation: `lookup of the source image ${urn}`, region: location, role: site.permission };
    let names;
    try {
        if (!latest) {
            const image = await lookup.client.virtualMachineImages.get(location, publisher, offer, sku, source.version);
            return { id: image.name || source.version, name: `${urn}:${image.name || source.version}`, pinned: true };
        }
        names = (await lookup.client.virtualMachineImages.list(location, publisher, offer, sku)).map((v) => v.name);
    }
    catch (error) {
        throw (0,source_errors/* sourceError */.I8)(site, isSdkError(error) ? azureError(call, error) : error);
    }
    const [version] = names.filter(Boolean).sort(newer);
    if (!version)
        throw (0,source_errors/* sourceNotFound */.Rf)(site, operation, `the marketplace lists no version of ${urn} in ${location}`);
    return { id: version, name: `${urn}:${version}`, pinned: false };
}
/** The source as the build uses it: the version the plan resolved in place of `latest` (prepareBuild reads its generation). */
function resolvedAzureSource(source, resolved) {
    if (!source || !('offer' in source))
        return undefined;
    return resolved ? { ...source, version: resolved.id } : source;
}

;// CONCATENATED MODULE: ./src/providers/azure/index.ts














class AzureProvider {
    cloud;
    client;
    subscription;
    provider = 'azure';
    scope = 'region';
    resourceGroup;
    gallery;
    inventoryCache;
    versions;
    usageIndex;
    now;
    log;
    pollIntervalMs;
    constructor(cloud, client, subscription, context, options = {}) {
        this.cloud = cloud;
        this.client = client;
        this.subscription = subscription;
        this.resourceGroup = cloud.resource_group ?? '';
        this.gallery = cloud.gallery ?? names/* DEFAULT_GALLERY */.zw;
        this.now = options.now ?? (() => new Date());
        this.log = context.log;
        this.pollIntervalMs = options.pollIntervalMs ?? 15_000;
        const cacheMs = options.cacheMs ?? 60_000;
        this.inventoryCache = new GalleryInventory(client, this.resourceGroup, this.gallery, cacheMs, this.now);
        this.usageIndex = new UsageIndex(client, cacheMs, this.now);
        this.versions = new GalleryVersions(client, {
            sleep: context.sleep ?? retry/* realSleep */.u,
            pollIntervalMs: this.pollIntervalMs,
            waitTimeoutMs: options.waitTimeoutMs ?? 3 * 3600_000,
            now: this.now,
        });
    }
    /** The marketplace version the source names today: the newest for `latest`, else the pinned one (resolve.ts). */
    resolveSource = (region, source) => resolveAzureSource(this, region, source);
    role(kind) {
        return requiredRole(kind, this.resourceGroup, this.gallery, this.subscription);
    }
    /** Runs an ARM call; SDK failures become one clear Error (our own Errors pass through). */
    async arm(call, fn) {
        try {
            return await fn();
        }
        catch (error) {
            throw isSdkError(error) ? azureError({ cloud: this.cloud.name, ...call }, error) : error;
        }
    }
    async inventory(region) {
        const snapshot = await this.arm({ operation: `inventory of gallery "${this.gallery}"`, region, role: this.role('read') }, () => this.inventoryCache.snapshot());
        return recordsIn(snapshot, region, this.now());
    }
    ref(image) {
        return (0,names/* parseAzureImageId */.Bk)(image.id);
    }
    unsupportedForManaged(image, operation, instead) {
        throw new Error(`cloud "${this.cloud.name}" (azure): ${operation} of managed image ${image.name} is not supported: ${instead}`);
    }
    async copy(image, region, options = {}) {
        const ref = this.ref(image);
        if (ref.kind === 'managed-image') {
            this.unsupportedForManaged(image, 'copy', `Azure cannot copy managed images between regions; publish images to the gallery "${this.gallery}" and copy the gallery version`);
        }
        const target = { name: region };
        const des = options.kmsKeyId ?? (options.encrypted ? this.cloud.kms_key_id : undefined);
        if (options.encrypted && !des) {
            throw new Error(`cloud "${this.cloud.name}" (azure): encrypted copy to ${region} needs a disk encryption set id (kms_key_id in topology.yml)`);
        }
        if (des)
            target.encryption = { osDiskImage: { diskEncryptionSetId: des } };
        const call = { operation: `copy of ${image.name}`, region, role: this.role('write') };
        const { before, poller } = await this.arm(call, () => this.versions.copy(ref, target));
        this.inventoryCache.invalidate();
        if (options.wait) {
            const wait = { image: image.name, timeoutMs: options.timeoutMs, onProgress: options.onProgress };
            const { entry, state } = await this.arm(call, () => this.versions.waitForCopy(ref, region, poller, wait));
            return versionRecord(entry, region, state);
        }
        if (!poller) {
            const entry = { definition: ref.definition, version: before, status: before.replicationStatus };
            return versionRecord(entry, region, versionState(entry, region, this.now()) ?? 'pending');
        }
        return versionRecord({ definition: ref.definition, version: before }, region, 'pending');
    }
    async tag(image, tags) {
        const ref = this.ref(image);
        const call = { operation: `tagging ${image.name}`, region: image.region, role: this.role('write') };
        await this.arm(call, async () => {
            if (ref.kind === 'managed-image') {
                const current = await this.client.images.get(ref.resourceGroup, ref.name);
                await this.client.images
                    .update(ref.resourceGroup, ref.name, { tags: { ...current.tags, ...tags } }, { updateIntervalInMs: this.pollIntervalMs })
                    .pollUntilDone();
                return;
            }
            await this.versions.update(ref, (version) => {
                const merged = { ...version.tags, ...tags };
                const same = Object.entries(tags).every(([k, v]) => version.tags?.[k] === v);
                return same ? undefined : { tags: merged };
            });
        });
        this.inventoryCache.invalidate();
    }
    async share(image, options) {
        const ref = this.ref(image);
        const where = `cloud "${this.cloud.name}" (azure): share of ${image.name}`;
        if (options.public) {
            throw new Error(`${where} as public is not supported: Azure publishes images only as a community gallery, which exposes the whole ` +
                `gallery "${this.gallery}" to every Azure user and cannot be limited to one image. If that is intended, create a ` +
                `separate gallery with community sharing yourself (az sig create --permissions community ...), point this cloud's ` +
                'gallery at it, and set share.public to false.');
        }
        if (options.accounts.length === 0)
            return;
        const principals = sharePrincipals(options.accounts, where);
        if (ref.kind === 'managed-image') {
            this.unsupportedForManaged(image, 'share', 'grant the other principals Reader on the image (Azure RBAC), or publish to the gallery');
        }
        const scope = (0,names/* definitionId */.bb)(ref);
        const call = { operation: `share of image definition "${ref.definition}"`, region: image.region, role: this.role('share') };
        await this.arm(call, async () => {
            for (const principal of principals)
                await grantReader(this.client, scope, principal);
        });
    }
    async deprecate(image, options = {}) {
        const ref = this.ref(image);
        const at = options.at ?? this.now();
        const replacement = options.replacement ? { [src_images/* TAGS */.gp.replacement]: options.replacement.name.slice(0, 256) } : {};
        const call = { operation: `deprecation of ${image.name}`, region: image.region, role: this.role('write') };
        await this.arm(call, async () => {
            if (ref.kind === 'managed-image') {
                const current = await this.client.images.get(ref.resourceGroup, ref.name);
                const tags = { ...current.tags, ...replacement, [src_images/* TAGS */.gp.deprecatedAt]: at.toISOString() };
                await this.client.images.update(ref.resourceGroup, ref.name, { tags }, { updateIntervalInMs: this.pollIntervalMs }).pollUntilDone();
                return;
            }
            await this.versions.update(ref, (version) => {
                const change = latestChange(version, true, { at, now: this.now() });
                return { tags: { ...version.tags, ...replacement, [src_images/* TAGS */.gp.deprecatedAt]: at.toISOString() }, ...change };
            });
        });
        this.inventoryCache.invalidate();
    }
    /**
     * Lets `versions/latest` resolve to the new gold: builds publish versions
     * excluded from latest (packer/sources/azure.ts), so only a promoted version
     * is what consumers of `latest` get. A managed image has no `latest`.
     */
    async promote(image) {
        const ref = this.ref(image);
        if (ref.kind === 'managed-image')
            return;
        const call = { operation: `promotion of ${image.name}`, region: image.region, role: this.role('write') };
        await this.arm(call, () => this.versions.update(ref, (version) => latestChange(version, false)));
        this.inventoryCache.invalidate();
    }
    async remove(image) {
        const ref = this.ref(image);
        const call = { operation: `removal of ${image.name}`, region: image.region, role: this.role('delete') };
        await this.arm(call, async () => {
            if (ref.kind === 'gallery-version')
                return this.versions.remove(ref);
            try {
                await this.client.images.delete(ref.resourceGroup, ref.name, { updateIntervalInMs: this.pollIntervalMs }).pollUntilDone();
            }
            catch (error) {
                if (!isNotFound(error))
                    throw error;
            }
        });
        this.inventoryCache.invalidate();
    }
    async inUse(image) {
        const call = { operation: `usage check of ${image.name}`, region: image.region, role: this.role('usage') };
        return this.arm(call, () => this.usageIndex.usage(image));
    }
    /** Creates the line's image definition, of the source's Hyper-V generation (generation.ts; the resolved version's, if any), unless it exists. */
    async prepareBuild(line) {
        const source = resolvedAzureSource(line.source, line.resolved);
        const call = { operation: 'lookup of the source image', region: line.region, role: this.role('source') };
        const hyperVGeneration = source && (await this.arm(call, () => sourceGeneration(this.client, line.region, source, this.log)));
        await this.ensureImageDefinition(line.image, line.os, { location: line.region, hyperVGeneration });
    }
    /**
     * Creates the gallery image definition for (recipe, os) unless it exists
     * (Packer publishes versions only into an existing definition). An existing
     * definition of another Hyper-V generation cannot take the version and
     * cannot be changed: that is an error saying what to do.
     */
    async ensureImageDefinition(recipe, os, options = {}) {
        const name = (0,names/* azureImageDefinition */._g)(recipe, os);
        const location = options.location ?? this.cloud.build_region;
        const generation = options.hyperVGeneration ?? 'V2';
        const call = { operation: `creation of image definition "${name}"`, region: location, role: this.role('write') };
        await this.arm(call, async () => {
            const existing = await this.client.galleryImages.get(this.resourceGroup, this.gallery, name).catch((error) => {
                if (isNotFound(error))
                    return undefined;
                throw error;
            });
            if (existing) {
                const has = existing.hyperVGeneration ?? 'V1';
                if (options.hyperVGeneration && has !== generation) {
                    throw new Error(`image definition "${name}" in gallery "${this.gallery}" is Hyper-V ${has}, the source image is ${generation}; ` +
                        "a definition's generation cannot be changed: use a source of generation " +
                        `${has}, or delete the definition (and its versions) so that it is created again as ${generation}`);
                }
                return;
            }
            const identifier = { publisher: 'image-builder', offer: name, sku: (0,names/* normalizeRegion */.wh)(os) || 'default' };
            const tags = { [src_images/* TAGS */.gp.managedBy]: 'true', [src_images/* TAGS */.gp.recipe]: recipe, [src_images/* TAGS */.gp.os]: os, [src_images/* TAGS */.gp.cloud]: this.cloud.name };
            const definition = { location, osType: options.osType ?? 'Linux', osState: 'Generalized', identifier, tags };
            await this.client.galleryImages
                .createOrUpdate(this.resourceGroup, this.gallery, name, { ...definition, hyperVGeneration: generation }, { updateIntervalInMs: this.pollIntervalMs })
                .pollUntilDone();
        });
        return name;
    }
}
async function createAzureProvider(cloud, context, options = {}) {
    const env = context.env ?? process.env;
    const subscription = cloud.subscription || env.AZURE_SUBSCRIPTION_ID;
    if (!subscription) {
        throw new Error(`cloud "${cloud.name}" (azure): no subscription: set "subscription" in topology.yml (or AZURE_SUBSCRIPTION_ID)`);
    }
    if (!cloud.resource_group) {
        throw new Error(`cloud "${cloud.name}" (azure): set "resource_group" in topology.yml (the resource group holding the gallery)`);
    }
    const endpoints = azureEndpoints(context.azureCloud, env);
    const { credential } = await azureCredential(env, endpoints.authorityHost, { ...options, mask: options.mask ?? context.mask });
    const ca = options.ca ?? (await caFromEnv(env, AZURE_CA_FILE_ENV));
    const client = createComputeClient(oneLineSignIn(cloud.name, credential), subscription, endpoints, { ...options, ca }, context.log);
    return new AzureProvider(cloud, client, subscription, context, options);
}


/***/ })

};
