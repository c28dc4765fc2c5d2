/**
 * Classifies ARM failures into the providers' shared kinds and turns them
 * into ProviderErrors that say which cloud, operation and region failed, the
 * ARM error code, and what to do about it. Throttling and transient failures
 * never get here until the SDK's retry policy (the shared one, see
 * client.ts) has given up; permission and quota errors arrive on the first
 * attempt.
 */
import type { TokenCredential } from '@azure/core-auth';
import { ProviderError, type ErrorKind } from '../errors.js';

/** What the failing call was doing, for the message. */
export interface AzureCallContext {
  cloud: string;
  operation: string;
  region?: string;
  /** The role (and scope) the operation needs, named when access is denied. */
  role: string;
}

interface ArmFailure {
  status?: number;
  code: string;
  message: string;
}

/**
 * ARM error bodies by request: list pages fail with "Pagination failed with
 * unexpected statusCode 403" and the SDK drops ARM's message; a pipeline
 * policy (client.ts) keeps it here so the message can name the action.
 */
const armBodies = new WeakMap<object, { code?: string; message: string }>();

export function rememberArmError(request: object, bodyText: string | null | undefined): void {
  if (!bodyText) return;
  try {
    const error = (JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.message === 'string') {
      armBodies.set(request, { code: typeof error.code === 'string' ? error.code : undefined, message: error.message });
    }
  } catch {
    // not JSON: nothing to keep
  }
}

const LRO_FAILED = /^The long-running operation has failed(?:\. ([^.\s]+)\. ([\s\S]*))?$/;

/** Errors from the SDK (HTTP, network, long-running operation, abort), as opposed to our own. */
export function isSdkError(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return name === 'RestError' || name === 'AbortError' || (typeof message === 'string' && LRO_FAILED.test(message));
}

function armFailure(error: unknown): ArmFailure {
  const lro = LRO_FAILED.exec(String((error as { message?: unknown })?.message ?? ''));
  if (lro) return { code: lro[1] ?? 'OperationFailed', message: lro[2] ?? 'The long-running operation has failed.' };
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown; name?: unknown };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e?.code === 'string' && e.code ? e.code : status ? `HTTP${status}` : String(e?.name ?? 'Error');
  let message = typeof e?.message === 'string' ? e.message : String(error);
  const request = (error as { request?: object })?.request;
  const kept = request ? armBodies.get(request) : undefined;
  if (kept && /^(Pagination failed|Unexpected status code)/.test(message)) message = kept.message;
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

function quota({ code, message }: ArmFailure): boolean {
  return /quota/i.test(code) || /LimitExceeded$/i.test(code) || (code === 'OperationNotAllowed' && /quota|limit/i.test(message));
}

function kindOf(failure: ArmFailure): ErrorKind {
  const { status, code } = failure;
  if (status === 403 || status === 401 || PERMISSION_CODES.has(code) || AUTH_CODES.has(code)) return 'permission';
  if (quota(failure)) return 'quota';
  if (status === 429 || /Throttl|TooManyRequests/i.test(code)) return 'throttled';
  if (status === 404 || /NotFound$/.test(code)) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status !== undefined && status >= 500) return 'transient';
  if (status === undefined && /ECONNRESET|ETIMEDOUT|ECONNREFUSED|EAI_AGAIN|REQUEST_SEND_ERROR/.test(code)) return 'transient';
  return 'other';
}

/** The shared kind of an ARM failure (ProviderErrors keep theirs). */
export function classify(error: unknown): ErrorKind {
  return error instanceof ProviderError ? error.kind : kindOf(armFailure(error));
}

export function isNotFound(error: unknown): boolean {
  return classify(error) === 'not-found';
}

function advice(failure: ArmFailure, call: AzureCallContext): string {
  const { status, code } = failure;
  if (code === 'RequestDisallowedByPolicy') {
    return 'An Azure Policy assignment denies this request: ask the policy owner for an exemption or change the request to comply.';
  }
  if (status === 403 || PERMISSION_CODES.has(code)) {
    return `The signed-in identity lacks permission: grant it ${call.role}.`;
  }
  if (code === 'ExpiredAuthenticationToken') {
    // ARM's 401 for a token past its expiry (Azure Resource Manager error codes: ExpiredAuthenticationToken).
    return (
      'The Azure access token expired before this call: a token passed in IMAGE_BUILDER_AZURE_ACCESS_TOKEN is never renewed ' +
      '(tokens last about an hour); leave it unset so the action signs in itself (GitHub OIDC with AZURE_CLIENT_ID / AZURE_TENANT_ID, ' +
      'or azure/login), which renews tokens, or fetch a fresh token right before this step, then run again.'
    );
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
    return (
      'No answer within the deadline in any attempt, retries included: check the network path to the ARM endpoint ' +
      '(proxy, firewall) and IMAGE_BUILDER_AZURE_ENDPOINT if set, then run again.'
    );
  }
  return 'Details are in the activity log of the resource group (Azure portal > Activity log).';
}

/**
 * A sign-in that got no token: @azure/identity's CredentialUnavailableError
 * (no credential of the chain is set up here) or AggregateAuthenticationError
 * (each one that was tried failed). Both list every credential of the chain,
 * one line each; users get one line. Undefined for any other error.
 */
export function credentialError(cloud: string, error: unknown): ProviderError | undefined {
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name !== 'CredentialUnavailableError' && name !== 'AggregateAuthenticationError') return undefined;
  const how =
    'on GitHub, run azure/login first, or give the job id-token: write and set AZURE_CLIENT_ID and AZURE_TENANT_ID (OIDC); ' +
    'on a terminal, az login, or a token in IMAGE_BUILDER_AZURE_ACCESS_TOKEN';
  const first = String((error as Error).message ?? '').split('\n')[0];
  const tried = (error as { errors?: Array<{ name?: unknown }> }).errors;
  // DefaultAzureCredential reports a chain of which no credential is set up as an aggregate of unavailable ones.
  const noneSetUp =
    name === 'CredentialUnavailableError' || (tried?.length && tried.every((e) => e?.name === 'CredentialUnavailableError'));
  const text = noneSetUp
    ? `no credentials found for cloud "${cloud}" (azure): ${how}.`
    : `cloud "${cloud}" (azure): signing in failed (${first.replace(/\.$/, '')}): check the credentials it found: ${how}.`;
  return new ProviderError(text, { cloud, operation: 'sign-in', kind: 'permission', code: String(name) }, error);
}

/** The credential, its sign-in failures told in one line (credentialError), whichever call asked for a token. */
export function oneLineSignIn(cloud: string, credential: TokenCredential): TokenCredential {
  return {
    getToken: async (scopes, options) => {
      try {
        return await credential.getToken(scopes, options);
      } catch (error) {
        throw credentialError(cloud, error) ?? error;
      }
    },
  };
}

/** The error to throw for a failed ARM call. */
export function azureError(call: AzureCallContext, error: unknown): ProviderError {
  const failure = armFailure(error);
  const where = call.region ? ` in ${call.region}` : '';
  const http = failure.status !== undefined ? ` (HTTP ${failure.status})` : '';
  const text =
    `cloud "${call.cloud}" (azure): ${call.operation}${where} failed with ${failure.code}${http}: ` +
    `${failure.message.replace(/\s+$/, '')} ${advice(failure, call)}`;
  return new ProviderError(
    text,
    {
      cloud: call.cloud,
      operation: call.operation,
      region: call.region,
      kind: kindOf(failure),
      code: failure.code,
      statusCode: failure.status,
    },
    error,
  );
}
