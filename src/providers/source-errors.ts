/**
 * What a failed source resolution says (providers' resolve.ts): the cloud,
 * the source as the topology names it, and what to check or grant. The
 * planner adds the topology line. The cloud's own error (kind, code, HTTP
 * status) is kept, so retries and reports treat it as before.
 */
import { ProviderError } from './errors.js';

/** Where a source was resolved, and what the user can do about a failure. */
export interface SourceSite {
  /** The cloud's name in the topology. */
  cloud: string;
  provider: string;
  region: string;
  /** The source's fields as written, e.g. `owner 136693071363, name debian-12-amd64-*`. */
  source: string;
  /** What to check when nothing matches, e.g. `the owner and the name pattern`. */
  check: string;
  /** The permission the lookup needs, e.g. `ec2:DescribeImages`. */
  permission: string;
}

function where(site: SourceSite): string {
  return `cloud "${site.cloud}" (${site.provider}): the source ${site.source} in ${site.region}`;
}

/** The source matches no image (the cloud answered, but with nothing usable). */
export function sourceNotFound(site: SourceSite, operation: string, detail: string): ProviderError {
  return new ProviderError(`${where(site)} resolves to no image: ${detail}. Check ${site.check}.`, {
    cloud: site.cloud,
    operation,
    region: site.region,
    kind: 'not-found',
    code: 'SourceNotFound',
  });
}

/**
 * A failed lookup, said in terms of the source: not found and permission
 * errors get what to check or grant in front of the cloud's message; other
 * failures (throttled after the retries, transient) name the source too.
 * Errors that are not ProviderErrors pass through unchanged.
 */
export function sourceError(site: SourceSite, error: unknown): unknown {
  if (!(error instanceof ProviderError)) return error;
  const advice =
    error.kind === 'not-found'
      ? `resolves to no image: check ${site.check}`
      : error.kind === 'permission'
        ? `cannot be looked up: grant ${site.permission}`
        : 'could not be resolved';
  const { kind, code, statusCode, operation } = error;
  return new ProviderError(
    `${where(site)} ${advice}. ${error.message}`,
    { cloud: site.cloud, operation, region: site.region, kind, code, statusCode },
    error,
  );
}

/** Source fields as messages name them: `owner 1366..., name debian-12-*`. */
export function describeFields(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
}
