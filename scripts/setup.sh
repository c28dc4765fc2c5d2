#!/usr/bin/env bash
# Installs what the tests and local builds need on a Debian machine:
# Packer, QEMU, Ansible and linters from Debian's packages, then the npm
# packages at the lock file's versions
# (skipped with --system: the CLI itself runs from the committed dist/).
# Idempotent: packages already present are not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  packer qemu-system-x86 qemu-utils debootstrap mmdebstrap uidmap e2fsprogs
  ansible-core ansible ansible-lint yamllint shellcheck
  openssh-client sshpass jq
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  # Another apt or dpkg (unattended-upgrades, a second setup) may hold the
  # locks: wait for it, up to 10 minutes, instead of failing. apt-get waits
  # for the dpkg lock with DPkg::Lock::Timeout, but `update` does not wait for
  # the lists lock: it is retried while that is the error.
  apt_get() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }
  for try in $(seq 60); do
    if out=$(apt_get update -qq 2>&1); then break; fi
    if ! grep -q 'Could not get lock' <<<"$out" || [ "$try" -eq 60 ]; then
      echo "$out" >&2
      exit 1
    fi
    [ "$try" -eq 1 ] && echo "setup: apt is busy (another install is running), waiting for it..."
    sleep 10
  done
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "${1:-}" = "--system" ] && exit 0
# `npm ci` installs exactly the lock file's versions (it holds every
# platform's optional binaries) and never rewrites it.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
