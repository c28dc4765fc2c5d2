export const id = 310;
export const ids = [310];
export const modules = {

/***/ 88310:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createOpenStackProvider: () => (/* binding */ createOpenStackProvider)
});

// UNUSED EXPORTS: OpenStackProvider, sourceProperties

// EXTERNAL MODULE: ./src/images/index.ts + 2 modules
var src_images = __webpack_require__(93041);
// EXTERNAL MODULE: ./src/util/retry.ts
var retry = __webpack_require__(4266);
// EXTERNAL MODULE: ./src/providers/retry.ts
var providers_retry = __webpack_require__(77252);
// EXTERNAL MODULE: ./src/providers/errors.ts
var errors = __webpack_require__(61787);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./src/providers/openstack/clouds-yaml.ts
/**
 * clouds.yaml and secure.yaml, found and merged as openstacksdk does
 * (openstack/config/loader.py: CONFIG_FILES, SECURE_FILES,
 * OpenStackConfig.__init__ and _load_yaml_json_file; openstack/config/_util.py:
 * merge_clouds; its docs' "Splitting Secrets"):
 * - each file is looked for on its own, its variable first
 *   (OS_CLIENT_CONFIG_FILE, OS_CLIENT_SECURE_FILE), then the current
 *   directory, ~/.config/openstack and /etc/openstack, each place as .yaml,
 *   .yml and .json; the first that exists and can be read is used, so a
 *   secure.yaml need not sit beside the clouds.yaml that was found;
 * - secure.yaml is merged over clouds.yaml, mappings key by key at every
 *   depth, its values winning: a password or application_credential_secret
 *   may be written in secure.yaml only, and a cloud named in secure.yaml
 *   alone (even with no clouds.yaml at all) is a cloud like any other.
 * Where openstacksdk logs a warning and skips a file that does not parse, a
 * malformed file is an error here, naming the file and the line, so that a
 * secret kept in a broken secure.yaml is not silently left out.
 */




const SUFFIXES = ['.yaml', '.yml', '.json'];
const isMapping = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The places looked in after the variable: the current directory, ~/.config/openstack, /etc/openstack. */
function places(env, cwd) {
    return [cwd, external_node_path_default().join(env.HOME ?? external_node_os_default().homedir(), '.config', 'openstack'), '/etc/openstack'];
}
function searchList(base, variable, env, cwd) {
    return [
        ...(variable ? [external_node_path_default().resolve(cwd, variable)] : []),
        ...places(env, cwd).flatMap((dir) => SUFFIXES.map((suffix) => external_node_path_default().join(dir, base + suffix))),
    ];
}
/** The clouds.yaml files looked at, in order. */
function cloudsFiles(env, cwd = process.cwd()) {
    return searchList('clouds', env.OS_CLIENT_CONFIG_FILE, env, cwd);
}
/** The secure.yaml files looked at, in order. */
function secureFiles(env, cwd = process.cwd()) {
    return searchList('secure', env.OS_CLIENT_SECURE_FILE, env, cwd);
}
/** The first of `files` that exists and can be read (openstacksdk skips one it cannot open), parsed. */
function loadFirst(label, files) {
    for (const file of files) {
        if (!(0,external_node_fs_.existsSync)(file))
            continue;
        let text;
        try {
            text = (0,external_node_fs_.readFileSync)(file, 'utf8');
        }
        catch {
            continue;
        }
        let doc;
        try {
            doc = (0,dist/* parse */.qg)(text);
        }
        catch (error) {
            // Only the first line ("... at line 3, column 7:"): the parser's later lines quote the file, which may hold a
            // password (so no cause either).
            // eslint-disable-next-line preserve-caught-error
            throw new Error(`openstack cloud "${label}": ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ` +
                error.message.split('\n')[0]);
        }
        const clouds = isMapping(doc) ? (doc.clouds ?? {}) : doc;
        if (doc != null && !isMapping(clouds)) {
            throw new Error(`openstack cloud "${label}": ${file} is not of the form "clouds: { <name>: { auth: ... } }"; correct it`);
        }
        return { file, clouds: (clouds ?? {}) };
    }
    return undefined;
}
/** `over` merged over `base`: mappings key by key at every depth, anything else replaced (openstacksdk's merge_clouds). */
function merge(base, over) {
    const out = { ...base };
    for (const [key, value] of Object.entries(over)) {
        const old = out[key];
        out[key] = isMapping(value) ? merge(isMapping(old) ? old : {}, value) : value;
    }
    return out;
}
/**
 * The clouds.yaml entry `name` (named by `via`: "cloud:" or "OS_CLOUD"), with
 * secure.yaml's entry of that name merged over it, and the files it came from
 * for messages.
 */
function cloudEntry(label, name, via, env, cwd) {
    const clouds = loadFirst(label, cloudsFiles(env, cwd));
    const secure = loadFirst(label, secureFiles(env, cwd));
    if (!clouds && !secure) {
        const looked = [
            ...(env.OS_CLIENT_CONFIG_FILE ? [external_node_path_default().resolve(cwd, env.OS_CLIENT_CONFIG_FILE)] : []),
            ...places(env, cwd).map((dir) => external_node_path_default().join(dir, 'clouds.yaml')),
        ];
        throw new Error(`openstack cloud "${label}": ${via} names "${name}", but no clouds.yaml was found (looked at ${looked.join(', ')}, ` +
            'each also as .yml or .json, and for a secure.yaml in the same places); ' +
            'write one there (or set OS_CLIENT_CONFIG_FILE to its path), or leave cloud: out and set the OS_* variables');
    }
    const read = [clouds, secure].filter((f) => f !== undefined);
    const all = merge(clouds?.clouds ?? {}, secure?.clouds ?? {});
    const entry = all[name];
    if (!isMapping(entry)) {
        const known = Object.keys(all);
        throw new Error(`openstack cloud "${label}": ${read.map((f) => f.file).join(' and ')} ${read.length > 1 ? 'have' : 'has'} no cloud "${name}" ` +
            `(${via}); ` +
            (known.length
                ? `${read.length > 1 ? 'they have' : 'it has'} ${known.map((k) => `"${k}"`).join(', ')}: write one of them`
                : 'add it under clouds:'));
    }
    const holders = read.filter((f) => isMapping(f.clouds[name])).map((f) => f.file);
    return { entry, origin: `clouds.yaml entry "${name}" (${holders.join(', merged with ')})` };
}

