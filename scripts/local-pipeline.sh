#!/usr/bin/env bash
# The whole pipeline on the embedded local provider, with the CLI a user runs
# (bin/image-builder.js -> dist/index.js): plan -> build -> verify ->
# distribute -> lifecycle -> plan again (nothing left to do).
#
#   bash scripts/local-pipeline.sh [TOPOLOGY]     (default examples/local/topology.yml)
#
# Needs root for the base image (debootstrap, chroot); installs Packer, QEMU
# and Ansible from Debian's packages when they are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
topology=$(realpath "${1:-$root/examples/local/topology.yml}")
bash "$root/scripts/setup.sh" --system

work=${IMAGE_BUILDER_WORK:-$(dirname "$topology")/.pipeline}
mkdir -p "$work"
results="$work/results"
ib() { node "$root/bin/image-builder.js" "$@" --topology "$topology" --results "$results" --work-dir "$work/work"; }

echo "== plan"
ib plan --plan-file "$work/plan.json"
cells=$(node -e 'for (const c of require(process.argv[1]).builds) console.log(JSON.stringify(c))' "$work/plan.json")
failed=0
while IFS= read -r cell; do
  [ -n "$cell" ] || continue
  name=$(node -e 'console.log(JSON.parse(process.argv[1]).name)' "$cell")
  echo "== build $name"
  ib build --cell "$cell"
  echo "== verify $name"
  ib verify --cell "$cell" || { echo "verify of $name failed: it will not be promoted"; failed=1; }
done <<< "$cells"
echo "== distribute"
ib distribute
echo "== lifecycle"
ib lifecycle
echo "== plan again"
ib plan --plan-file "$work/plan-after.json"
exit "$failed"
