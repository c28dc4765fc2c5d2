export const id = 731;
export const ids = [731];
export const modules = {

/***/ 74731:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createAwsProvider: () => (/* binding */ createAwsProvider)
});

// UNUSED EXPORTS: AwsProvider, credentialsFromEnv, endpointFromEnv

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ec2/dist-cjs/index.js
var dist_cjs = __webpack_require__(35193);
// EXTERNAL MODULE: ./src/images/index.ts + 2 modules
var src_images = __webpack_require__(93041);
// EXTERNAL MODULE: ./src/util/retry.ts
var retry = __webpack_require__(4266);
// EXTERNAL MODULE: ./src/providers/errors.ts
var errors = __webpack_require__(61787);
// EXTERNAL MODULE: ./src/providers/retry.ts
var providers_retry = __webpack_require__(77252);
;// CONCATENATED MODULE: ./src/providers/aws/errors.ts
/**
 * EC2 error classification into the providers' shared kinds, and the advice
 * users see. The retry strategy (retry.ts) asks `isRetryable`; the provider
 * turns every error it does not handle into a ProviderError naming the
 * cloud, the operation, the region, EC2's error code and what to do.
 */


/** EC2 codes that mean "slow down" (the SDK's list plus EC2's own spellings). */
const THROTTLING = new Set([
    'RequestLimitExceeded',
    'Throttling',
    'ThrottlingException',
    'ThrottledException',
    'RequestThrottled',
    'RequestThrottledException',
    'EC2ThrottledException',
    'SlowDown',
    'TooManyRequestsException',
    'BandwidthLimitExceeded',
    'PriorRequestNotComplete',
]);
/** Credentials that are missing, wrong, expired or lack an IAM permission. */
const PERMISSION = new Set([
    'UnauthorizedOperation',
    'AuthFailure',
    'AccessDenied',
    'AccessDeniedException',
    'InvalidClientTokenId',
    'SignatureDoesNotMatch',
    'IncompleteSignature',
    'MissingAuthenticationToken',
    'ExpiredToken',
    'ExpiredTokenException',
    'RequestExpired',
    'OptInRequired',
    'Blocked',
    'PendingVerification',
]);
/** Account limits: retrying cannot help until something changes. */
const QUOTA = new Set([
    'ResourceLimitExceeded',
    'AMIQuotaExceeded',
    'SnapshotLimitExceeded',
    'ConcurrentSnapshotLimitExceeded',
    'VolumeLimitExceeded',
    'InstanceLimitExceeded',
    'TagLimitExceeded',
    'MaxIOPSLimitExceeded',
    'ServiceQuotaExceededException',
]);
const TRANSIENT_CODES = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable', 'RequestTimeout']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** EC2's error code (the SDK puts it in `name`), or a Node network code. */
function errorCode(error) {
    const e = (error ?? {});
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code))
        return e.code;
    return e.name ?? 'Error';
}
/**
 * Credentials past their lifetime: ExpiredToken(Exception) ("The security
 * token included in the request is expired", AWS common errors) and
 * RequestExpired (EC2 common errors: the request reached EC2 more than 15
 * minutes after its date stamp, which is also what an expired session's
 * signature gets). Their own advice; their kind stays `permission`.
 */
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
/** Whether an EC2 error code means the credentials expired (see EXPIRED). */
function isExpired(code) {
    return EXPIRED.has(code);
}
/** A connection or request deadline of the SDK's NodeHttpHandler ran out (see client.ts). */
function isTimeout(error) {
    const e = (error ?? {});
    return e.name === 'TimeoutError' || e.code === 'ETIMEDOUT';
}
function httpStatus(error) {
    return error?.$metadata?.httpStatusCode;
}
function classify(error) {
    const code = errorCode(error);
    if (THROTTLING.has(code))
        return 'throttled';
    if (PERMISSION.has(code))
        return 'permission';
    if (QUOTA.has(code) || /QuotaExceeded$/.test(code))
        return 'quota';
    if (code.endsWith('.NotFound') || code.endsWith('.Malformed'))
        return 'not-found';
    const status = httpStatus(error);
    if (status === 429)
        return 'throttled';
    if (/LimitExceeded$/.test(code) && status !== undefined && status < 500)
        return 'quota';
    if (TRANSIENT_CODES.has(code) || NETWORK_CODES.has(code) || code === 'TimeoutError')
        return 'transient';
    if (status !== undefined && [500, 502, 503, 504].includes(status))
        return 'transient';
    if (code.endsWith('.Duplicate') || code === 'IncorrectState' || code === 'IncorrectInstanceState')
        return 'conflict';
    return 'other';
}
/**
 * May the SDK try this call again? Throttling and transient failures only.
 * `sdkSaysTransient` is the SDK's own verdict, trusted for failures that
 * never reached EC2 (no HTTP status: sockets, timeouts).
 */