;// CONCATENATED MODULE: ./src/providers/openstack/config.ts
/**
 * Where an OpenStack cloud's credentials come from, as the OpenStack client
 * tools read them (openstacksdk's "Configuring os-client-config
 * Applications"): the topology's `cloud:` names an entry of clouds.yaml,
 * with secure.yaml's entry of that name merged over it (clouds-yaml.ts says
 * where both are found); without `cloud:`, OS_CLOUD names the entry; without
 * either, the OS_* variables of an openrc file are used. Password and
 * application credentials (auth_type v3applicationcredential, the CI way) are
 * supported. No message ever holds a password or a secret.
 */

/**
 * The credentials of topology cloud `label`: the clouds.yaml entry `entry`
 * (or OS_CLOUD's), else the OS_* variables.
 */
function readAuth(label, entry, env, cwd = process.cwd()) {
    const name = entry ?? env.OS_CLOUD;
    if (name)
        return fromCloudsYaml(label, name, entry ? 'cloud:' : 'OS_CLOUD', env, cwd);
    return fromEnv(label, env);
}
const str = (v) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
function fromCloudsYaml(label, name, via, env, cwd) {
    const { entry, origin } = cloudEntry(label, name, via, env, cwd);
    const auth = (entry.auth ?? {});
    const type = str(entry.auth_type) ?? (str(auth.application_credential_secret) ? 'v3applicationcredential' : 'password');
    const regions = Array.isArray(entry.regions) ? entry.regions.map((r) => str(typeof r === 'object' ? r.name : r)) : [];
    return check(label, {
        authUrl: str(auth.auth_url) ?? '',
        method: /applicationcredential/.test(type)
            ? 'application_credential'
            : type.endsWith('password')
                ? 'password'
                : unsupported(label, type, origin),
        username: str(auth.username),
        userId: str(auth.user_id),
        userDomain: domain(auth.user_domain_id ?? auth.domain_id, auth.user_domain_name ?? auth.domain_name),
        password: str(auth.password),
        projectName: str(auth.project_name) ?? str(auth.tenant_name),
        projectId: str(auth.project_id) ?? str(auth.tenant_id),
        projectDomain: domain(auth.project_domain_id ?? auth.domain_id, auth.project_domain_name ?? auth.domain_name),
        appCredentialId: str(auth.application_credential_id),
        appCredentialName: str(auth.application_credential_name),
        appCredentialSecret: str(auth.application_credential_secret),
        region: str(entry.region_name) ?? regions[0],
        interface: normaliseInterface(str(entry.interface) ?? str(entry.endpoint_type)),
        origin,
    });
}
function fromEnv(label, env) {
    const v = (k) => str(env[`OS_${k}`]);
    if (!v('AUTH_URL')) {
        throw new Error(`openstack cloud "${label}": no credentials: write cloud: <entry of clouds.yaml> in the topology, or set OS_CLOUD, ` +
            'or the OS_* variables of an openrc file (OS_AUTH_URL, and OS_APPLICATION_CREDENTIAL_ID + OS_APPLICATION_CREDENTIAL_SECRET ' +
            'or OS_USERNAME + OS_PASSWORD + OS_PROJECT_NAME)');
    }
    const type = v('AUTH_TYPE') ?? (v('APPLICATION_CREDENTIAL_SECRET') ? 'v3applicationcredential' : 'password');
    const origin = 'the OS_* variables';
    return check(label, {
        authUrl: v('AUTH_URL') ?? '',
        method: /applicationcredential/.test(type)
            ? 'application_credential'
            : type.endsWith('password')
                ? 'password'
                : unsupported(label, type, origin),
        username: v('USERNAME'),
        userId: v('USER_ID'),
        userDomain: domain(env.OS_USER_DOMAIN_ID ?? env.OS_DOMAIN_ID, env.OS_USER_DOMAIN_NAME ?? env.OS_DOMAIN_NAME),
        password: v('PASSWORD'),
        projectName: v('PROJECT_NAME') ?? v('TENANT_NAME'),
        projectId: v('PROJECT_ID') ?? v('TENANT_ID'),
        projectDomain: domain(env.OS_PROJECT_DOMAIN_ID ?? env.OS_DOMAIN_ID, env.OS_PROJECT_DOMAIN_NAME ?? env.OS_DOMAIN_NAME),
        appCredentialId: v('APPLICATION_CREDENTIAL_ID'),
        appCredentialName: v('APPLICATION_CREDENTIAL_NAME'),
        appCredentialSecret: v('APPLICATION_CREDENTIAL_SECRET'),
        region: v('REGION_NAME'),
        interface: normaliseInterface(v('INTERFACE') ?? v('ENDPOINT_TYPE')),
        origin,
    });
}
function unsupported(label, type, origin) {
    throw new Error(`openstack cloud "${label}": auth_type "${type}" of ${origin} is not supported; use password (v3password) or v3applicationcredential`);
}
function domain(id, name) {
    const d = { id: str(id), name: str(name) };
    return d.id || d.name ? d : undefined;
}
function normaliseInterface(value) {
    return (value ?? 'public').replace(/URL$/, '').toLowerCase();
}
/** Keystone v3 under auth_url: a URL without a version gets /v3. */
function keystoneV3(url) {
    const trimmed = url.replace(/\/+$/, '');
    return /\/v3$/.test(trimmed) ? trimmed : `${trimmed.replace(/\/v2\.0$/, '')}/v3`;
}
/** The fields each method needs, named in the error with where to write them. */
function check(label, auth) {
    const missing = [];
    if (!/^https?:\/\//.test(auth.authUrl))
        missing.push('auth_url (OS_AUTH_URL): the Keystone URL, e.g. https://keystone.example.org:5000/v3');
    if (auth.method === 'application_credential') {
        if (!auth.appCredentialSecret)
            missing.push('application_credential_secret (OS_APPLICATION_CREDENTIAL_SECRET)');
        if (!auth.appCredentialId && !(auth.appCredentialName && (auth.username || auth.userId)))
            missing.push('application_credential_id (OS_APPLICATION_CREDENTIAL_ID), or its name with username');
    }
    else {
        if (!auth.username && !auth.userId)
            missing.push('username (OS_USERNAME)');
        if (!auth.password)
            missing.push('password (OS_PASSWORD)');
        if (!auth.projectName && !auth.projectId)
            missing.push('project_name or project_id (OS_PROJECT_NAME / OS_PROJECT_ID)');
    }
    if (missing.length > 0) {
        throw new Error(`openstack cloud "${label}": missing from ${auth.origin}: ${missing.join('; ')}`);
    }
    return { ...auth, authUrl: keystoneV3(auth.authUrl) };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/providers/openstack/errors.ts
/**
 * OpenStack failures in the providers' one vocabulary (errors.ts) and retry
 * policy (retry.ts). Keystone and Glance answer errors with an HTTP status
 * and, when asked with `Accept: application/json`, a body
 * `{"message": "...<br /><br />...", "code": "404 Not Found", "title": ...}`
 * (Glance, webob) or `{"error": {"code": 401, "message": ..., "title": ...}}`
 * (Keystone API reference, "Errors"). Glance answers a quota that an upload
 * would exceed with 413 (glance/api/v2/image_data.py: ImageSizeLimitExceeded,
 * StorageQuotaFull, LimitExceeded -> HTTPRequestEntityTooLarge).
 */


/** An HTTP answer that was not the expected one. */
class OpenStackHttpError extends Error {
    status;
    detail;
    retryAfterMs;
    constructor(status, detail, retryAfterMs) {
        super(`HTTP ${status}: ${detail}`);
        this.status = status;
        this.detail = detail;
        this.retryAfterMs = retryAfterMs;
        this.name = 'OpenStackHttpError';
    }
}
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);
/** The failure's network code (ECONNREFUSED, ETIMEDOUT for a deadline), when it never got an answer. */
function networkCode(error) {
    const e = error;
    const code = [e?.code, e?.cause?.code].find((c) => typeof c === 'string' && NETWORK.has(c));
    if (code)
        return code;
    if ([e?.name, e?.cause?.name].some((n) => n === 'TimeoutError' || n === 'AbortError'))
        return 'ETIMEDOUT';
    return undefined;
}
function failureKind(error) {
    if (error instanceof errors/* ProviderError */.mZ)
        return error.kind;
    if (!(error instanceof OpenStackHttpError))
        return networkCode(error) ? 'transient' : 'other';
    const s = error.status;
    if (s === 429)
        return 'throttled';
    if (s === 413)
        return 'quota';
    if (s === 401 || s === 403)
        return /quota/i.test(error.detail) ? 'quota' : 'permission';
    if (s === 404)
        return 'not-found';
    if (s === 409)
        return 'conflict';
    if (s >= 500 && s !== 501)
        return 'transient';
    return 'other';
}
/** The readable part of an error body (Glance's webob JSON, Keystone's error object, or text). */
function errorDetail(text) {
    let message = text;
    try {
        const body = JSON.parse(text);
        message = body.error?.message ?? body.message ?? body.title ?? text;
    }
    catch {
        // not JSON: an HTML page or plain text
    }
    return message
        .replace(/<br\s*\/?>/gi, ' ')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 400);
}
/** A ProviderError naming the cloud, the call, the status and what to do. */
function describeFailure(error, site) {
    if (error instanceof errors/* ProviderError */.mZ)
        return error;
    const kind = failureKind(error);
    const http = error instanceof OpenStackHttpError ? error : undefined;
    const code = http ? `HTTP ${http.status}` : (networkCode(error) ?? 'ERROR');
    const detail = http ? http.detail : (error?.message ?? String(error));
    const where = `openstack cloud "${site.cloud}"${site.region ? ` region ${site.region}` : ''}`;
    let advice = '';
    if (site.advice) {
        advice = ` ${site.advice}`;
    }
    else if (kind === 'quota') {
        advice =
            ' A quota of the project is exhausted (image count or total image size): remove unused images, or ask the cloud operator ' +
                'to raise the image quota. Not retried.';
    }
    else if (http?.status === 401) {
        advice = ' The token was refused: check the credentials of this cloud (clouds.yaml entry or OS_* variables). Not retried.';
    }
    else if (kind === 'permission') {
        advice =
            ' The project lacks the right to do this (Glance policy): the owner of the image must make this call, and making images ' +
                'public needs an admin; use visibility community or members instead. Not retried.';
    }
    else if (networkCode(error) === 'ETIMEDOUT') {
        advice = ` ${site.endpoint} did not answer within ${(0,providers_retry/* formatMs */._V)(site.requestMs)}, retries included: check the network path to it.`;
    }
    else if (kind === 'transient' || kind === 'throttled') {
        advice = ` ${site.endpoint} failed repeatedly; try again later.`;
    }
    return new errors/* ProviderError */.mZ(`${where}: ${site.operation} failed with ${code}: ${detail.replace(/\.+$/, '')}.${advice}`, { cloud: site.cloud, operation: site.operation, region: site.region, kind, code, statusCode: http?.status }, error);
}

