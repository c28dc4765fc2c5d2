export const id = 834;
export const ids = [834];
export const modules = {

/***/ 70834:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createAwsProvider: () => (/* binding */ createAwsProvider)
});

// UNUSED EXPORTS: AwsProvider, credentialsFromEnv, endpointFromEnv

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ec2/dist-cjs/index.js
var dist_cjs = __webpack_require__(35193);
// EXTERNAL MODULE: ./src/images/index.ts + 1 modules
var src_images = __webpack_require__(8122);
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
            return `EC2 or the network failed after ${attempts ?? 'several'} attempts: re-run the job; check the AWS Health Dashboard for ${site.region}.`;
        case 'conflict':
            return 'Another operation holds the resource or it is in the wrong state: wait for it to finish and run again.';
        case 'other':
            return 'EC2 rejected the request: see its message above.';
    }
}
/** The error users see. The SDK error stays reachable as `cause`. */
function awsError(error, site) {
    const code = errorCode(error);
    const kind = classify(error);
    const attempts = error?.$metadata?.attempts;
    const retried = attempts !== undefined && attempts > 1 ? `after ${attempts} attempts` : 'not retried';
    const raw = (error?.message ?? String(error)).trim();
    const text = raw.length > 500 ? `${raw.slice(0, 500)}…` : raw;
    return new errors/* ProviderError */.mZ(`${site.cloud}: EC2 ${site.operation} in ${site.region} failed with ${code} (${retried}): ${text}. ` +
        advice(kind, code, site, attempts), { ...site, kind, code, statusCode: httpStatus(error) }, error);
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
class AwsClients {
    options;
    clients = new Map();
    endpoint;
    credentials;
    constructor(options) {
        this.options = options;
        this.endpoint = options.endpoint ?? endpointFromEnv(options.env ?? process.env);
        this.credentials = options.credentials ?? credentialsFromEnv(options.env, options.mask);
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
                ...(this.endpoint ? { endpoint: this.endpoint } : {}),
                ...(this.credentials ? { credentials: this.credentials } : {}),
            });
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
/** EC2 Image -> ImageRecord, or undefined for images that no longer exist. */
function toRecord(image, region, cloudName, now) {
    const state = mapState(image, now);
    if (!state || !image.ImageId)
        return undefined;
    const record = (0,src_images/* fromTags */.y8)(tagMap(image.Tags), {
        id: image.ImageId,
        name: image.Name ?? image.ImageId,
        region,
        state,
        createdAt: isoDate(image.CreationDate),
    });
    if (!record.cloud)
        record.cloud = cloudName;
    return record;
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

;// CONCATENATED MODULE: ./src/providers/aws/usage.ts
/**
 * Who still uses an AMI in its region: instances that are not terminated,
 * and launch templates whose latest or default version names it (what Auto
 * Scaling groups and fleets launch from). Two paginated, filtered queries.
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
    /** Snapshot ids of available AMIs, by region/id: they never change. */
    snapshotCache = new Map();
    constructor(cloud, context, options = {}) {
        this.cloud = cloud;
        this.sleep = options.sleep ?? context.sleep ?? retry/* realSleep */.u;
        this.now = options.now ?? (() => new Date());
        this.pageSize = options.pageSize ?? 500;
        this.pollMs = options.pollIntervalMs ?? 15_000;
        this.maxPolls = Math.max(1, Math.ceil((options.waitTimeoutMs ?? 2 * 3600_000) / Math.max(1, this.pollMs)));
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
    async inventory(region) {
        const images = await this.call(region, 'DescribeImages', (c) => describeManaged(c, { owner: this.cloud.account ?? 'self', pageSize: this.pageSize }));
        const now = this.now();
        const records = [];
        for (const image of images) {
            const record = toRecord(image, region, this.cloud.name, now);
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
        const kmsKeyId = options.kmsKeyId ?? this.cloud.kms_key_id;
        const encrypted = options.encrypted ?? (kmsKeyId ? true : undefined);
        const tags = tagList(image.tags);
        const id = await this.call(region, 'CopyImage', async (c) => {
            try {
                const out = await c.send(new dist_cjs/* CopyImageCommand */.SDF({
                    SourceImageId: image.id,
                    SourceRegion: image.region,
                    Name: image.name,
                    CopyImageTags: true,
                    // Also set explicitly: CopyImageTags copies only user tags the caller can read.
                    TagSpecifications: [
                        { ResourceType: 'image', Tags: tags },
                        { ResourceType: 'snapshot', Tags: tags },
                    ],
                    Encrypted: encrypted,
                    KmsKeyId: encrypted ? kmsKeyId : undefined,
                }));
                if (!out.ImageId)
                    throw new Error('CopyImage returned no ImageId');
                return out.ImageId;
            }
            catch (error) {
                // A re-run: the copy already exists (or is under way) under the same name.
                if (errorCode(error) !== 'InvalidAMIName.Duplicate')
                    throw error;
                const existing = await describeByName(c, this.cloud.account ?? 'self', image.name);
                if (!existing?.ImageId || tagValue(existing.Tags, src_images/* TAGS */.gp.fingerprint) !== image.fingerprint)
                    throw error;
                return existing.ImageId;
            }
        });
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
        return this.waitAvailable(pending);
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
    /** Deregisters the AMI, waits until EC2 no longer lists it, then deletes its snapshots. */
    async remove(image) {
        const region = image.region;
        const snapshots = await this.snapshotsOf(image);
        await this.call(region, 'DeregisterImage', async (c) => {
            try {
                await c.send(new dist_cjs/* DeregisterImageCommand */.x2c({ ImageId: image.id }));
            }
            catch (error) {
                if (errorCode(error) !== 'InvalidAMIID.NotFound')
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
        for (const snapshot of snapshots)
            await this.deleteSnapshot(region, snapshot);
        this.snapshotCache.delete(`${region}/${image.id}`);
    }
    async inUse(image) {
        const instances = await this.call(image.region, 'DescribeInstances', (c) => instancesUsing(c, image.id, this.pageSize));
        const templates = await this.call(image.region, 'DescribeLaunchTemplateVersions', (c) => launchTemplatesUsing(c, image.id, this.pageSize));
        const references = [...instances, ...templates];
        return { inUse: references.length > 0, references };
    }
    /** Runs one EC2 operation; whatever escapes becomes a plain, actionable Error. */
    async call(region, operation, fn) {
        try {
            return await fn(this.clients.get(region));
        }
        catch (error) {
            throw awsError(error, { cloud: this.cloud.name, operation, region });
        }
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
    async waitAvailable(pending) {
        const { id, region } = pending;
        for (let poll = 1; poll <= this.maxPolls; poll++) {
            await this.sleep(this.pollMs);
            // Right after CopyImage, EC2 may not list the new id yet: keep polling.
            const image = await this.call(region, 'DescribeImages', (c) => describeOne(c, id));
            if (!image || image.State === 'pending' || image.State === 'transient')
                continue;
            const record = toRecord(image, region, this.cloud.name, this.now());
            if (image.State !== 'available' || !record) {
                const reason = image.StateReason?.Message ?? image.StateReason?.Code ?? 'no reason given';
                throw new Error(`${this.cloud.name}: the copy ${id} of ${pending.name} into ${region} ended ${image.State}: ${reason}`);
            }
            this.snapshotCache.set(`${region}/${id}`, snapshotIds(image));
            return record;
        }
        throw new Error(`${this.cloud.name}: the copy ${id} of ${pending.name} into ${region} was still pending after ` +
            `${Math.round((this.maxPolls * this.pollMs) / 60_000)} min; it may still finish: re-run distribute later.`);
    }
    /** Deleting right after deregistration can meet InvalidSnapshot.InUse for a while. */
    async deleteSnapshot(region, snapshotId) {
        for (let poll = 0;; poll++) {
            try {
                await this.clients.get(region).send(new dist_cjs/* DeleteSnapshotCommand */.tZN({ SnapshotId: snapshotId }));
                return;
            }
            catch (error) {
                const code = errorCode(error);
                if (code === 'InvalidSnapshot.NotFound')
                    return;
                if (code !== 'InvalidSnapshot.InUse' || poll >= Math.min(this.maxPolls, 20)) {
                    throw awsError(error, { cloud: this.cloud.name, operation: 'DeleteSnapshot', region });
                }
                await this.sleep(this.pollMs);
            }
        }
    }
}
/** Tags EC2 accepts: keys with the reserved `aws:` prefix cannot be set. */
function tagList(tags) {
    return Object.entries(tags)
        .filter(([key]) => !key.toLowerCase().startsWith('aws:'))
        .map(([Key, Value]) => ({ Key, Value }));
}
function tagValue(tags, key) {
    return tags?.find((t) => t.Key === key)?.Value;
}


/***/ }),

/***/ 61787:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f8: () => (/* binding */ errorKind),
/* harmony export */   mZ: () => (/* binding */ ProviderError)
/* harmony export */ });
/* unused harmony export ERROR_KINDS */
/**
 * One vocabulary for what went wrong in a cloud call, shared by every
 * provider: each cloud's own errors module only classifies its codes into
 * these kinds and writes the advice; the shape users and callers see is
 * this one.
 */
const ERROR_KINDS = (/* unused pure expression or super */ null && (['throttled', 'transient', 'quota', 'permission', 'not-found', 'conflict', 'other']));
/** A failed cloud call: the message names the cloud, the operation, the region, the cloud's code and what to do. */
class ProviderError extends Error {
    kind;
    /** The cloud's own error code (EC2 code, GCP status/reason, ARM code). */
    code;
    cloud;
    operation;
    region;
    /** The HTTP status, when the cloud answered. */
    statusCode;
    constructor(message, fields, cause) {
        super(message, cause === undefined ? undefined : { cause });
        this.name = 'ProviderError';
        this.kind = fields.kind;
        this.code = fields.code;
        this.cloud = fields.cloud;
        this.operation = fields.operation;
        this.region = fields.region;
        this.statusCode = fields.statusCode;
    }
}
/** The kind of a ProviderError, else undefined (an error of our own or an unclassified one). */
function errorKind(error) {
    return error instanceof ProviderError ? error.kind : undefined;
}


/***/ }),

/***/ 77252:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PB: () => (/* binding */ retryable),
/* harmony export */   a2: () => (/* binding */ retryDelay),
/* harmony export */   yE: () => (/* binding */ RETRY_POLICY)
/* harmony export */ });
const RETRY_POLICY = {
    /** Calls in all, the first one included. */
    attempts: 6,
    /** Backoff base for throttling: slower, the cloud asked us to slow down. */
    throttledBaseMs: 1_000,
    /** Backoff base for 5xx, network errors and timeouts. */
    transientBaseMs: 200,
    /** No single wait is longer, Retry-After included. */
    maxDelayMs: 20_000,
};
/** Throttling and transient failures are retried; quota, permission, not-found, conflict and other never are. */
function retryable(kind) {
    return kind === 'throttled' || kind === 'transient';
}
/** The wait before retry number `attempt` (1-based). */
function retryDelay(attempt, kind, hintMs, policy = RETRY_POLICY, random = Math.random) {
    const base = kind === 'throttled' ? policy.throttledBaseMs : policy.transientBaseMs;
    const jitter = Math.floor(random() * Math.min(policy.maxDelayMs, base * 2 ** (attempt - 1)));
    const hinted = hintMs === undefined ? jitter : Math.max(jitter, hintMs);
    return Math.max(0, Math.min(policy.maxDelayMs, Math.round(hinted)));
}


/***/ })

};
