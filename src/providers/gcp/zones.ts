/**
 * The zone a GCP build or verification runs in. Zone names are not
 * `<region>-a` everywhere: europe-west1 has b, c and d, so has us-east1
 * (cloud.google.com/compute/docs/regions-zones, "Available regions and
 * zones"). The topology's `zone` wins (the loader checks that it lies in the
 * build region); otherwise Compute Engine is asked once per project and region
 * and run: zones.list filtered on the region and status UP, and the first
 * name in order is taken, so repeated builds land in the same zone.
 *
 * Filter: `(region eq .*\/regions/<region>) (status eq UP)`, the regular
 * expression form of Compute list filters ("the literal value is interpreted
 * as a regular expression using RE2 syntax ... must match the entire field",
 * ZonesClient.list `filter`, @google-cloud/compute 6.15 zones_client.d.ts);
 * a Zone's `region` is the region's URL and its `status` UP or DOWN (Zone
 * resource, Compute API v1). The answer is checked again here, so a server
 * that ignored the filter cannot hand back a zone of another region.
 *
 * The ZonesClient shares the images client's auth (and so its token and
 * deadlines) and endpoint; it is closed after its one call.
 */
import type { Provider, ProviderContext } from '../provider.js';
import { realSleep, withRetry } from '../../util/retry.js';
import { RETRY_POLICY, retryDelay } from '../retry.js';
import { ENDPOINT_ENV, parseEndpoint } from './client.js';
import { describeGcpError, failureKind, parseGcpError, retryableGcp } from './errors.js';
import { GcpProvider } from './index.js';
import { ZonesClient, computeGax } from './sdk.js';

/** Per run: one zones.list per endpoint, project and region, shared by concurrent callers. */
const chosen = new Map<string, Promise<string>>();

/** Adds buildSettings (the build zone) to a GCP provider; other providers are returned as they are. */
export function withBuildZone(provider: Provider, context: ProviderContext): Provider {
  if (!(provider instanceof GcpProvider)) return provider;
  const buildSettings = async (line: { region: string }): Promise<{ zone: string }> => ({
    zone: provider.cloud.zone ?? (await buildZone(provider, line.region, context)),
  });
  return Object.assign(provider, { buildSettings });
}

/** An UP zone of `region` in the provider's project (cached for the run). */
export function buildZone(provider: GcpProvider, region: string, context: ProviderContext): Promise<string> {
  const endpoint = (context.env ?? process.env)[ENDPOINT_ENV] ?? '';
  const key = `${endpoint}|${provider.project}|${region}`;
  let zone = chosen.get(key);
  if (!zone) {
    zone = listUpZones(provider, region, context).catch((error: unknown) => {
      chosen.delete(key);
      throw error;
    });
    chosen.set(key, zone);
  }
  return zone;
}

async function listUpZones(provider: GcpProvider, region: string, context: ProviderContext): Promise<string> {
  const env = context.env ?? process.env;
  const client = new ZonesClient({ fallback: true, ...parseEndpoint(env[ENDPOINT_ENV]), auth: provider.clients.images.auth }, computeGax);
  const where = { cloud: provider.cloud.name, project: provider.project, operation: 'zones.list', region };
  try {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const [zones, next] = await withRetry(
        () =>
          client.list(
            { project: provider.project, filter: `(region eq .*/regions/${region}) (status eq UP)`, maxResults: 500, pageToken: token },
            { autoPaginate: false, retry: null },
          ),
        {
          attempts: RETRY_POLICY.attempts,
          retryable: retryableGcp,
          delay: (error, attempt) => {
            const f = parseGcpError(error);
            return retryDelay(attempt, failureKind(f), f.retryAfterMs);
          },
          sleep: context.sleep ?? realSleep,
          onRetry: (_error, attempt, delay) =>
            context.log?.(`gcp ${where.cloud}: zones.list (attempt ${attempt}), retrying in ${delay} ms`),
        },
      ).catch((error: unknown) => {
        throw describeGcpError(error, where);
      });
      for (const z of zones) {
        if (z.name && z.status === 'UP' && z.region?.split('/').pop() === region) names.push(z.name);
      }
      pageToken = next?.pageToken || undefined;
    } while (pageToken);
    const zone = names.sort()[0];
    if (!zone) {
      throw new Error(
        `cloud "${where.cloud}" (gcp project ${where.project}): region ${region} has no zone that is UP: ` +
          `check the region's name, or set zone: in the topology (e.g. zone: ${region}-b)`,
      );
    }
    context.log?.(
      `gcp ${where.cloud}: building in zone ${zone} (the first zone of ${region} that is UP; set zone: in the topology to choose)`,
    );
    return zone;
  } finally {
    await client.close();
  }
}