;// CONCATENATED MODULE: ./src/providers/openstack/auth.ts
/**
 * A Keystone v3 session: one `POST /v3/auth/tokens` (password with project
 * scope, or an application credential, which carries its own project),
 * the token from `X-Subject-Token`, the image endpoints of the catalog, and a
 * new token before the old one expires (Keystone API reference, "Password
 * authentication with scoped authorization", "Authenticating with an
 * Application Credential"). The token is handed to `mask` before any use.
 */




class KeystoneSession {
    options;
    current;
    /** Every log's masker: each token made is handed to all of them. */
    masks = new Set();
    constructor(options) {
        this.options = options;
        this.addMask(options.mask);
    }
    /** One more log to hide the tokens from: the token held now, and every later one. */
    addMask(mask) {
        if (!mask || this.masks.has(mask))
            return;
        this.masks.add(mask);
        void this.current?.then((token) => mask(token.value)).catch(() => undefined);
    }
    get authUrl() {
        return this.options.auth.authUrl;
    }
    /** A token with more than renewBeforeMs left: the one held, or a new one. */
    async token() {
        const now = (this.options.now ?? Date.now)();
        const held = this.current && (await this.current.catch(() => undefined));
        if (held && held.expiresAt - now > (this.options.renewBeforeMs ?? 5 * 60_000))
            return held;
        this.current = this.authenticate();
        this.current.catch(() => (this.current = undefined));
        return this.current;
    }
    /** Drops the held token (Glance refused it): the next call authenticates again. */
    invalidate() {
        this.current = undefined;
    }
    /**
     * The image service URL of `region` (the catalog's endpoint of type image,
     * the configured interface, that region), without a version suffix.
     */
    async imageEndpoint(region) {
        const found = await this.endpoint(['image'], region);
        if (found)
            return found.replace(/\/v2(\.\d+)?$/, '');
        const itf = this.options.auth.interface;
        const token = await this.token();
        const all = token.catalog.filter((s) => s.type === 'image').flatMap((s) => s.endpoints.filter((e) => e.interface === itf));
        const regions = [...new Set(all.map((e) => e.region_id ?? e.region))].filter(Boolean);
        throw new Error(`openstack cloud "${this.options.cloud}": region "${region}" has no ${itf} image (Glance) endpoint in the Keystone catalog ` +
            `of ${this.options.auth.origin}; ` +
            (regions.length
                ? `regions with one: ${regions.join(', ')}: use one of them under regions:`
                : 'the catalog has no image service at all'));
    }
    /** The URL of the first of `types` (compute, volumev3...) in `region` with the configured interface; undefined when none. */
    async endpoint(types, region) {
        const token = await this.token();
        const itf = this.options.auth.interface;
        for (const type of types) {
            const found = token.catalog
                .filter((s) => s.type === type)
                .flatMap((s) => s.endpoints)
                .find((e) => e.interface === itf && (e.region_id ?? e.region) === region);
            if (found)
                return found.url.replace(/\/+$/, '');
        }
        return undefined;
    }
    /** POST /v3/auth/tokens, throttled and transient failures retried under the providers' policy. */
    async authenticate() {
        const { auth, cloud, requestMs } = this.options;
        const url = `${auth.authUrl}/auth/tokens`;
        const post = async () => {
            const response = await fetch(url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json' },
                body: JSON.stringify({ auth: authBody(auth) }),
                signal: AbortSignal.timeout(requestMs),
            });
            const text = await response.text();
            if (response.status !== 201 && response.status !== 200)
                throw new OpenStackHttpError(response.status, errorDetail(text));
            return { response, text };
        };
        let answer;
        try {
            answer = await (0,retry/* withRetry */.b)(post, {
                attempts: providers_retry/* RETRY_POLICY */.yE.attempts,
                retryable: (error) => (0,providers_retry/* retryable */.PB)(failureKind(error)),
                delay: (error, n) => (0,providers_retry/* retryDelay */.a2)(n, failureKind(error), error.retryAfterMs),
                sleep: this.options.sleep ?? retry/* realSleep */.u,
            });
        }
        catch (error) {
            const status = error instanceof OpenStackHttpError ? error.status : 0;
            const what = auth.method === 'password' ? 'user name, password, domain or project' : 'application credential';
            throw describeFailure(error, {
                cloud,
                operation: 'keystone auth',
                endpoint: auth.authUrl,
                requestMs,
                advice: status === 401 || status === 403
                    ? `Keystone refused the ${what} of ${auth.origin}: correct them (an application credential may have expired or been deleted). Not retried.`
                    : undefined,
            });
        }
        const { response, text } = answer;
        const value = response.headers.get('x-subject-token') ?? '';
        if (value)
            for (const mask of this.masks)
                mask(value);
        const body = JSON.parse(text);
        const projectId = body.token.project?.id;
        if (!value || !projectId) {
            throw new Error(`openstack cloud "${cloud}": Keystone at ${auth.authUrl} gave ${value ? 'an unscoped' : 'no'} token for ${auth.origin}; ` +
                'name the project (project_name or project_id) or use an application credential');
        }
        return { value, expiresAt: Date.parse(body.token.expires_at), projectId, catalog: body.token.catalog ?? [] };
    }
}
const sessions = new Map();
/**
 * The session of these credentials in this process, made once: every command
 * and hook that reaches the same cloud shares its token (each new token costs
 * Glance a validation call to Keystone). Keyed by the cloud and the settings,
 * with the password or secret only as a hash.
 */
