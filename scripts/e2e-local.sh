#!/usr/bin/env bash
# End-to-end check of the local pipeline, run by .ci/run: a real base image,
# real Packer qemu builds provisioned by the real playbooks, verification
# boots, distribution to a second store region and lifecycle, then:
#   - a second plan has nothing to do;
#   - the built image's disk holds the manifest with its fingerprint, the
#     first-boot unit enabled, and an empty machine-id (read with debugfs,
#     without mounting);
#   - the good image is gold in both regions; the deliberately broken one
#     failed verification and is not gold anywhere.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${IMAGE_BUILDER_E2E_DIR:-$root/.work/e2e}
mkdir -p "$dir"
# A store outside the run folder keeps the base image between local runs.
store=${IMAGE_BUILDER_E2E_STORE:-$root/.work/e2e-store}
rm -rf "$dir/run" "${store:?}/rack1" "$store/rack2"
mkdir -p "$dir/run" "$store"
# Playbook paths are relative and stay inside the topology's repository: a copy of ours beside it.
cp -r "$root/playbooks" "$dir/run/playbooks"

cat > "$dir/run/broken-verify.yml" <<'YAML'
---
- name: Expect a file provisioning never writes
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: Look for it
      ansible.builtin.stat:
        path: /etc/this-file-was-never-provisioned
      register: never
    - name: Fail without it
      ansible.builtin.assert:
        that: never.stat.exists
        fail_msg: the broken image lacks the file its verify playbook expects
YAML
cat > "$dir/run/topology.yml" <<YAML
version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
    variables:
      packages: [jq]
  broken:
    extends: base
    verify: broken-verify.yml
sources:
  debian12:
    local: { suite: bookworm }
clouds:
  - name: lab
    provider: local
    store: $store
    build_region: rack1
    regions:
      rack1:
        instances:
          - { name: node, image: base, os: debian12, count: 2 }
          - { name: odd, image: broken, os: debian12 }
      rack2:
        instances:
          - { name: node, image: base, os: debian12 }
lifecycle:
  keep: 2
YAML

status=0
IMAGE_BUILDER_WORK="$dir/run/pipeline" bash "$root/scripts/local-pipeline.sh" "$dir/run/topology.yml" || status=$?
[ "$status" -eq 1 ] || { echo "e2e: expected the pipeline to report the broken image's failed verification (exit 1), got $status" >&2; exit 1; }

node - "$dir/run/pipeline" "$store" <<'JS'
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const [work, store] = process.argv.slice(2);
const fail = (m) => { console.error(`e2e: ${m}`); process.exit(1); };
const plan = JSON.parse(fs.readFileSync(path.join(work, 'plan.json'), 'utf8'));
const after = JSON.parse(fs.readFileSync(path.join(work, 'plan-after.json'), 'utf8'));
if (after.builds.length !== 0 || after.copies.length !== 0) fail(`second plan still has ${after.builds.length} builds and ${after.copies.length} copies`);
const base = plan.builds.find((b) => b.image === 'base');
const broken = plan.builds.find((b) => b.image === 'broken');
// Builds stamp the planned name with their start time: an image is found by its fingerprint.
const meta = (region, cell) => {
  for (const name of fs.readdirSync(path.join(store, region))) {
    const file = path.join(store, region, name, 'metadata.json');
    const m = fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8'));
    if (m && m.fingerprint === cell.fingerprint) return m;
  }
  fail(`no image of ${cell.name} (fingerprint ${cell.fingerprint}) in ${region}`);
};
for (const region of ['rack1', 'rack2']) {
  const m = meta(region, base);
  if (m.channel !== 'gold' || m.verified !== 'passed') fail(`${m.name} in ${region} is ${m.channel}/${m.verified}, not gold/passed`);
}
const b = meta('rack1', broken);
if (b.verified !== 'failed' || b.channel === 'gold') fail(`${broken.name} is ${b.channel}/${b.verified}: a failed image must never be gold`);

const raw = path.join(work, 'disk.raw');
execFileSync('qemu-img', ['convert', '-O', 'raw', path.join(store, 'rack1', meta('rack1', base).name, 'image.qcow2'), raw]);
const debugfs = (cmd) => execFileSync('debugfs', ['-R', cmd, raw], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const manifest = JSON.parse(debugfs('cat /etc/image-builder/manifest.json'));
if (manifest.fingerprint !== base.fingerprint) fail(`manifest fingerprint ${manifest.fingerprint} is not ${base.fingerprint}`);
if (!/Size:\s+0\b/.test(debugfs('stat /etc/machine-id'))) fail('/etc/machine-id is not empty in the image');
if (!debugfs('ls -l /etc/systemd/system/multi-user.target.wants').includes('image-builder-firstboot.service')) fail('the first-boot unit is not enabled');
fs.rmSync(raw);
console.log(`e2e: ok — ${base.name} gold in rack1 and rack2, manifest fingerprint ${manifest.fingerprint}, machine-id empty, first-boot enabled; ${broken.name} failed verification and is ${b.channel}; second plan: 0 builds, 0 copies`);
JS