function isRetryable(error, sdkSaysTransient = false) {
    const kind = classify(error);
    if ((0,providers_retry/* retryable */.PB)(kind))
        return true;
    if (kind === 'other' && httpStatus(error) === undefined)
        return sdkSaysTransient;
    // The SDK corrected its clock after a skew error: one more try is right.
    return kind === 'permission' && error.$metadata?.clockSkewCorrected === true;
}
/** What to do about an error of this kind, in one or two sentences. */
function advice(kind, code, site, attempts) {
    const action = `ec2:${site.operation}`;
    switch (kind) {
        case 'permission':
            if (EXPIRED.has(code)) {
                return ('The AWS credentials expired before this call (the role session from aws-actions/configure-aws-credentials ' +
                    'lasts role-duration-seconds, 1 hour by default): set role-duration-seconds longer (up to the maximum session ' +
                    "duration of the role) or split the work into shorter jobs, then run again; if they are fresh, check this machine's clock " +
                    '(EC2 refuses requests dated more than 15 minutes off).');
            }
            if (code === 'UnauthorizedOperation' || code.startsWith('AccessDenied')) {
                return (`Grant the IAM permission ${action} in ${site.region} to the role the workflow assumes ` +
                    `(aws-actions/configure-aws-credentials role-to-assume)` +
                    (site.operation === 'CopyImage'
                        ? '; encrypted copies also need kms:CreateGrant, kms:Decrypt and kms:GenerateDataKey* on the key'
                        : '') +
                    '.');
            }
            if (code === 'OptInRequired')
                return `Enable the region ${site.region} for this account (it is an opt-in region).`;
            return ('The AWS credentials were refused: check that the job has `permissions: id-token: write` and that ' +
                'aws-actions/configure-aws-credentials assumed the intended role (or that AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are current).');
        case 'quota':
            if (site.operation === 'CopyImage') {
                return (`EC2 limits concurrent AMI copies and the number of AMIs and snapshots per region: lower the ` +
                    `distribution parallelism or wait for running copies into ${site.region}, remove unused images ` +
                    `(lifecycle with delete: true), or request a higher quota in Service Quotas (EC2, ${site.region}).`);
            }
            return `Remove unused resources (lifecycle with delete: true) or request a higher quota in Service Quotas (EC2, ${site.region}).`;
        case 'throttled':
            return (`EC2 was still throttling after ${attempts ?? 'several'} attempts: lower the parallelism, ` +
                'run fewer jobs against this account at once, or raise maxAttempts.');
        case 'not-found':
            return `The resource does not exist in ${site.region} (deleted, never copied there, or owned by another account).`;
        case 'transient':
            if (site.endpoint && site.timeouts) {
                return (`${site.endpoint} did not answer within the deadline (connect ${(0,providers_retry/* formatMs */._V)(site.timeouts.connectMs)}, ` +
                    `request ${(0,providers_retry/* formatMs */._V)(site.timeouts.requestMs)}) in ${attempts ?? 'several'} attempts: check the network path to it ` +
                    `(proxy, firewall, VPC endpoint) and AWS_ENDPOINT_URL_EC2 if set, and the AWS Health Dashboard for ${site.region}; then run again.`);
            }
            return `EC2 or the network failed after ${attempts ?? 'several'} attempts: re-run the job; check the AWS Health Dashboard for ${site.region}.`;
        case 'conflict':
            return 'Another operation holds the resource or it is in the wrong state: wait for it to finish and run again.';
        case 'other':
            return 'EC2 rejected the request: see its message above.';
    }
}
/**
 * The SDK found no credentials in its chain (environment, profile, SSO,
 * container and instance metadata): no request was sent. Its error is a
 * CredentialsProviderError (@smithy/property-provider), named "Could not
 * load credentials from any providers".
 */
function noCredentials(error, site) {
    return new errors/* ProviderError */.mZ(`no credentials found for cloud "${site.cloud}" (aws), so no request reached EC2: set AWS_ACCESS_KEY_ID and ` +
        'AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (aws configure / aws sso login), or on GitHub run aws-actions/configure-aws-credentials first.', { cloud: site.cloud, operation: site.operation, region: site.region, kind: 'permission', code: 'CredentialsProviderError' }, error);
}
/** The error users see. The SDK error stays reachable as `cause`. */
function awsError(error, site) {
    const code = errorCode(error);
    if (code === 'CredentialsProviderError')
        return noCredentials(error, site);
    const kind = classify(error);
    const attempts = error?.$metadata?.attempts;
    const retried = attempts !== undefined && attempts > 1 ? `after ${attempts} attempts` : 'not retried';
    const raw = (error?.message ?? String(error)).trim();
    const text = raw.length > 500 ? `${raw.slice(0, 500)}…` : raw;
    const timedOut = isTimeout(error);
    const where = { cloud: site.cloud, operation: site.operation, region: site.region };
    return new errors/* ProviderError */.mZ(`${site.cloud}: EC2 ${site.operation} in ${site.region} failed with ${code} (${retried}): ${text}. ` +
        advice(kind, code, timedOut ? site : where, attempts), { ...where, kind, code, statusCode: httpStatus(error) }, error);
}

;// CONCATENATED MODULE: ./src/providers/aws/retry.ts


/** The providers' shared backoff (exponential, full jitter). */
function defaultBackoff(attempt, throttled) {
    return (0,providers_retry/* retryDelay */.a2)(attempt, throttled ? 'throttled' : 'transient');
}
class Token {
    count;
    constructor(count) {
        this.count = count;
    }
    getRetryCount() {
        return this.count;
    }
    /** Always 0: the strategy has already waited (through the injectable sleep). */
    getRetryDelay() {
        return 0;
    }
    getRetryCost() {
        return undefined;
    }
}
class AwsRetryStrategy {
    options;
    mode = 'standard';
    maxAttempts;
    constructor(options) {
        this.options = options;
        this.maxAttempts = Math.max(1, options.maxAttempts ?? providers_retry/* RETRY_POLICY */.yE.attempts);
    }
    async acquireInitialRetryToken(_scope) {
        return new Token(0);
    }
    async refreshRetryTokenForRetry(token, info) {
        const attempt = token.getRetryCount() + 1;
        const sdkSaysTransient = info.errorType === 'TRANSIENT' || info.errorType === 'THROTTLING';
        if (attempt >= this.maxAttempts || !isRetryable(info.error, sdkSaysTransient)) {
            // The middleware rethrows the service error itself when refresh fails.
            throw new Error('No retry token available');
        }
        const throttled = info.errorType === 'THROTTLING';
        let delayMs = (this.options.backoff ?? defaultBackoff)(attempt, throttled);
        if (info.retryAfterHint instanceof Date) {
            const now = this.options.now?.() ?? Date.now();
            delayMs = Math.max(delayMs, Math.min(providers_retry/* RETRY_POLICY */.yE.maxDelayMs, info.retryAfterHint.getTime() - now));
        }
        delayMs = Math.max(0, Math.round(delayMs));
        this.options.onRetry?.({
            region: this.options.region,
            code: errorCode(info.error),
            attempt,
            maxAttempts: this.maxAttempts,
            delayMs,
        });
        await this.options.sleep(delayMs);
        return new Token(attempt);
    }
    recordSuccess(_token) {
        // No client-side retry quota: a run makes few calls per region and the
        // attempt cap bounds each one.
    }
}