function sharedSession(options) {
    const { password, appCredentialSecret, origin: _origin, ...settings } = options.auth;
    const secret = (0,external_node_crypto_.createHash)('sha256')
        .update(`${password ?? ''}\0${appCredentialSecret ?? ''}`)
        .digest('hex');
    const key = JSON.stringify([options.cloud, settings, secret]);
    let session = sessions.get(key);
    if (!session)
        sessions.set(key, (session = new KeystoneSession(options)));
    session.addMask(options.mask);
    return session;
}
function authBody(auth) {
    const user = {
        ...(auth.userId ? { id: auth.userId } : { name: auth.username }),
        ...(auth.userId ? {} : { domain: auth.userDomain ?? { id: 'default' } }),
    };
    if (auth.method === 'application_credential') {
        const credential = auth.appCredentialId
            ? { id: auth.appCredentialId, secret: auth.appCredentialSecret }
            : { name: auth.appCredentialName, secret: auth.appCredentialSecret, user };
        return { identity: { methods: ['application_credential'], application_credential: credential } };
    }
    const project = auth.projectId
        ? { id: auth.projectId }
        : { name: auth.projectName, domain: auth.projectDomain ?? auth.userDomain ?? { id: 'default' } };
    return {
        identity: { methods: ['password'], password: { user: { ...user, password: auth.password } } },
        scope: { project },
    };
}

;// CONCATENATED MODULE: ./src/providers/openstack/http.ts
/**
 * One call to an OpenStack service with the session's token: the providers'
 * retry policy for throttled and transient failures (Retry-After honoured),
 * one new token when the service refuses the held one (401: expired or
 * revoked), a deadline per attempt, and a ProviderError that says what to do.
 * Bodies are made per attempt (a stream cannot be sent twice).
 */



