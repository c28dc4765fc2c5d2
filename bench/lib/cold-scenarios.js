/**
 * The cold-start scenarios: one small topology per provider (local, AWS,
 * GCP, Azure), each planned by the bundle against its fake on 127.0.0.1
 * (EC2, Compute, ARM over TLS) and a fake Debian mirror, every source
 * resolvable, so each run loads exactly one provider and its SDK and asks
 * its cloud what a real plan asks. Proxies point at a closed port: nothing
 * leaves the machine.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, compiled } from './compiled.js';
import { DEBIAN } from './topology.js';

const ACCOUNT = '123456789012';
const OFFLINE = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost' };
const PLAYBOOK = '- name: Provision\n  hosts: all\n  tasks: []\n';

/** A topology of one cloud in a fresh directory, with its playbook. */
function topologyDir(kind, source, cloud) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ib-cold-${kind}-`));
  mkdirSync(path.join(dir, 'playbooks'));
  writeFileSync(path.join(dir, 'playbooks/provision.yml'), PLAYBOOK);
  const lines = ['version: 1', 'images:', '  base: { playbooks: [playbooks/provision.yml] }', 'sources:', `  debian12: { ${source} }`, 'clouds:'];
  writeFileSync(path.join(dir, 'topology.yml'), [...lines, ...cloud, ''].join('\n'));
  return dir;
}

const regions = (names) => ['    regions:', ...names.map((r) => `      ${r}: { instances: [ { name: n, image: base, os: debian12 } ] }`)];

/** Starts the fakes; answers the scenarios ({ name, dir, env }) and close(). */
export async function startScenarios() {
  const [{ startEc2Fake }, { startGcpFake }, { startAzureFake }, { startDebianMirror }] = await Promise.all([
    compiled('__tests__/fakes/aws/server.js'),
    compiled('__tests__/fakes/gcp/server.js'),
    compiled('__tests__/fakes/azure/server.js'),
    compiled('__tests__/fakes/debian/mirror.js'),
  ]);
  const ec2 = await startEc2Fake({ account: ACCOUNT });
  const gcp = await startGcpFake();
  const azure = await startAzureFake();
  const mirror = await startDebianMirror();
  mirror.publish('bookworm', { version: '12.7', date: 'Sat, 31 Aug 2024 10:13:22 UTC' });
  const awsRegions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
  for (const region of awsRegions)
    ec2.state.publishUpstream({ region, ownerId: DEBIAN, name: 'debian-12-amd64-20250101-1980', creationDate: '2025-01-01T00:00:00.000Z' });
  gcp.state.publishUpstream({ project: 'debian-cloud', family: 'debian-12', name: 'debian-12-bookworm-v20250101', creationTimestamp: '2025-01-01T00:00:00.000Z' });

  const localDir = mkdtempSync(path.join(os.tmpdir(), 'ib-cold-local-'));
  mkdirSync(path.join(localDir, 'examples/local'), { recursive: true });
  writeFileSync(path.join(localDir, 'examples/local/topology.yml'), readFileSync(path.join(ROOT, 'examples/local/topology.yml')));
  // Playbooks must lie inside the topology's repository, symlinks resolved: a copy.
  cpSync(path.join(ROOT, 'playbooks'), path.join(localDir, 'playbooks'), { recursive: true });

  const azureCa = path.join(mkdtempSync(path.join(os.tmpdir(), 'ib-cold-ca-')), 'ca.pem');
  writeFileSync(azureCa, azure.ca);
  const az = azure.state;
  const scenarios = [
    { name: 'local', dir: localDir, env: { INPUT_TOPOLOGY: 'examples/local/topology.yml', IMAGE_BUILDER_DEBIAN_MIRROR: mirror.url } },
    {
      name: 'aws',
      dir: topologyDir('aws', `aws: { owner: "${DEBIAN}", name: "debian-12-amd64-*" }`, [
        '  - name: aws-prod',
        '    provider: aws',
        `    account: "${ACCOUNT}"`,
        ...regions(awsRegions),
      ]),
      env: {
        AWS_ENDPOINT_URL_EC2: ec2.url,
        AWS_ACCESS_KEY_ID: 'AKIDFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    },
    {
      name: 'gcp',
      dir: topologyDir('gcp', 'gcp: { project: debian-cloud, family: debian-12 }', [
        '  - name: gcp-prod',
        '    provider: gcp',
        '    project: test-project',
        ...regions(['europe-west1', 'us-central1']),
      ]),
      env: { IMAGE_BUILDER_GCP_ENDPOINT: gcp.url, 'INPUT_GCP-ACCESS-TOKEN': 'fake-token' },
    },
    {
      name: 'azure',
      dir: topologyDir('azure', 'azure: { publisher: Debian, offer: debian-12, sku: 12-gen2, version: latest }', [
        '  - name: azure-prod',
        '    provider: azure',
        `    subscription: ${az.subscription}`,
        `    resource_group: ${az.resourceGroup}`,
        '    gallery: image_builder',
        ...regions(['westeurope', 'northeurope']),
      ]),
      env: { IMAGE_BUILDER_AZURE_ENDPOINT: azure.url, IMAGE_BUILDER_AZURE_ACCESS_TOKEN: 'fake-token', NODE_EXTRA_CA_CERTS: azureCa },
    },
  ];
  for (const s of scenarios) {
    s.env = { ...OFFLINE, ...s.env };
    s.env.INPUT_TOPOLOGY ??= 'topology.yml';
  }
  return { scenarios, close: () => Promise.all([ec2.close(), gcp.close(), azure.close(), mirror.close()]) };
}