;// CONCATENATED MODULE: ./src/providers/aws/client.ts
/**
 * One EC2Client per region, created on first use and cached. Endpoint and
 * credentials follow the AWS SDK's own conventions:
 * - endpoint: AWS_ENDPOINT_URL_EC2, then AWS_ENDPOINT_URL (unless
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), read from the provider's env.
 *   The SDK reads these from process.env by itself; we read them from
 *   `context.env` so a caller-supplied environment works the same way.
 * - credentials: an explicit `credentials` option; else static keys in a
 *   caller-supplied env (masked first); else the SDK default chain, which
 *   picks up what aws-actions/configure-aws-credentials exported after its
 *   OIDC exchange (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 *   AWS_SESSION_TOKEN, or AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), shared
 *   profiles, SSO, container and instance roles.
 */



/** The endpoint the SDK would use from these variables, or undefined for AWS itself. */
function endpointFromEnv(env) {
    if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true')
        return undefined;
    return env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL || undefined;
}
/**
 * Static keys from a caller-supplied environment. process.env is left to the
 * SDK chain, which also handles web identity, profiles and refreshes.
 */
function credentialsFromEnv(env, mask) {
    if (!env || env === process.env)
        return undefined;
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey)
        return undefined;
    const sessionToken = env.AWS_SESSION_TOKEN || undefined;
    for (const secret of [accessKeyId, secretAccessKey, sessionToken])
        if (secret)
            mask?.(secret);
    return { accessKeyId, secretAccessKey, sessionToken };
}
/**
 * The SDK's NodeHttpHandler options (@smithy/node-http-handler 4.x,
 * NodeHttpHandlerOptions in @smithy/types): `connectionTimeout` abandons a
 * connection not up in time; `requestTimeout` fails a request whose answer has
 * not begun in time, but only with `throwOnRequestTimeout` (without it the
 * handler merely logs a warning); `socketTimeout` fails a socket silent that
 * long, which also bounds an answer that stalls midway. Each failure is a
 * TimeoutError the retry strategy treats as transient.
 */
