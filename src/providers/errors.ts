/**
 * One vocabulary for what went wrong in a cloud call, shared by every
 * provider: each cloud's own errors module only classifies its codes into
 * these kinds and writes the advice; the shape users and callers see is
 * this one.
 */

/**
 * throttled: slow down and retry; transient: 5xx, network, timeouts, retry;
 * quota: an account limit, retrying cannot help; permission: credentials
 * refused or a permission missing; not-found; conflict: another operation
 * holds the resource or a precondition failed; other: the request itself.
 */
export type ErrorKind = 'throttled' | 'transient' | 'quota' | 'permission' | 'not-found' | 'conflict' | 'other';

export const ERROR_KINDS: readonly ErrorKind[] = ['throttled', 'transient', 'quota', 'permission', 'not-found', 'conflict', 'other'];

/** Where a failed call was made. */
export interface CallSite {
  cloud: string;
  operation: string;
  region?: string;
}

/** A failed cloud call: the message names the cloud, the operation, the region, the cloud's code and what to do. */
export class ProviderError extends Error {
  readonly kind: ErrorKind;
  /** The cloud's own error code (EC2 code, GCP status/reason, ARM code). */
  readonly code: string;
  readonly cloud: string;
  readonly operation: string;
  readonly region?: string;
  /** The HTTP status, when the cloud answered. */
  readonly statusCode?: number;

  constructor(message: string, fields: CallSite & { kind: ErrorKind; code: string; statusCode?: number }, cause?: unknown) {
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
export function errorKind(error: unknown): ErrorKind | undefined {
  return error instanceof ProviderError ? error.kind : undefined;
}
