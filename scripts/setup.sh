#!/usr/bin/env bash
# Installs what the tests and local builds need on a Debian machine:
# Packer, QEMU, Ansible and linters from Debian's packages, then the npm
# packages at the lock file's versions
# (skipped with --system: the CLI itself runs from the committed dist/).
# Idempotent: packages already present are not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  packer qemu-system-x86 qemu-utils debootstrap e2fsprogs
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
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "${1:-}" = "--system" ] && exit 0
# `npm ci` installs exactly the lock file's versions (it holds every
# platform's optional binaries) and never rewrites it.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