const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch';
async function call(site, c) {
    const policy = {
        attempts: c.once ? 1 : (site.retry?.attempts ?? providers_retry/* RETRY_POLICY */.yE.attempts),
        throttledBaseMs: site.retry?.baseMs ?? providers_retry/* RETRY_POLICY */.yE.throttledBaseMs,
        transientBaseMs: site.retry?.baseMs ?? providers_retry/* RETRY_POLICY */.yE.transientBaseMs,
        maxDelayMs: site.retry?.maxMs ?? providers_retry/* RETRY_POLICY */.yE.maxDelayMs,
    };
    let renewed = false;
    try {
        return await (0,retry/* withRetry */.b)(() => attempt(site, c), {
            attempts: policy.attempts + 1,
            retryable: (error) => {
                if (error instanceof OpenStackHttpError && error.status === 401 && !renewed) {
                    renewed = true;
                    site.session.invalidate();
                    return 0;
                }
                const kind = failureKind(error);
                return kind === 'throttled' || kind === 'transient';
            },
            delay: (error, n) => error instanceof OpenStackHttpError && error.status === 401
                ? 0
                : (0,providers_retry/* retryDelay */.a2)(n, failureKind(error), error.retryAfterMs, policy),
            sleep: site.sleep,
            onRetry: (error, n, delay) => site.log?.(`openstack ${site.cloud}: ${c.operation} in ${site.region}: ${error.message} (attempt ${n}), again in ${delay} ms`),
        });
    }
    catch (error) {
        throw describeFailure(error, {
            cloud: site.cloud,
            region: site.region,
            operation: c.operation,
            endpoint: site.base,
            requestMs: c.timeoutMs ?? site.requestMs,
        });
    }
}
async function attempt(site, c) {
    const token = await site.session.token();
    const headers = { ...c.headers, 'x-auth-token': token.value, accept: 'application/json' };
    const init = { method: c.method, headers, signal: AbortSignal.timeout(c.timeoutMs ?? site.requestMs) };
    if (c.json !== undefined) {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(c.json);
    }
    else if (c.patch !== undefined) {
        headers['content-type'] = PATCH_TYPE;
        init.body = JSON.stringify(c.patch);
    }
    else if (c.body) {
        headers['content-type'] = c.contentType ?? 'application/octet-stream';
        const body = c.body();
        init.body = body;
        // Node's fetch sends a stream body chunked and needs duplex: 'half' for it.
        if (!(body instanceof Uint8Array))
            init.duplex = 'half';
    }
    const url = /^https?:\/\//.test(c.path) ? c.path : `${site.base}${c.path}`;
    const response = await fetch(url, init);
    const ok = c.expect ? c.expect.includes(response.status) : response.status >= 200 && response.status < 300;
    if (!ok) {
        const text = await response.text().catch(() => '');
        const after = response.headers.get('retry-after');
        const seconds = after === null ? NaN : Number(after);
        throw new OpenStackHttpError(response.status, errorDetail(text) || response.statusText, Number.isFinite(seconds) ? seconds * 1000 : undefined);
    }
    if (c.stream)
        return { status: response.status, headers: response.headers, body: undefined, response };
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) };
}

;// CONCATENATED MODULE: ./src/providers/openstack/glance.ts
/**
 * The Glance v2 calls this tool makes (Image service API v2 reference), in
 * one region. Observed on Glance 25 (Zed): create answers 201 with status
 * queued; the upload (`PUT /file`) 204; list pages carry `next` while a page
 * is full (the last page may be empty); PATCH needs the JSON-patch media
 * type, is atomic, and takes only string values for custom properties; a
 * member POST answers 200; deactivate/reactivate 204 and are idempotent
 * (403 on a queued image; a protected one is deactivated); a deactivated
 * image stays in its owner's list (a member-role user, owner and property
 * filters) and its properties can still be patched; DELETE 204, and 403
 * when the image is protected.
 */

/** Upload and download deadline (a large image takes long; one API call gets the site's requestMs). */
const TRANSFER_MS = 6 * 60 * 60_000;
class Glance {
    site;
    constructor(site) {
        this.site = site;
    }
    /** Every image matching the filters (exact property matches, os_hidden...), following `next` to the end. */
    async list(filters, pageSize = 200) {
        const query = new URLSearchParams({ ...filters, limit: String(pageSize), sort: 'created_at:asc' });
        let path = `/v2/images?${query}`;
        const images = [];
        const seen = new Set();
        while (path) {
            if (seen.has(path))
                throw new Error(`openstack cloud "${this.site.cloud}" region ${this.site.region}: Glance returned the page ${path} twice`);
            seen.add(path);
            const page = await call(this.site, {
                operation: 'list images',
                method: 'GET',
                path,
            });
            images.push(...page.body.images);
            path = page.body.next && page.body.images.length > 0 ? page.body.next : undefined;
        }
        return images;
    }
    async get(id) {
        try {
            return (await call(this.site, { operation: 'get image', method: 'GET', path: `/v2/images/${id}` })).body;
        }
        catch (error) {
            if (error.kind === 'not-found')
                return undefined;
            throw error;
        }
    }
    async create(fields) {
        // Not retried: a create whose answer was lost would leave a second queued image (inventory finds the first by fingerprint).
        return (await call(this.site, { operation: 'create image', method: 'POST', path: '/v2/images', json: fields, once: true }))
            .body;
    }
    /** Streams the image data; `body` is called once per attempt. */
    async upload(id, body, once = false) {
        await call(this.site, {
            operation: 'upload image data',
            method: 'PUT',
            path: `/v2/images/${id}/file`,
            body,
            timeoutMs: TRANSFER_MS,
            once,
        });
    }
    /** The image data as a stream (the caller reads it to the end). */
    async download(id) {
        const answer = await call(this.site, {
            operation: 'download image data',
            method: 'GET',
            path: `/v2/images/${id}/file`,
            stream: true,
            timeoutMs: TRANSFER_MS,
        });
        const body = answer.response?.body;
        if (!body)
            throw new Error(`openstack cloud "${this.site.cloud}" region ${this.site.region}: image ${id} has no data to download`);
        return body;
    }
    async patch(id, ops) {
        return (await call(this.site, { operation: 'update image', method: 'PATCH', path: `/v2/images/${id}`, patch: ops })).body;
    }
    async members(id) {
        return (await call(this.site, { operation: 'list image members', method: 'GET', path: `/v2/images/${id}/members` })).body.members;
    }
    async addMember(id, project) {
        // 409: already a member (the goal is reached).
        await call(this.site, {
            operation: 'add image member',
            method: 'POST',
            path: `/v2/images/${id}/members`,
            json: { member: project },
            expect: [200, 201, 409],
        });
    }
    async deactivate(id) {
        await call(this.site, { operation: 'deactivate image', method: 'POST', path: `/v2/images/${id}/actions/deactivate`, expect: [204] });
    }
    /** Deletes the image; true when it was there. */
    async remove(id) {
        const answer = await call(this.site, { operation: 'delete image', method: 'DELETE', path: `/v2/images/${id}`, expect: [204, 404] });
        return answer.status === 204;
    }
}

;// CONCATENATED MODULE: ./src/providers/openstack/records.ts
/**
 * Glance images as ImageRecords, and the properties this tool writes. Our
 * tags are Glance custom properties (strings only, Image service API v2
 * reference, "Image properties"); the list filter finds our images by one of
 * them, owned by the project, hidden or not.
 */

