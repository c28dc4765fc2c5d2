#!/usr/bin/env bash
# The whole pipeline on the embedded local provider: installs Packer, QEMU and
# Ansible from Debian's packages when they are missing, then runs
# `image-builder run` (plan, build, verify, distribute, lifecycle, plan again).
#
#   bash scripts/local-pipeline.sh [TOPOLOGY] [run options, e.g. --parallel 2]
#
# TOPOLOGY defaults to examples/local/topology.yml. The plan, results, work
# files and log go to .image-builder/ beside it, or to $IMAGE_BUILDER_WORK.
# The base image needs root (debootstrap), or user namespaces (mmdebstrap).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
topology="$root/examples/local/topology.yml"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  topology=$(realpath "$1")
  shift
fi
bash "$root/scripts/setup.sh" --system
state=()
if [ -n "${IMAGE_BUILDER_WORK:-}" ]; then
  state=(--plan-file "$IMAGE_BUILDER_WORK/plan.json" --results "$IMAGE_BUILDER_WORK/results" --work-dir "$IMAGE_BUILDER_WORK/work")
fi
exec node "$root/bin/image-builder.js" run --topology "$topology" "${state[@]}" "$@"
