/**
 * The real Keystone and Glances of scripts/openstack/harness.sh, for the
 * OpenStack provider's tests. Their env file (IMAGE_BUILDER_OPENSTACK_ENV,
 * default /tmp/openstack-harness/env) names the OS_* settings, the second
 * project and the stand-in ports. Without running services the tests are
 * skipped with the reason; when .ci/run started the harness
 * (IMAGE_BUILDER_OPENSTACK_ENV set), a missing service fails instead.
 */
import { describe, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export type HarnessEnv = Record<string, string>;

const FILE = process.env.IMAGE_BUILDER_OPENSTACK_ENV ?? '/tmp/openstack-harness/env';
const REQUIRED = Boolean(process.env.IMAGE_BUILDER_OPENSTACK_ENV);

function read(): HarnessEnv | undefined {
  if (!existsSync(FILE)) return undefined;
  return Object.fromEntries(
    readFileSync(FILE, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

function reachable(url: string): boolean {
  try {
    execFileSync('curl', ['-sf', '-o', '/dev/null', '--max-time', '10', url], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/** The harness's settings, when its services answer; else why not. */
export function harness(): { env?: HarnessEnv; reason?: string } {
  const env = read();
  if (!env) return { reason: `no ${FILE}: run "bash scripts/openstack/harness.sh install && bash scripts/openstack/harness.sh start"` };
  for (const url of [env.OS_AUTH_URL, `${env.GLANCE_URL}/healthcheck`, `${env.GLANCE2_URL}/healthcheck`]) {
    if (!reachable(url)) return { reason: `${url} does not answer: start the services with "bash scripts/openstack/harness.sh start"` };
  }
  return { env };
}

/** A describe block against the real services: skipped with the reason when they are not running. */
export function describeWithOpenStack(title: string, body: (env: () => HarnessEnv) => void): void {
  const { env, reason } = harness();
  if (env) {
    describe(title, () => body(() => env));
  } else if (REQUIRED) {
    describe(title, () => {
      it('has the OpenStack harness running', () => {
        throw new Error(`${reason} (IMAGE_BUILDER_OPENSTACK_ENV is set, so the services must run)`);
      });
    });
  } else {
    console.warn(`Skipping "${title}": ${reason}.`);
    describe.skip(title, () => body(() => ({})));
  }
}

/** The OS_* variables of a user of the harness (admin, or the second project's user). */
export function osEnv(env: HarnessEnv, who: 'admin' | 'second' = 'admin'): NodeJS.ProcessEnv {
  return {
    OS_AUTH_URL: env.OS_AUTH_URL,
    OS_USERNAME: who === 'admin' ? env.OS_USERNAME : env.OS_SECOND_USERNAME,
    OS_PASSWORD: who === 'admin' ? env.OS_PASSWORD : env.OS_SECOND_PASSWORD,
    OS_PROJECT_NAME: who === 'admin' ? env.OS_PROJECT_NAME : env.OS_SECOND_PROJECT_NAME,
    OS_USER_DOMAIN_ID: 'default',
    OS_PROJECT_DOMAIN_ID: 'default',
    HOME: '/nonexistent-home',
  };
}

/** An admin token for setup calls (application credentials, endpoint lookups). */
export async function adminToken(env: HarnessEnv): Promise<string> {
  const response = await fetch(`${env.OS_AUTH_URL}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: env.OS_USERNAME, domain: { id: 'default' }, password: env.OS_PASSWORD } },
        },
        scope: { project: { name: env.OS_PROJECT_NAME, domain: { id: 'default' } } },
      },
    }),
  });
  if (response.status !== 201) throw new Error(`admin auth: HTTP ${response.status}`);
  return response.headers.get('x-subject-token') ?? '';
}

/**
 * Registers services of `types` (type -> URL) with a public endpoint in a new
 * Keystone region; returns what removes them again. Tokens made afterwards
 * carry them in their catalog.
 */
export async function registerRegion(env: HarnessEnv, region: string, types: Record<string, string>): Promise<() => Promise<void>> {
  const token = await adminToken(env);
  const ks = async (method: string, path: string, body?: unknown): Promise<Record<string, { id: string }>> => {
    const response = await fetch(`${env.OS_AUTH_URL}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`keystone ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.status === 204 ? {} : ((await response.json()) as Record<string, { id: string }>);
  };
  await ks('POST', '/regions', { region: { id: region } });
  const made: { service: string; endpoint: string }[] = [];
  for (const [type, url] of Object.entries(types)) {
    const service = (await ks('POST', '/services', { service: { type, name: `${type}-${region}`, enabled: true } })).service.id;
    const endpoint = (await ks('POST', '/endpoints', { endpoint: { service_id: service, interface: 'public', url, region_id: region } }))
      .endpoint.id;
    made.push({ service, endpoint });
  }
  return async () => {
    for (const { service, endpoint } of made) {
      await ks('DELETE', `/endpoints/${endpoint}`);
      await ks('DELETE', `/services/${service}`);
    }
    await ks('DELETE', `/regions/${region}`);
  };
}