/** The properties that are ours: the tag vocabulary (images/tags.ts) and every ib-* key. */
function isOurProperty(key) {
    return key === src_images/* TAGS */.gp.managedBy || key.startsWith('ib-');
}
/** Our properties of an image, as tags. */
function propertiesOf(image) {
    const tags = {};
    for (const [key, value] of Object.entries(image))
        if (isOurProperty(key) && typeof value === 'string')
            tags[key] = value;
    return tags;
}
/**
 * queued, saving, uploading, importing -> pending; active -> available, or
 * deprecated when hidden (os_hidden, how this tool deprecates);
 * deactivated -> deprecated (a retired image waiting out
 * delete_retired_after: its ib-retired-at property becomes the record's
 * `retiredAt`); killed -> failed; deleted and pending_delete are on their
 * way out: undefined, left out of the inventory.
 */
function imageState(image) {
    switch (image.status) {
        case 'active':
            return image.os_hidden ? 'deprecated' : 'available';
        case 'deactivated':
            return 'deprecated';
        case 'killed':
            return 'failed';
        case 'deleted':
        case 'pending_delete':
            return undefined;
        default:
            return 'pending';
    }
}
function toRecord(image, region) {
    const state = imageState(image);
    if (!state)
        return undefined;
    const created = new Date(image.created_at);
    return (0,src_images/* fromTags */.y8)(propertiesOf(image), {
        id: image.id,
        name: image.name ?? image.id,
        region,
        state,
        createdAt: Number.isNaN(created.getTime()) ? '' : created.toISOString(),
    });
}
/** Glance's properties hold strings only (a number or boolean is refused with 400): every tag as text. */
function asProperties(tags) {
    return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
}
/** The part of `name` after an NREC prefix ("GOLD ", "Outdated "), as himlarcli names images. */
function baseName(name) {
    return name.replace(/^(GOLD|Outdated) /, '');
}
/** The standard image properties a source may set (Glance "Useful image properties"), kept apart from our tags. */
const SOURCE_PROPERTY = /^(hw_[a-z0-9_]+|os_distro|os_version|os_type|os_admin_user|hypervisor_type|architecture|img_[a-z0-9_]+)$/;

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./src/providers/openstack/transfer.ts
/**
 * Image data into Glance: a file built here (the build's upload) or another
 * region's image (distribution), streamed, never held in memory. Both are
 * idempotent and resumable: an image of the same name and fingerprint that is
 * already active is the result; one left queued by a broken upload gets its
 * data again; one left saving or killed is deleted and made anew. The data
 * Glance stored is checked against the source: Glance computes
 * os_hash_algo/os_hash_value (sha512 by default) and checksum (md5) of what
 * it received (Image service API v2 reference, "Image data").
 */




/** The hash Glance reports (its algorithm by Python's hashlib name: sha512, sha3_512...) over a file here; undefined when Node lacks it. */
async function fileHash(file, algorithm) {
    let hash;
    try {
        hash = (0,external_node_crypto_.createHash)(algorithm.replace(/_/g, '-'));
    }
    catch {
        return undefined;
    }
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}
/**
 * The image of this name and fingerprint in the region, ready for data:
 * active (done), or queued (ours to fill). Others of that identity in a
 * state that cannot take data are deleted first.
 */
async function slot(glance, owner, image) {
    const found = await glance.list({ owner, name: image.name, [src_images/* TAGS */.gp.fingerprint]: image.fingerprint, visibility: 'all' });
    const active = found.find((i) => i.status === 'active');
    if (active)
        return active;
    const queued = found.find((i) => i.status === 'queued');
    for (const stale of found)
        if (stale !== queued)
            await glance.remove(stale.id);
    if (queued)
        return queued;
    return glance.create({
        name: image.name,
        disk_format: image.disk_format,
        container_format: image.container_format ?? 'bare',
        visibility: 'private',
        ...(image.min_disk ? { min_disk: image.min_disk } : {}),
        ...(image.min_ram ? { min_ram: image.min_ram } : {}),
        ...image.properties,
    });
}
/** The stored image's hash is what `expected` says for its algorithm, else the image is deleted and the failure named. */
async function checkHash(glance, id, expected, what) {
    const stored = await glance.get(id);
    const where = `openstack cloud "${glance.site.cloud}" region ${glance.site.region}`;
    if (!stored || stored.status !== 'active') {
        throw new Error(`${where}: image ${id} is ${stored?.status ?? 'gone'} after its upload of ${what}; run again`);
    }
    const algo = stored.os_hash_algo ?? 'md5';
    const got = stored.os_hash_algo ? stored.os_hash_value : stored.checksum;
    const want = await expected(algo);
    // The md5 checksum every Glance reports, when the two sides hash differently.
    const md5 = want === undefined && algo !== 'md5' ? await expected('md5') : undefined;
    if (got && (got === want || (md5 !== undefined && stored.checksum === md5)))
        return stored;
    await glance.remove(id);
    throw new Error(`${where}: image ${id} does not hold the data of ${what}: Glance's ${algo} is ${got ?? 'missing'}, ` +
        `expected ${want ?? md5 ?? 'unknown'}; it was deleted, run again`);
}
/** Uploads `file` as the image (made or found), checks Glance's hash against the file; returns the active image. */
async function uploadFile(glance, owner, file, image, log) {
    const target = await slot(glance, owner, image);
    const expected = (algo) => fileHash(file, algo);
    if (target.status === 'active')
        return checkHash(glance, target.id, expected, file);
    log?.(`openstack ${glance.site.cloud}: uploading ${file} to image ${target.id} in ${glance.site.region}`);
    const started = Date.now();
    await glance.upload(target.id, () => external_node_stream_.Readable.toWeb((0,external_node_fs_.createReadStream)(file)));
    const done = await checkHash(glance, target.id, expected, file);
    log?.(`openstack ${glance.site.cloud}: uploaded ${rate((await external_node_fs_.promises.stat(file)).size, Date.now() - started)} to ${glance.site.region}`);
    return done;
}
/** `612.0 MiB in 9.8 s (62.4 MiB/s)`: what a transfer moved and how fast, hash check included. */
function rate(bytes, ms) {
    const mib = bytes / 1_048_576;
    const s = Math.max(ms, 1) / 1000;
    return `${mib.toFixed(1)} MiB in ${s.toFixed(1)} s (${(mib / s).toFixed(1)} MiB/s)`;
}
/**
 * Copies `source` (active, in `from`) into `to` as an image of the same name,
 * formats and properties, streaming its data from one Glance to the other;
 * checks the copy's hash against the source's.
 */