function requestHandlerOptions(deadlines) {
    return {
        connectionTimeout: deadlines.connectMs,
        requestTimeout: deadlines.requestMs,
        throwOnRequestTimeout: true,
        socketTimeout: deadlines.requestMs,
    };
}
class AwsClients {
    options;
    clients = new Map();
    endpoint;
    credentials;
    timeouts;
    constructor(options) {
        this.options = options;
        this.endpoint = options.endpoint ?? endpointFromEnv(options.env ?? process.env);
        this.credentials = options.credentials ?? credentialsFromEnv(options.env, options.mask);
        this.timeouts = (0,providers_retry/* timeouts */.Fw)(options.timeouts);
    }
    /** The endpoint calls into `region` go to, for messages. */
    endpointOf(region) {
        return this.endpoint ?? `https://ec2.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
    }
    get(region) {
        let client = this.clients.get(region);
        if (!client) {
            const retryStrategy = new AwsRetryStrategy({
                region,
                maxAttempts: this.options.maxAttempts,
                backoff: this.options.backoff,
                sleep: this.options.sleep,
                onRetry: this.options.onRetry,
            });
            client = new dist_cjs/* EC2Client */.gu5({
                region,
                maxAttempts: retryStrategy.maxAttempts,
                retryStrategy,
                requestHandler: requestHandlerOptions(this.timeouts),
                ...(this.endpoint ? { endpoint: this.endpoint } : {}),
                ...(this.credentials ? { credentials: this.credentials } : {}),
            });
            // The SDK's logger middleware copies every answer through its sensitive-data
            // filter for the logger, even for the default one that logs nothing; we give
            // it none, so it only cost time (a fifth of reading a page of 1,000 AMIs).
            client.middlewareStack.remove('loggerMiddleware');
            this.clients.set(region, client);
        }
        return client;
    }
    /** Closes every cached client's sockets. */
    destroy() {
        for (const client of this.clients.values())
            client.destroy();
        this.clients.clear();
    }
}

// EXTERNAL MODULE: ./src/providers/copy-wait.ts
var copy_wait = __webpack_require__(72079);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/providers/aws/records.ts
/**
 * Reading AMIs: the inventory query, single-image lookups, and the mapping
 * from EC2's Image to our ImageRecord.
 */



/** EC2 image states, mapped to ours. `deregistered` images are gone: left out. */
function mapState(image, now) {
    switch (image.State) {
        case 'pending':
        case 'transient':
            return 'pending';
        case 'available':
            return isDeprecated(image.DeprecationTime, now) ? 'deprecated' : 'available';
        case 'disabled':
            return 'deprecated';
        case 'deregistered':
            return undefined;
        default:
            // failed, invalid, error, and whatever EC2 adds later
            return 'failed';
    }
}
function isDeprecated(at, now) {
    if (!at)
        return false;
    const when = Date.parse(at);
    return Number.isFinite(when) && when <= now.getTime();
}
function tagMap(tags) {
    const out = {};
    for (const tag of tags ?? [])
        if (tag.Key !== undefined)
            out[tag.Key] = tag.Value ?? '';
    return out;
}
function snapshotIds(image) {
    const ids = [];
    for (const mapping of image.BlockDeviceMappings ?? []) {
        const id = mapping.Ebs?.SnapshotId;
        if (id && !ids.includes(id))
            ids.push(id);
    }
    return ids;
}
function isoDate(value) {
    const when = value ? Date.parse(value) : NaN;
    return Number.isFinite(when) ? new Date(when).toISOString() : '';
}
/**
 * EC2 Image -> ImageRecord, or undefined for images that no longer exist.
 * The cloud is what `ib-cloud` says, empty without it: an AMI without the tag
 * is nobody's, never taken for the current cloud's (images/ownership.ts).
 */
function toRecord(image, region, now) {
    const state = mapState(image, now);
    if (!state || !image.ImageId)
        return undefined;
    return (0,src_images/* fromTags */.y8)(tagMap(image.Tags), {
        id: image.ImageId,
        name: image.Name ?? image.ImageId,
        region,
        state,
        createdAt: isoDate(image.CreationDate),
    });
}
/**
 * Every AMI tagged image-builder=true owned by `owner`, page after page.
 * Owners see their deprecated and disabled AMIs too; both flags say so.
 */
async function describeManaged(client, query) {
    const images = [];
    let token;
    do {
        const page = await client.send(new dist_cjs/* DescribeImagesCommand */.ji5({
            Owners: [query.owner],
            Filters: [{ Name: `tag:${src_images/* TAGS */.gp.managedBy}`, Values: ['true'] }],
            IncludeDeprecated: true,
            IncludeDisabled: true,
            MaxResults: query.pageSize,
            NextToken: token,
        }));
        images.push(...(page.Images ?? []));
        token = page.NextToken || undefined;
    } while (token);
    return images;
}
/** One AMI by id, or undefined when EC2 does not know it (any more). */
async function describeOne(client, id) {
    try {
        const out = await client.send(new dist_cjs/* DescribeImagesCommand */.ji5({ ImageIds: [id], IncludeDeprecated: true, IncludeDisabled: true }));
        return out.Images?.find((image) => image.ImageId === id);
    }
    catch (error) {
        if (errorCode(error) === 'InvalidAMIID.NotFound' || errorCode(error) === 'InvalidAMIID.Unavailable')
            return undefined;
        throw error;
    }
}
/** Our own AMI with this name in the client's region (names are unique per account and region). */
async function describeByName(client, owner, name) {
    const out = await client.send(new dist_cjs/* DescribeImagesCommand */.ji5({
        Owners: [owner],
        Filters: [{ Name: 'name', Values: [name] }],
        IncludeDeprecated: true,
        IncludeDisabled: true,
    }));
    return out.Images?.find((image) => image.Name === name && image.State !== 'deregistered');
}

;// CONCATENATED MODULE: ./src/providers/aws/copy.ts
/**
 * CopyImage, made safe to repeat:
 * - a deterministic ClientToken (CopyImageRequest.ClientToken, API reference
 *   "Ensuring idempotency"): a retry of an accepted copy gets the same ImageId
 *   back instead of InvalidAMIName.Duplicate;
 * - on InvalidAMIName.Duplicate (a re-run with another token), the AMI of
 *   that name is adopted only if its `ib-owner` and `ib-fingerprint` tags are
 *   the source's: an AMI of another topology is never taken for ours.
 * Tags go through TagSpecifications only (CopyImageTags would copy the same
 * keys a second time).
 */





/** At most 64 ASCII characters (CopyImageRequest.ClientToken). */
function copyToken(sourceId, region, name) {
    return (0,external_node_crypto_.createHash)('sha256').update(`${sourceId}\n${region}\n${name}`).digest('hex');
}
async function startCopy(c, req) {
    const { image, region, tags } = req;
    try {
        const out = await c.send(new dist_cjs/* CopyImageCommand */.SDF({
            SourceImageId: image.id,
            SourceRegion: image.region,
            Name: image.name,
            ClientToken: copyToken(image.id, region, image.name),
            TagSpecifications: [
                { ResourceType: 'image', Tags: tags },
                { ResourceType: 'snapshot', Tags: tags },
            ],
            Encrypted: req.encrypted,
            KmsKeyId: req.encrypted ? req.kmsKeyId : undefined,
        }));
        if (!out.ImageId)
            throw new Error('CopyImage returned no ImageId');
        return { id: out.ImageId };
    }
    catch (error) {
        // A re-run: the copy already exists (or is under way) under the same name.
        if (errorCode(error) !== 'InvalidAMIName.Duplicate')
            throw error;
        const existing = await describeByName(c, req.owner, image.name);
        // Not listed yet (eventual consistency): the Duplicate error stands, a re-run finds it.
        if (!existing?.ImageId)
            throw error;
        const theirs = (key) => existing.Tags?.find((t) => t.Key === key)?.Value;
        const ownerOk = theirs(src_images/* TAGS */.gp.owner) === image.tags[src_images/* TAGS */.gp.owner];
        const fingerprintOk = theirs(src_images/* TAGS */.gp.fingerprint) === image.fingerprint;
        if (ownerOk && fingerprintOk)
            return { id: existing.ImageId };
        return {
            foreign: `the AMI name ${image.name} is already used in ${region} by ${existing.ImageId} ` +
                `(${src_images/* TAGS */.gp.owner}=${theirs(src_images/* TAGS */.gp.owner) ?? 'none'}, ${src_images/* TAGS */.gp.fingerprint}=${theirs(src_images/* TAGS */.gp.fingerprint) ?? 'none'}; ` +
                `this copy needs ${src_images/* TAGS */.gp.owner}=${image.tags[src_images/* TAGS */.gp.owner] ?? 'none'}, ${src_images/* TAGS */.gp.fingerprint}=${image.fingerprint}), ` +
                "so it is not this topology's copy: find out who made it; deregister or rename it deliberately, then run distribute again",
        };
    }
}

;// CONCATENATED MODULE: ./src/providers/aws/kms.ts
const ARN = /^arn:(aws[-a-z]*):kms:([^:]+):(\d+):(key|alias)\/(.+)$/;
/** The key for copies into `region`: kms_key_ids[region], else kms_key_id. */
function kmsKeyFor(cloud, region) {
    return cloud.kms_key_ids?.[region] ?? cloud.kms_key_id;
}
/**
 * The key as EC2 must get it in `region`, or a problem saying what to write.
 * - an alias (`alias/name`) or a multi-Region key id (`mrk-...`): valid in every region where it exists;
 * - a multi-Region key ARN: its replica in `region` has the same ARN with that region;
 * - a key or alias ARN of another region: refused;
 * - a bare single-region key id: only in the build region, where the build used it.
 */
function keyInRegion(cloud, key, region) {
    const fix = `set kms_key_ids: { ${region}: <key ARN in ${region}> } on cloud ${cloud.name}, or use a multi-Region key (mrk-...) or an alias that exists in every region`;
    const arn = ARN.exec(key);
    if (arn) {
        const [, partition, keyRegion, account, kind, id] = arn;
        if (keyRegion === region)
            return { key };
        if (kind === 'key' && id.startsWith('mrk-'))
            return { key: `arn:${partition}:kms:${region}:${account}:key/${id}` };
        return { problem: `the KMS key ${key} is in ${keyRegion}, but copies into ${region} need a key in ${region}: ${fix}` };
    }
    if (key.startsWith('alias/') || key.startsWith('mrk-') || region === cloud.build_region)
        return { key };
    return { problem: `the KMS key id ${key} names a single-region key, which cannot encrypt copies into ${region}: ${fix}` };
}
/** Every destination region's key, checked; throws one error listing every problem. */
function checkCopyKeys(cloud, regions) {
    const problems = [];
    for (const region of regions) {
        const key = kmsKeyFor(cloud, region);
        if (!key)
            continue;
        const checked = keyInRegion(cloud, key, region);
        if ('problem' in checked)
            problems.push(checked.problem);
    }
    if (problems.length > 0)
        throw new Error(`${cloud.name}: no copy was started: ${problems.join('; ')}`);
}
/** Whether a snapshot's key (an ARN, as DescribeSnapshots gives it) is `configured` (id, ARN or alias). */
function sameKey(configured, actual) {
    if (configured === actual)
        return true;
    const id = ARN.exec(configured)?.[5] ?? configured;
    return !configured.startsWith('alias/') && ARN.exec(actual)?.[5] === id;
}

;// CONCATENATED MODULE: ./src/providers/aws/sharing.ts
/**
 * What stops an AMI from being shared, found before anything changes:
 * - API_ModifySnapshotAttribute: "Snapshots encrypted with your default KMS
 *   key cannot be shared with other accounts" (the AWS managed aws/ebs key);
 * - EC2 user guide "Make your AMI publicly available": AMIs with encrypted
 *   volumes cannot be made public;
 * - EC2 user guide "Understand block public access for AMIs": on by default
 *   for new accounts, it refuses making an AMI public.
 * Keys are read through EC2 only (DescribeSnapshots, GetEbsDefaultKmsKeyId).
 */


/** Problems, each saying what to do; empty when sharing can go ahead. */
async function shareBlockers(client, check) {
    const { cloud, region, imageId } = check;
    const problems = [];
    const snapshots = check.snapshotIds.length === 0
        ? []
        : ((await client.send(new dist_cjs/* DescribeSnapshotsCommand */.MmI({ SnapshotIds: check.snapshotIds }))).Snapshots ?? []);
    const encrypted = snapshots.filter((s) => s.Encrypted);
    if (check.public && encrypted.length > 0) {
        problems.push(`${imageId} in ${region} is encrypted, and encrypted AMIs can never be public: share it with accounts instead, or set share.public: false`);
    }
    else if (check.public) {
        const bpa = await client.send(new dist_cjs/* GetImageBlockPublicAccessStateCommand */.QRd({}));
        if (bpa.ImageBlockPublicAccessState !== 'unblocked') {
            problems.push(`block public access for AMIs is on in ${region} (the default for new accounts), so ${imageId} cannot be made public: ` +
                `if public images are intended, turn it off deliberately (aws ec2 disable-image-block-public-access --region ${region}), ` +
                'or set share.public: false');
        }
    }
    if (check.accounts.length > 0 && encrypted.length > 0) {
        const configured = kmsKeyFor(cloud, region);
        // An alias cannot be resolved without KMS: trust it, EC2 will still refuse a default-key snapshot.
        if (!configured?.startsWith('alias/') || configured === 'alias/aws/ebs') {
            const accountDefault = (await client.send(new dist_cjs/* GetEbsDefaultKmsKeyIdCommand */.O8S({}))).KmsKeyId;
            const customer = [configured, accountDefault].filter((k) => !!k && k !== 'alias/aws/ebs');
            const refused = encrypted.filter((s) => !s.KmsKeyId || !customer.some((k) => sameKey(k, s.KmsKeyId)));
            if (refused.length > 0) {
                problems.push(`${imageId} in ${region} is encrypted with ${refused[0].KmsKeyId ?? 'an unknown key'}, not a customer managed key ` +
                    'of this topology; snapshots encrypted with the default aws/ebs key cannot be shared with other accounts: ' +
                    `set kms_key_id (or kms_key_ids.${region}) on cloud ${cloud.name} to a customer managed key whose policy lets ` +
                    `${check.accounts.join(', ')} use it, rebuild and distribute again`);
            }
        }
    }
    return problems;
}

;// CONCATENATED MODULE: ./src/providers/aws/source.ts
/**
 * What the build needs to know of the source AMI before Packer runs: its root
 * device name. amazon-ebs resizes the root disk only when a launch block
 * device mapping names exactly the source AMI's root device; any other name
 * adds an extra empty volume and leaves the root at its default size
 * (packer-plugin-amazon docs, launch_block_device_mappings). Debian AMIs use
 * /dev/xvda, Ubuntu and RHEL /dev/sda1.
 */

/**
 * The source AMI's root device name in `region`: the AMI named by id, else the
 * newest of the owner's AMIs matching the name pattern (as Packer's
 * source_ami_filter with most_recent picks it). Undefined when none matches:
 * Packer then reports the missing source itself.
 */
async function sourceRootDevice(client, source) {
    if (source.ami) {
        const out = await client.send(new dist_cjs/* DescribeImagesCommand */.ji5({ ImageIds: [source.ami] }));
        return out.Images?.[0]?.RootDeviceName;
    }
    if (!source.owner || !source.name)
        return undefined;
    const images = [];
    let token;
    do {
        const out = await client.send(new dist_cjs/* DescribeImagesCommand */.ji5({ Owners: [source.owner], Filters: [{ Name: 'name', Values: [source.name] }], NextToken: token }));
        images.push(...(out.Images ?? []));
        token = out.NextToken;
    } while (token);
    const newest = images
        .filter((i) => i.State === undefined || i.State === 'available')
        .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
    return newest?.RootDeviceName;
}

// EXTERNAL MODULE: ./src/providers/source-errors.ts
var source_errors = __webpack_require__(71881);
;// CONCATENATED MODULE: ./src/providers/aws/resolve.ts
/**
 * The AMI an AWS source names today, in the build region:
 * - `owner` + `name` (a pattern with * and ?): the newest available AMI of
 *   that owner whose name matches, by CreationDate, with the filters the
 *   template's source_ami_filter used (hvm, EBS root; packer/sources/aws.ts)
 *   and without deprecated AMIs, as Packer's most_recent chose it
 *   (DescribeImages leaves deprecated AMIs of other owners out unless
 *   IncludeDeprecated is set: EC2 API reference, DescribeImages);
 * - `ami`: that AMI, pinned.
 * The build then boots exactly this AMI (source_ami), never a filter.
 */


/** What the build region's AMIs are filtered by, besides owner and name: the same as the template's source_ami_filter. */
const SOURCE_FILTERS = [
    { Name: 'state', Values: ['available'] },
    { Name: 'virtualization-type', Values: ['hvm'] },
    { Name: 'root-device-type', Values: ['ebs'] },
];
async function resolveAwsSource(source, at, run) {
    const site = {
        ...at,
        provider: 'aws',
        source: (0,source_errors/* describeFields */.VO)({ ami: source.ami, owner: source.owner, name: source.name }),
        check: source.ami
            ? 'the AMI id: AMIs are regional, so it must exist in this region (copy it there or name the one of this region)'
            : 'the owner (an account id or alias such as amazon) and the name pattern (* and ? match any text and one character)',
        permission: `ec2:DescribeImages in ${at.region} to the role the workflow assumes`,
    };
    if (source.ami) {
        const found = await describe(site, run, { ImageIds: [source.ami] });
        const image = found[0];
        if (image?.State !== 'available') {
            throw (0,source_errors/* sourceNotFound */.Rf)(site, 'DescribeImages', image ? `the AMI is ${image.State ?? 'not available'}` : 'the AMI is not listed');
        }
        return resolved(image, true);
    }
    if (!source.owner || !source.name) {
        throw new Error(`cloud "${at.cloud}" (aws): a source needs "ami", or both "owner" and "name"`);
    }
    const images = await describe(site, run, {
        Owners: [source.owner],
        Filters: [{ Name: 'name', Values: [source.name] }, ...SOURCE_FILTERS],
    });
    const newest = newestImage(images);
    if (!newest)
        throw (0,source_errors/* sourceNotFound */.Rf)(site, 'DescribeImages', 'no available AMI of that owner matches the name');
    return resolved(newest, false);
}
/** The newest image by CreationDate (ISO 8601, so text order is time order); ties go to the larger id, so the choice is stable. */
function newestImage(images) {
    return images
        .filter((i) => i.ImageId && (i.State === undefined || i.State === 'available'))
        .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? '') || (b.ImageId ?? '').localeCompare(a.ImageId ?? ''))[0];
}
/** Every page of one DescribeImages query (one call unless EC2 pages the answer). */
async function describe(site, run, input) {
    const images = [];
    let token;
    try {
        do {
            const out = await run((client) => client.send(new dist_cjs/* DescribeImagesCommand */.ji5({ ...input, NextToken: token })));
            images.push(...(out.Images ?? []));
            token = out.NextToken;
        } while (token);
    }
    catch (error) {
        throw (0,source_errors/* sourceError */.I8)(site, error);
    }
    return images;
}
function resolved(image, pinned) {
    const created = image.CreationDate ? new Date(image.CreationDate) : undefined;
    return {
        id: image.ImageId,
        name: image.Name ?? image.ImageId,
        ...(created && !Number.isNaN(created.getTime()) ? { created: created.toISOString() } : {}),
        pinned,
    };
}

;// CONCATENATED MODULE: ./src/providers/aws/usage.ts
/**
 * Who still uses an AMI in its region: instances that are not terminated,
 * launch templates whose latest or default version names it (what Auto
 * Scaling groups and fleets launch from), and whatever EC2's own reference
 * check finds besides (older launch template versions, SSM parameters that
 * `resolve:ssm:` ids read, Image Builder recipes). Paginated queries.
 */

const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];
async function instancesUsing(client, imageId, pageSize) {
    const refs = new Set();
    let token;
    do {
        const page = await client.send(new dist_cjs/* DescribeInstancesCommand */.bNs({
            Filters: [
                { Name: 'image-id', Values: [imageId] },
                { Name: 'instance-state-name', Values: LIVE_STATES },
            ],
            MaxResults: pageSize,
            NextToken: token,
        }));
        for (const reservation of page.Reservations ?? []) {
            for (const instance of reservation.Instances ?? []) {
                if (instance.InstanceId)
                    refs.add(`instance/${instance.InstanceId}`);
            }
        }
        token = page.NextToken || undefined;
    } while (token);
    return [...refs];
}
/**
 * Launch templates whose $Latest or $Default version launches `imageId`.
 * Without a template id, EC2 answers for every template in the account.
 */
async function launchTemplatesUsing(client, imageId, pageSize) {
    const refs = new Set();
    let token;
    do {
        const page = await client.send(new dist_cjs/* DescribeLaunchTemplateVersionsCommand */.Ptd({
            Versions: ['$Latest', '$Default'],
            Filters: [{ Name: 'image-id', Values: [imageId] }],
            MaxResults: Math.min(pageSize, 200),
            NextToken: token,
        }));
        for (const version of page.LaunchTemplateVersions ?? []) {
            // Filter on our side too: some endpoints ignore the filter.
            if (version.LaunchTemplateData?.ImageId !== imageId)
                continue;
            const name = version.LaunchTemplateName ? ` (${version.LaunchTemplateName})` : '';
            refs.add(`launch-template/${version.LaunchTemplateId}${name} v${version.VersionNumber}`);
        }
        token = page.NextToken || undefined;
    } while (token);
    return [...refs];
}
/** How many launch template versions, newest first, EC2 checks for references (1-10000). */
const VERSION_DEPTH = '100';
/**
 * DescribeImageReferences (SDK models_4.d.ts: "Supported resource types:
 * ec2:Instance | ec2:LaunchTemplate | ssm:Parameter | imagebuilder:ImageRecipe |
 * imagebuilder:ContainerRecipe"). Instances are left to instancesUsing (it
 * skips terminated ones); launch templates already named in `known` are not
 * repeated. References are ARNs, e.g. `ssm-parameter/arn:aws:ssm:...`.
 */
async function imageReferences(client, imageId, known) {
    const refs = new Set();
    let token;
    do {
        const page = await client.send(new dist_cjs/* DescribeImageReferencesCommand */._20({
            ImageIds: [imageId],
            ResourceTypes: [
                { ResourceType: 'ec2:LaunchTemplate', ResourceTypeOptions: [{ OptionName: 'version-depth', OptionValues: [VERSION_DEPTH] }] },
                { ResourceType: 'ssm:Parameter' },
                { ResourceType: 'imagebuilder:ImageRecipe' },
                { ResourceType: 'imagebuilder:ContainerRecipe' },
            ],
            NextToken: token,
        }));
        for (const ref of page.ImageReferences ?? []) {
            if (ref.ImageId && ref.ImageId !== imageId)
                continue;
            const arn = ref.Arn ?? '';
            const template = /launch-template\/(lt-[0-9a-f]+)/.exec(arn)?.[1];
            if (template && known.some((k) => k.startsWith(`launch-template/${template} `)))
                continue;
            const kind = (ref.ResourceType ?? 'resource').replace(':', '-').toLowerCase();
            refs.add(`${kind}/${arn}`);
        }
        token = page.NextToken || undefined;
    } while (token);
    return [...refs];
}

;// CONCATENATED MODULE: ./src/providers/aws/index.ts
/**
 * The AWS provider: AMIs in EC2, one EC2Client per region (client.ts),
 * the SDK's retry middleware with our strategy (retry.ts), and errors
 * that say what to do (errors.ts). Loaded lazily by providers/index.ts,
 * so the SDK is imported only when a topology names an aws cloud.
 */















async function createAwsProvider(cloud, context, options = {}) {
    return new AwsProvider(cloud, context, options);
}
class AwsProvider {
    cloud;
    provider = 'aws';
    scope = 'region';
    clients;
    sleep;
    now;
    pageSize;
    pollMs;
    maxPolls;
    waitTimeoutMs;
    /** Snapshot ids of available AMIs, by region/id: they never change. */
    snapshotCache = new Map();
    constructor(cloud, context, options = {}) {
        this.cloud = cloud;
        this.sleep = options.sleep ?? context.sleep ?? retry/* realSleep */.u;
        this.now = options.now ?? (() => new Date());
        this.pageSize = options.pageSize ?? 500;
        this.pollMs = options.pollIntervalMs ?? 15_000;
        this.waitTimeoutMs = options.waitTimeoutMs ?? 2 * 3600_000;
        this.maxPolls = Math.max(1, Math.ceil(this.waitTimeoutMs / Math.max(1, this.pollMs)));
        const log = context.log;
        this.clients = new AwsClients({
            ...options,
            mask: options.mask ?? context.mask,
            env: context.env,
            sleep: this.sleep,
            onRetry: log && ((e) => log(`${cloud.name}: EC2 ${e.code} in ${e.region}, retry ${e.attempt} of ${e.maxAttempts - 1} in ${e.delayMs} ms`)),
        });
    }
    /** Closes the clients' sockets (tests, long-lived CLIs). */
    destroy() {
        this.clients.destroy();
    }
    /** The source AMI's root device (the resolved AMI's, if any), so the template resizes the root disk (source.ts); the topology's value wins. */
    async buildSettings(line) {
        const source = line.source;
        if (!source || source.root_device_name)
            return {};
        const from = line.resolved ? { ami: line.resolved.id } : source;
        const root = await this.call(line.region, 'DescribeImages', (client) => sourceRootDevice(client, from));
        return root ? { source: { root_device_name: root } } : {};
    }
    /** The AMI the source names today in `region`: the newest match of owner and name, or the pinned id (resolve.ts). */
    resolveSource(region, source) {
        return resolveAwsSource(source, { cloud: this.cloud.name, region }, (fn) => this.call(region, 'DescribeImages', fn));
    }
    async inventory(region) {
        const images = await this.call(region, 'DescribeImages', (c) => describeManaged(c, { owner: this.cloud.account ?? 'self', pageSize: this.pageSize }));
        const now = this.now();
        const records = [];
        for (const image of images) {
            const record = toRecord(image, region, now);
            if (!record)
                continue;
            if (image.State === 'available')
                this.snapshotCache.set(`${region}/${record.id}`, snapshotIds(image));
            records.push(record);
        }
        return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    }
    async copy(image, region, options = {}) {
        if (region === image.region)
            return image;
        // Every destination's key is checked before the first copy starts (KMS keys are regional).
        if (!options.kmsKeyId)
            checkCopyKeys(this.cloud, Object.keys(this.cloud.regions));
        const configured = options.kmsKeyId ?? kmsKeyFor(this.cloud, region);
        const checked = configured ? keyInRegion(this.cloud, configured, region) : undefined;
        if (checked && 'problem' in checked)
            throw new Error(`${this.cloud.name}: no copy was started: ${checked.problem}`);
        const kmsKeyId = checked?.key;
        const encrypted = options.encrypted ?? (kmsKeyId ? true : undefined);
        const request = { image, region, owner: this.cloud.account ?? 'self', tags: tagList(image.tags), kmsKeyId, encrypted };
        const started = await this.call(region, 'CopyImage', (c) => startCopy(c, request));
        if ('foreign' in started)
            throw new Error(`${this.cloud.name}: ${started.foreign}`);
        const id = started.id;
        const pending = {
            ...image,
            id,
            region,
            state: 'pending',
            createdAt: this.now().toISOString(),
            tags: { ...image.tags },
        };
        if (!options.wait)
            return pending;
        // The new snapshots were tagged by CopyImage's TagSpecifications.
        return this.waitAvailable(pending, options);
    }
    async tag(image, tags) {
        const list = tagList(tags);
        if (list.length === 0)
            return;
        const snapshots = await this.snapshotsOf(image);
        await this.call(image.region, 'CreateTags', (c) => c.send(new dist_cjs/* CreateTagsCommand */.RmG({ Resources: [image.id, ...snapshots], Tags: list })));
    }
    async share(image, options) {
        const accounts = [...new Set(options.accounts)].filter((a) => a && a !== this.cloud.account);
        const add = [...accounts.map((UserId) => ({ UserId })), ...(options.public ? [{ Group: 'all' }] : [])];
        if (add.length === 0)
            return;
        const check = { cloud: this.cloud, region: image.region, imageId: image.id, accounts, public: !!options.public };
        const snapshotIds = await this.snapshotsOf(image);
        const problems = await this.call(image.region, 'DescribeSnapshots', (c) => shareBlockers(c, { ...check, snapshotIds }));
        if (problems.length > 0)
            throw new Error(`${this.cloud.name}: ${image.name} was not shared: ${problems.join('; ')}`);
        await this.call(image.region, 'ModifyImageAttribute', (c) => c.send(new dist_cjs/* ModifyImageAttributeCommand */.FE3({ ImageId: image.id, LaunchPermission: { Add: add } })));
        if (accounts.length === 0)
            return;
        // Lets those accounts copy the AMI (and create volumes from it) too.
        for (const SnapshotId of await this.snapshotsOf(image)) {
            await this.call(image.region, 'ModifySnapshotAttribute', (c) => c.send(new dist_cjs/* ModifySnapshotAttributeCommand */.KD0({
                SnapshotId,
                Attribute: 'createVolumePermission',
                OperationType: 'add',
                CreateVolumePermission: { Add: accounts.map((UserId) => ({ UserId })) },
            })));
        }
    }
    /**
     * EC2 refuses a DeprecateAt in the past and counts whole minutes, so the
     * time is moved to the next whole minute at the earliest.
     */
    async deprecate(image, options = {}) {
        const earliest = Math.ceil((this.now().getTime() + 5_000) / 60_000) * 60_000;
        const at = new Date(Math.max(options.at?.getTime() ?? 0, earliest));
        await this.call(image.region, 'EnableImageDeprecation', (c) => c.send(new dist_cjs/* EnableImageDeprecationCommand */.cJk({ ImageId: image.id, DeprecateAt: at })));
        if (options.replacement) {
            const Tags = [{ Key: src_images/* TAGS */.gp.replacement, Value: options.replacement.id }];
            await this.call(image.region, 'CreateTags', (c) => c.send(new dist_cjs/* CreateTagsCommand */.RmG({ Resources: [image.id], Tags })));
        }
    }
    /**
     * Deregisters the AMI with its snapshots (DeregisterImageRequest.DeleteAssociatedSnapshots),
     * then waits until EC2 lists it as deregistered or no longer at all.
     */
    async remove(image) {
        const region = image.region;
        await this.call(region, 'DeregisterImage', async (c) => {
            try {
                await c.send(new dist_cjs/* DeregisterImageCommand */.x2c({ ImageId: image.id, DeleteAssociatedSnapshots: true }));
            }
            catch (error) {
                if (errorCode(error) !== 'InvalidAMIID.NotFound' && errorCode(error) !== 'InvalidAMIID.Unavailable')
                    throw error;
            }
        });
        for (let poll = 0;; poll++) {
            const left = await this.call(region, 'DescribeImages', (c) => describeOne(c, image.id));
            if (!left || left.State === 'deregistered')
                break;
            if (poll >= this.maxPolls)
                throw new Error(`${this.cloud.name}: ${image.id} in ${region} is still listed after DeregisterImage`);
            await this.sleep(this.pollMs);
        }
        this.snapshotCache.delete(`${region}/${image.id}`);
    }
    async inUse(image) {
        const instances = await this.call(image.region, 'DescribeInstances', (c) => instancesUsing(c, image.id, this.pageSize));
        const templates = await this.call(image.region, 'DescribeLaunchTemplateVersions', (c) => launchTemplatesUsing(c, image.id, this.pageSize));
        const others = await this.call(image.region, 'DescribeImageReferences', (c) => imageReferences(c, image.id, templates));
        const references = [...instances, ...templates, ...others];
        return { inUse: references.length > 0, references };
    }
    /** Runs one EC2 operation; whatever escapes becomes a plain, actionable Error. */
    async call(region, operation, fn) {
        try {
            return await fn(this.clients.get(region));
        }
        catch (error) {
            throw awsError(error, this.site(operation, region));
        }
    }
    /** Where a call goes, for its error: the endpoint and deadlines are named when it timed out. */
    site(operation, region) {
        return { cloud: this.cloud.name, operation, region, endpoint: this.clients.endpointOf(region), timeouts: this.clients.timeouts };
    }
    async snapshotsOf(image) {
        const key = `${image.region}/${image.id}`;
        const cached = this.snapshotCache.get(key);
        if (cached)
            return cached;
        const found = await this.call(image.region, 'DescribeImages', (c) => describeOne(c, image.id));
        if (!found)
            return [];
        const ids = snapshotIds(found);
        if (found.State === 'available')
            this.snapshotCache.set(key, ids);
        return ids;
    }
    async waitAvailable(pending, options) {
        const { id, region } = pending;
        const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
        const wait = { image: pending.name, region, timeoutMs, pollMs: this.pollMs, sleep: this.sleep, pauseFirst: true };
        return (0,copy_wait/* waitForCopy */.A4)({ ...wait, now: () => this.now().getTime(), onProgress: options.onProgress }, async () => {
            // Right after CopyImage, EC2 may not list the new id yet: keep polling.
            const image = await this.call(region, 'DescribeImages', (c) => describeOne(c, id)).catch((error) => {
                throw expiredWhileWaiting(error, this.cloud.name, id, pending.name, region);
            });
            if (!image || image.State === 'pending' || image.State === 'transient')
                return { state: image?.State ?? 'pending' };
            const record = toRecord(image, region, this.now());
            if (image.State !== 'available' || !record) {
                const reason = image.StateReason?.Message ?? image.StateReason?.Code ?? 'no reason given';
                throw new Error(`${this.cloud.name}: the copy ${id} of ${pending.name} into ${region} ended ${image.State}: ${reason}`);
            }
            this.snapshotCache.set(`${region}/${id}`, snapshotIds(image));
            return { done: record };
        });
    }
}
/** Tags EC2 accepts: keys with the reserved `aws:` prefix cannot be set. */
function tagList(tags) {
    return Object.entries(tags)
        .filter(([key]) => !key.toLowerCase().startsWith('aws:'))
        .map(([Key, Value]) => ({ Key, Value }));
}
/**
 * Credentials that expire while a copy is waited for stop the wait, not the
 * copy: EC2 goes on copying. The advice from errors.ts is kept.
 */
function expiredWhileWaiting(error, cloud, id, name, region) {
    if (!(error instanceof errors/* ProviderError */.mZ) || !isExpired(error.code))
        return error;
    return new errors/* ProviderError */.mZ(`${cloud}: the AWS credentials expired while waiting for the copy ${id} of ${name} into ${region}. ` +
        'The copy goes on in EC2: run distribute again with fresh credentials, it finds the copy and waits for it. ' +
        error.message, { cloud, operation: 'DescribeImages', region, kind: error.kind, code: error.code, statusCode: error.statusCode }, error);
}


/***/ })

};
