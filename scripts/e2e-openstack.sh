#!/usr/bin/env bash
# End-to-end check of the OpenStack path, run by .ci/run after e2e-local.sh
# (whose store already caches the base image) against the harness's real
# Keystone and two Glances: `image-builder run --delete` on an NREC-style
# cloud does
#   plan -> a real Packer + QEMU build provisioned by the real playbooks ->
#   upload to RegionOne's Glance (hash checked) -> verify by booting the image
#   downloaded from Glance -> copy to RegionTwo -> lifecycle (promote and
#   rename "GOLD", the old gold renamed "Outdated" and hidden, the oldest
#   deleted beyond keep: 2) -> plan again,
# with two older images of the line seeded beforehand. Then the second plan
# must have nothing to do, and Glance must hold what lifecycle decided.
# Upload and copy throughput are in the run's log lines ("uploaded ... MiB/s").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${IMAGE_BUILDER_OPENSTACK_ENV:?set it to the env file scripts/openstack/harness.sh start writes}"
dir=${IMAGE_BUILDER_E2E_DIR:-$root/.work/e2e}/openstack
store=${IMAGE_BUILDER_E2E_STORE:-$root/.work/e2e-store}
namespace=e2e-openstack
glance() { node "$root/scripts/openstack/e2e-glance.mjs" "$@"; }

rm -rf "$dir"
mkdir -p "$dir" "$store"
cp -r "$root/playbooks" "$dir/playbooks"

# clouds.yaml from the harness's credentials, readable by this user only.
(
  set -a
  # shellcheck disable=SC1090
  . "$IMAGE_BUILDER_OPENSTACK_ENV"
  umask 077
  cat > "$dir/clouds.yaml" <<YAML
clouds:
  harness:
    auth:
      auth_url: $OS_AUTH_URL
      username: $OS_USERNAME
      password: $OS_PASSWORD
      project_name: $OS_PROJECT_NAME
      user_domain_id: default
      project_domain_id: default
    region_name: RegionOne
YAML
)

cat > "$dir/topology.yml" <<YAML
version: 1
namespace: $namespace
images:
  base:
    playbooks: [playbooks/provision.yml]
    variables:
      packages: [jq]
sources:
  debian12:
    openstack: { suite: bookworm, os_distro: debian, properties: { hw_disk_bus: virtio } }
clouds:
  - name: nrec
    provider: openstack
    cloud: harness
    naming: gold-prefix
    store: $store
    build_region: RegionOne
    regions:
      RegionOne: { instances: [ { name: login, image: base, os: debian12 } ] }
      RegionTwo: { instances: [ { name: login, image: base, os: debian12 } ] }
lifecycle:
  keep: 2
YAML

glance clean "$namespace"
glance seed "$namespace"
started=$(date +%s)
OS_CLIENT_CONFIG_FILE="$dir/clouds.yaml" IMAGE_BUILDER_WORK="$dir/pipeline" \
  bash "$root/scripts/local-pipeline.sh" "$dir/topology.yml" --delete
echo "e2e-openstack: the run took $(($(date +%s) - started)) s"

node - "$dir/pipeline" <<'JS'
const fs = require('fs');
const path = require('path');
const after = JSON.parse(fs.readFileSync(path.join(process.argv[2], 'plan-after.json'), 'utf8'));
if (after.builds.length !== 0 || after.copies.length !== 0) {
  console.error(`e2e-openstack: the second plan still has ${after.builds.length} builds and ${after.copies.length} copies`);
  process.exit(1);
}
JS
glance check "$namespace" "$dir/pipeline/plan.json"
glance clean "$namespace"