async function copyImage(from, to, owner, source, properties, log) {
    if (source.status !== 'active') {
        throw new Error(`openstack cloud "${from.site.cloud}" region ${from.site.region}: image ${source.id} is ${source.status}, only an active image can be copied`);
    }
    const image = {
        name: source.name ?? source.id,
        fingerprint: String(source[src_images/* TAGS */.gp.fingerprint] ?? ''),
        disk_format: source.disk_format ?? 'qcow2',
        container_format: source.container_format ?? 'bare',
        properties,
        min_disk: typeof source.min_disk === 'number' ? source.min_disk : undefined,
        min_ram: typeof source.min_ram === 'number' ? source.min_ram : undefined,
    };
    const target = await slot(to, owner, image);
    const expected = async (algo) => (algo === source.os_hash_algo ? source.os_hash_value : algo === 'md5' ? source.checksum : undefined) ?? undefined;
    const what = `image ${source.id} of ${from.site.region}`;
    if (target.status !== 'active') {
        log?.(`openstack ${to.site.cloud}: streaming ${what} into ${target.id} in ${to.site.region}`);
        // Every attempt downloads anew: a stream is read once.
        const body = () => lazyStream(() => from.download(source.id));
        const started = Date.now();
        await to.upload(target.id, body);
        const done = await checkHash(to, target.id, expected, what);
        if (typeof source.size === 'number')
            log?.(`openstack ${to.site.cloud}: copied ${rate(source.size, Date.now() - started)} to ${to.site.region}`);
        return done;
    }
    return checkHash(to, target.id, expected, what);
}
/** A stream that opens its source on the first read (the upload's body factory is synchronous). */
function lazyStream(open) {
    let reader;
    return new ReadableStream({
        async pull(controller) {
            reader ??= (await open()).getReader();
            const { done, value } = await reader.read();
            if (done)
                controller.close();
            else
                controller.enqueue(value);
        },
        async cancel(reason) {
            await reader?.cancel(reason);
        },
    });
}

;// CONCATENATED MODULE: ./src/providers/openstack/usage.ts

/** Every item of a paged Nova or Cinder list, following the next links. */
async function usage_all(site, first, key, headers) {
    const ids = [];
    const seen = new Set();
    let path = first;
    while (path && !seen.has(path)) {
        seen.add(path);
        const page = await call(site, { operation: `list ${key}`, method: 'GET', path, headers });
        const items = page.body[key] ?? [];
        ids.push(...items.map((i) => i.id));
        const next = page.body[`${key}_links`]?.find((l) => l.rel === 'next')?.href;
        path = items.length > 0 ? next : undefined;
    }
    return ids;
}
/** "server <id>" and "volume <id>" for each user of the image in `region`. */
async function findUsage(session, siteFor, region, imageId) {
    const references = [];
    const compute = await session.endpoint(['compute'], region);
    if (compute) {
        const servers = await usage_all(siteFor(compute), `/servers/detail?image=${encodeURIComponent(imageId)}`, 'servers');
        references.push(...servers.map((id) => `server ${id}`));
    }
    const volume = await session.endpoint(['volumev3', 'block-storage', 'volume'], region);
    if (volume) {
        const filter = encodeURIComponent(JSON.stringify({ image_id: imageId }));
        const volumes = await usage_all(siteFor(volume), `/volumes/detail?glance_metadata=${filter}`, 'volumes', {
            'openstack-api-version': 'volume 3.4',
        });
        references.push(...volumes.map((id) => `volume ${id}`));
    }
    return references;
}

// EXTERNAL MODULE: ./src/providers/local/resolve.ts
var resolve = __webpack_require__(72422);
;// CONCATENATED MODULE: ./src/providers/openstack/index.ts











