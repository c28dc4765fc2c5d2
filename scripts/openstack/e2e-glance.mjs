#!/usr/bin/env node
/**
 * The Glance side of scripts/e2e-openstack.sh, over plain REST (Keystone v3,
 * Glance v2) with the harness's admin credentials (the OS_* file that
 * harness.sh start writes):
 *   e2e-glance.mjs clean NAMESPACE          delete every image of that owner, both regions
 *   e2e-glance.mjs seed NAMESPACE           two older images of the line base/debian12:
 *                                           a candidate, then a gold (the older one goes
 *                                           beyond keep: 2 once the new build exists)
 *   e2e-glance.mjs check NAMESPACE PLAN     what the pipeline must have left
 * The seeds carry the properties a build writes (src/images/tags.ts) with a
 * fingerprint no topology has.
 */
import { readFileSync } from 'node:fs';

const [command, namespace, planFile] = process.argv.slice(2);
const env = Object.fromEntries(
  readFileSync(process.env.IMAGE_BUILDER_OPENSTACK_ENV, 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const regions = { RegionOne: env.GLANCE_URL, RegionTwo: env.GLANCE2_URL };
const fail = (m) => {
  console.error(`e2e-openstack: ${m}`);
  process.exit(1);
};

async function token() {
  const res = await fetch(`${env.OS_AUTH_URL}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: env.OS_USERNAME, domain: { id: 'default' }, password: env.OS_PASSWORD } },
        },
        scope: { project: { id: env.OS_ADMIN_PROJECT_ID } },
      },
    }),
  });
  if (res.status !== 201) fail(`Keystone answered ${res.status}`);
  return res.headers.get('x-subject-token');
}

const auth = await token();
async function glance(region, method, path, body, type = 'application/json') {
  const res = await fetch(`${regions[region]}${path}`, {
    method,
    headers: { 'x-auth-token': auth, ...(body === undefined ? {} : { 'content-type': type }) },
    body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  if (res.status >= 400) fail(`${method} ${path} in ${region}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.headers.get('content-type')?.includes('json') ? res.json() : res.text();
}

/** Every image of the namespace in `region`, hidden ones included (os_hidden is listed only when asked). */
async function images(region) {
  const out = [];
  for (const hidden of ['false', 'true']) {
    const page = await glance(region, 'GET', `/v2/images?ib-owner=${namespace}&os_hidden=${hidden}&limit=100`);
    out.push(...page.images);
  }
  return out;
}

if (command === 'clean') {
  for (const region of Object.keys(regions)) {
    for (const image of await images(region)) {
      if (image.protected)
        await glance(
          region,
          'PATCH',
          `/v2/images/${image.id}`,
          [{ op: 'replace', path: '/protected', value: false }],
          'application/openstack-images-v2.1-json-patch',
        );
      await glance(region, 'DELETE', `/v2/images/${image.id}`);
    }
  }
} else if (command === 'seed') {
  const seeds = [
    { name: 'base-debian12-seed-older', fingerprint: 'e2e00000000000a1', channel: 'candidate', built: '2026-01-01T00:00:00Z' },
    { name: 'GOLD base-debian12-seed-gold', fingerprint: 'e2e00000000000b2', channel: 'gold', built: '2026-02-01T00:00:00Z' },
  ];
  for (const seed of seeds) {
    const image = await glance('RegionOne', 'POST', '/v2/images', {
      name: seed.name,
      disk_format: 'raw',
      container_format: 'bare',
      'image-builder': 'true',
      'ib-fingerprint': seed.fingerprint,
      'ib-recipe': 'base',
      'ib-os': 'debian12',
      'ib-cloud': 'nrec',
      'ib-owner': namespace,
      'ib-channel': seed.channel,
      'ib-verified': 'passed',
      'ib-built-at': seed.built,
    });
    await glance('RegionOne', 'PUT', `/v2/images/${image.id}/file`, new Uint8Array(1024), 'application/octet-stream');
    console.log(`e2e-openstack: seeded ${seed.name} (${image.id}, ${seed.channel})`);
  }
} else if (command === 'check') {
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  const cell = plan.builds.find((b) => b.image === 'base');
  if (!cell) fail(`the plan ${planFile} has no build of base`);
  const all = {};
  for (const region of Object.keys(regions)) all[region] = await images(region);
  const one = all.RegionOne;
  const built = one.filter((i) => i['ib-fingerprint'] === cell.fingerprint);
  if (built.length !== 1) fail(`RegionOne holds ${built.length} images of fingerprint ${cell.fingerprint}, not 1`);
  const gold = built[0];
  const expectGold = (image, region) => {
    if (image.status !== 'active' || image.os_hidden) fail(`${image.name} in ${region} is ${image.status}, hidden ${image.os_hidden}`);
    if (image['ib-channel'] !== 'gold' || image['ib-verified'] !== 'passed')
      fail(`${image.name} in ${region} is ${image['ib-channel']}/${image['ib-verified']}, not gold/passed`);
    if (!image.name.startsWith('GOLD ')) fail(`the gold image in ${region} is named "${image.name}", not "GOLD ..."`);
    if (image.os_distro !== 'debian') fail(`${image.name} in ${region} has os_distro ${image.os_distro}`);
  };
  expectGold(gold, 'RegionOne');
  const old = one.find((i) => i['ib-fingerprint'] === 'e2e00000000000b2');
  if (!old) fail('the seeded gold is gone from RegionOne: it is within keep: 2 and must stay');
  if (old.name !== 'Outdated base-debian12-seed-gold' || !old.os_hidden || old['ib-channel'] !== 'outdated')
    fail(`the old gold is "${old.name}", hidden ${old.os_hidden}, ${old['ib-channel']}: expected "Outdated ...", hidden, outdated`);
  if (one.some((i) => i['ib-fingerprint'] === 'e2e00000000000a1')) fail('the oldest image, beyond keep: 2, is still in RegionOne');
  const copies = all.RegionTwo.filter((i) => i['ib-fingerprint'] === cell.fingerprint);
  if (copies.length !== 1) fail(`RegionTwo holds ${copies.length} copies, not 1`);
  expectGold(copies[0], 'RegionTwo');
  if (copies[0].os_hash_value !== gold.os_hash_value) fail('the copy in RegionTwo does not hold the same data');
  const mib = (gold.size / 1_048_576).toFixed(1);
  console.log(
    `e2e-openstack: ok — ${gold.name} (${mib} MiB, ${gold.disk_format}) gold in RegionOne and RegionTwo, ` +
      `${old.name} hidden, the oldest removed beyond keep`,
  );
} else {
  fail(`usage: e2e-glance.mjs clean|seed|check NAMESPACE [PLAN]`);
}
