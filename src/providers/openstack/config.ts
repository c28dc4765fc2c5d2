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
import { cloudEntry, type Loose } from './clouds-yaml.js';

export interface OpenStackAuth {
  /** Keystone v3 base URL, ending in /v3. */
  authUrl: string;
  method: 'password' | 'application_credential';
  username?: string;
  userId?: string;
  userDomain?: { id?: string; name?: string };
  password?: string;
  projectName?: string;
  projectId?: string;
  projectDomain?: { id?: string; name?: string };
  appCredentialId?: string;
  appCredentialName?: string;
  appCredentialSecret?: string;
  /** The region clouds.yaml or OS_REGION_NAME names (the topology's regions win). */
  region?: string;
  /** Which catalog endpoint to use: public (default), internal or admin. */
  interface: string;
  /** Where these settings were read, for messages ("clouds.yaml entry nrec (/path)" or "OS_* variables"). */
  origin: string;
}

/**
 * The credentials of topology cloud `label`: the clouds.yaml entry `entry`
 * (or OS_CLOUD's), else the OS_* variables.
 */
export function readAuth(label: string, entry: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): OpenStackAuth {
  const name = entry ?? env.OS_CLOUD;
  if (name) return fromCloudsYaml(label, name, entry ? 'cloud:' : 'OS_CLOUD', env, cwd);
  return fromEnv(label, env);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

function fromCloudsYaml(label: string, name: string, via: string, env: NodeJS.ProcessEnv, cwd: string): OpenStackAuth {
  const { entry, origin } = cloudEntry(label, name, via, env, cwd);
  const auth = (entry.auth ?? {}) as Loose;
  const type = str(entry.auth_type) ?? (str(auth.application_credential_secret) ? 'v3applicationcredential' : 'password');
  const regions = Array.isArray(entry.regions) ? entry.regions.map((r) => str(typeof r === 'object' ? (r as Loose).name : r)) : [];
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

function fromEnv(label: string, env: NodeJS.ProcessEnv): OpenStackAuth {
  const v = (k: string) => str(env[`OS_${k}`]);
  if (!v('AUTH_URL')) {
    throw new Error(
      `openstack cloud "${label}": no credentials: write cloud: <entry of clouds.yaml> in the topology, or set OS_CLOUD, ` +
        'or the OS_* variables of an openrc file (OS_AUTH_URL, and OS_APPLICATION_CREDENTIAL_ID + OS_APPLICATION_CREDENTIAL_SECRET ' +
        'or OS_USERNAME + OS_PASSWORD + OS_PROJECT_NAME)',
    );
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

function unsupported(label: string, type: string, origin: string): never {
  throw new Error(
    `openstack cloud "${label}": auth_type "${type}" of ${origin} is not supported; use password (v3password) or v3applicationcredential`,
  );
}

function domain(id: unknown, name: unknown): { id?: string; name?: string } | undefined {
  const d = { id: str(id), name: str(name) };
  return d.id || d.name ? d : undefined;
}

function normaliseInterface(value: string | undefined): string {
  return (value ?? 'public').replace(/URL$/, '').toLowerCase();
}

/** Keystone v3 under auth_url: a URL without a version gets /v3. */
export function keystoneV3(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed.replace(/\/v2\.0$/, '')}/v3`;
}

/** The fields each method needs, named in the error with where to write them. */
function check(label: string, auth: OpenStackAuth): OpenStackAuth {
  const missing: string[] = [];
  if (!/^https?:\/\//.test(auth.authUrl))
    missing.push('auth_url (OS_AUTH_URL): the Keystone URL, e.g. https://keystone.example.org:5000/v3');
  if (auth.method === 'application_credential') {
    if (!auth.appCredentialSecret) missing.push('application_credential_secret (OS_APPLICATION_CREDENTIAL_SECRET)');
    if (!auth.appCredentialId && !(auth.appCredentialName && (auth.username || auth.userId)))
      missing.push('application_credential_id (OS_APPLICATION_CREDENTIAL_ID), or its name with username');
  } else {
    if (!auth.username && !auth.userId) missing.push('username (OS_USERNAME)');
    if (!auth.password) missing.push('password (OS_PASSWORD)');
    if (!auth.projectName && !auth.projectId) missing.push('project_name or project_id (OS_PROJECT_NAME / OS_PROJECT_ID)');
  }
  if (missing.length > 0) {
    throw new Error(`openstack cloud "${label}": missing from ${auth.origin}: ${missing.join('; ')}`);
  }
  return { ...auth, authUrl: keystoneV3(auth.authUrl) };
}