async function createOpenStackProvider(cloud, context, options = {}) {
    const env = context.env ?? process.env;
    const auth = readAuth(cloud.name, cloud.cloud, env, options.cwd);
    for (const secret of [auth.password, auth.appCredentialSecret])
        if (secret)
            context.mask?.(secret);
    const session = sharedSession({
        cloud: cloud.name,
        auth,
        mask: context.mask,
        sleep: context.sleep,
        requestMs: options.requestMs ?? providers_retry/* TIMEOUTS */.fT.requestMs,
    });
    await session.token();
    return new OpenStackProvider(cloud, session, context, options);
}
class OpenStackProvider {
    cloud;
    session;
    context;
    options;
    provider = 'openstack';
    scope = 'region';
    glances = new Map();
    constructor(cloud, session, context, options = {}) {
        this.cloud = cloud;
        this.session = session;
        this.context = context;
        this.options = options;
    }
    /** Built by the local QEMU path: its source resolves as a local one (the suite's Release file, or the pinned disk). */
    resolveSource = (region, source) => (0,resolve/* resolveLocalSource */.B)(region, source, {
        env: this.context.env,
        sleep: this.context.sleep,
        log: this.context.log,
        cloud: this.cloud.name,
    });
    /** The Glance of `region` (its endpoint from the catalog). */
    glance(region) {
        let glance = this.glances.get(region);
        if (!glance) {
            glance = this.session.imageEndpoint(region).then((base) => new Glance(this.site(region, base)));
            glance.catch(() => this.glances.delete(region));
            this.glances.set(region, glance);
        }
        return glance;
    }
    /** Our images of the project in `region`, hidden (deprecated) ones included. */
    async inventory(region) {
        const glance = await this.glance(region);
        const owner = (await this.session.token()).projectId;
        const filters = { owner, [src_images/* TAGS */.gp.managedBy]: 'true', visibility: 'all' };
        const [shown, hidden] = await Promise.all([
            glance.list(filters, this.options.pageSize),
            glance.list({ ...filters, os_hidden: 'true' }, this.options.pageSize),
        ]);
        const byId = new Map([...shown, ...hidden].map((i) => [i.id, i]));
        return [...byId.values()]
            .map((image) => toRecord(image, region))
            .filter((r) => r !== undefined)
            .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    }
    /** Uploads a disk built here into `region` as a new image with `tags` and the source's settings. */
    async upload(file, record, source, diskFormat) {
        const glance = await this.glance(record.region);
        const owner = (await this.session.token()).projectId;
        const properties = asProperties({ ...sourceProperties(source), ...record.tags });
        const image = await uploadFile(glance, owner, file, { name: record.name, fingerprint: record.fingerprint, disk_format: diskFormat, properties }, this.context.log);
        return this.record(image, record.region);
    }
    /** Streams the image from its region's Glance into `region`'s; an image already there (same name and fingerprint) is the copy. */
    async copy(image, region, _options) {
        if (region === image.region)
            return image;
        const from = await this.glance(image.region);
        const to = await this.glance(region);
        const source = await from.get(image.id);
        if (!source)
            throw new Error(`openstack cloud "${this.cloud.name}" region ${image.region}: image ${image.id} (${image.name}) is gone; run plan again`);
        const properties = {};
        for (const [key, value] of Object.entries(source)) {
            if (typeof value === 'string' && (isOurProperty(key) || SOURCE_PROPERTY.test(key)))
                properties[key] = value;
        }
        properties[src_images/* TAGS */.gp.channel] = 'candidate';
        const owner = (await this.session.token()).projectId;
        const copied = await copyImage(from, to, owner, source, properties, this.context.log);
        return this.record(copied, region);
    }
    /** Sets the tags as properties (one atomic JSON patch); values already set are left alone. */
    async tag(image, tags) {
        const glance = await this.glance(image.region);
        const current = await this.current(glance, image);
        const ops = Object.entries(asProperties(tags))
            .filter(([key, value]) => current[key] !== value)
            .map(([key, value]) => ({ op: 'add', path: `/${pointer(key)}`, value }));
        if (ops.length > 0)
            await glance.patch(image.id, ops);
    }
    /**
     * `public`: community visibility, which every project may boot (Glance
     * allows members on shared images only, and a community image needs none);
     * else the project ids as members (visibility shared).
     */
    async share(image, options) {
        const glance = await this.glance(image.region);
        const current = await this.current(glance, image);
        if (options.public) {
            if (current.visibility !== 'public' && current.visibility !== 'community')
                await glance.patch(image.id, [{ op: 'replace', path: '/visibility', value: 'community' }]);
            return;
        }
        if (options.accounts.length === 0)
            return;
        if (current.visibility !== 'shared')
            await glance.patch(image.id, [{ op: 'replace', path: '/visibility', value: 'shared' }]);
        const members = new Set((await glance.members(image.id)).map((m) => m.member_id));
        for (const project of options.accounts)
            if (!members.has(project))
                await glance.addMember(image.id, project);
    }
    /** Hides the image (os_hidden), records when and by what it was replaced; NREC naming: "Outdated <name>". */
    async deprecate(image, options = {}) {
        const glance = await this.glance(image.region);
        const current = await this.current(glance, image);
        const ops = [
            { op: 'replace', path: '/os_hidden', value: true },
            { op: 'add', path: `/${src_images/* TAGS */.gp.deprecatedAt}`, value: (options.at ?? new Date()).toISOString() },
        ];
        if (options.replacement)
            ops.push({ op: 'add', path: `/${src_images/* TAGS */.gp.replacement}`, value: options.replacement.id });
        if (this.cloud.naming === 'gold-prefix')
            ops.push({ op: 'replace', path: '/name', value: `Outdated ${baseName(current.name ?? image.name)}` });
        await glance.patch(image.id, ops);
    }
    /** NREC naming: the gold image is renamed "GOLD <name>". */
    async promote(image) {
        if (this.cloud.naming !== 'gold-prefix')
            return;
        const glance = await this.glance(image.region);
        const current = await this.current(glance, image);
        const name = `GOLD ${baseName(current.name ?? image.name)}`;
        if (current.name !== name)
            await glance.patch(image.id, [{ op: 'replace', path: '/name', value: name }]);
    }
    /**
     * Deactivates the image (no new server boots from it; Glance keeps it, and
     * lists it to its owner) and records `at` in ib-retired-at; one already
     * deactivated only gets the time. A protected image is refused: it would
     * never be deleted after the window.
     */
    async deactivate(image, at) {
        const glance = await this.glance(image.region);
        const current = await this.current(glance, image);
        if (current.protected)
            throw this.isProtected(image, current.name, 'deactivated or deleted', 'deactivate image');
        if (current.status === 'active')
            await glance.deactivate(image.id);
        await glance.patch(image.id, [{ op: 'add', path: `/${pointer(src_images/* TAGS */.gp.retiredAt)}`, value: at.toISOString() }]);
    }
    /** Deactivates the image (no new server boots from it), then deletes it; a protected image is refused, one already gone is done. */
    async remove(image) {
        const glance = await this.glance(image.region);
        const current = await glance.get(image.id);
        if (!current)
            return;
        if (current.protected)
            throw this.isProtected(image, current.name, 'deleted', 'delete image');
        if (current.status === 'active')
            await glance.deactivate(image.id);
        await glance.remove(image.id);
    }
    isProtected(image, name, never, operation) {
        return new errors/* ProviderError */.mZ(`openstack cloud "${this.cloud.name}" region ${image.region}: image ${image.id} (${name}) is protected, so it is never ${never}; ` +
            'unset protected on it (openstack image set --unprotected) if it should go', { cloud: this.cloud.name, operation, region: image.region, kind: 'permission', code: 'protected' });
    }
    async inUse(image) {
        const references = await findUsage(this.session, (base) => this.site(image.region, base), image.region, image.id);
        return { inUse: references.length > 0, references };
    }
    async current(glance, image) {
        const current = await glance.get(image.id);
        if (!current)
            throw new Error(`openstack cloud "${this.cloud.name}" region ${image.region}: image ${image.id} (${image.name}) is gone; run plan again`);
        return current;
    }
    record(image, region) {
        const record = toRecord(image, region);
        if (!record)
            throw new Error(`openstack cloud "${this.cloud.name}" region ${region}: image ${image.id} is ${image.status}`);
        return record;
    }
    site(region, base) {
        return {
            cloud: this.cloud.name,
            region,
            session: this.session,
            base,
            requestMs: this.options.requestMs ?? providers_retry/* TIMEOUTS */.fT.requestMs,
            sleep: this.context.sleep ?? retry/* realSleep */.u,
            log: this.context.log,
            retry: this.options.retry,
        };
    }
}
/** The Glance properties a source sets: os_distro, os_version and its `properties` (hw_*...). */
function sourceProperties(source) {
    const out = { ...(source.properties ?? {}) };
    if (source.os_distro)
        out.os_distro = source.os_distro;
    if (source.os_version)
        out.os_version = source.os_version;
    return out;
}
/** A property name as a JSON pointer segment (RFC 6901: ~ -> ~0, / -> ~1). */
function pointer(key) {
    return key.replace(/~/g, '~0').replace(/\//g, '~1');
}


/***/ })

};
