/**
 * What makes the bootstrapped tree boot under QEMU by direct kernel boot and
 * accept Packer's SSH login: root's password, sshd allowing it, the host name,
 * fstab for /dev/vda, DHCP on any wired NIC by systemd-networkd, QEMU's
 * user-network DNS; then apt's caches, docs, man pages and locales go.
 *
 * One shell script for both ways of building: run as root, or as root of the
 * user namespace (rootless.ts), where the tree belongs to subordinate ids and
 * only that root may write it. It takes the tree as $1 and `root:<password>`
 * on stdin (never in argv, which other users see).
 */

/** Files written into the tree (relative path: content). */
export const BASE_FILES: Readonly<Record<string, string>> = {
  'etc/ssh/sshd_config.d/10-image-builder.conf': 'PermitRootLogin yes\nPasswordAuthentication yes\nUseDNS no\n',
  'etc/hostname': 'image-builder\n',
  'etc/hosts': '127.0.0.1 localhost\n127.0.1.1 image-builder\n',
  'etc/fstab': '/dev/vda / ext4 rw,errors=remount-ro 0 1\n',
  'etc/systemd/network/20-wired.network': '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n',
  // resolv.conf may be a link into /run: removed first, like every file here, so nothing is written through a link.
  'etc/resolv.conf': 'nameserver 10.0.2.3\n',
};

/** Emptied to keep the image small. */
export const EMPTIED = ['var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale'];

const NETWORKD_WANTED = 'etc/systemd/system/multi-user.target.wants/systemd-networkd.service';

/** A word the shell takes literally. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The preparation, for `sh -c <script> prepare <tree>` with `root:<password>` on stdin. */
export function prepareScript(): string {
  return [
    'set -eu',
    'umask 022',
    'R=$1',
    'chroot "$R" chpasswd',
    'put() { mkdir -p "$(dirname "$R/$1")"; rm -f "$R/$1"; printf %s "$2" > "$R/$1"; }',
    ...Object.entries(BASE_FILES).map(([rel, text]) => `put ${shellQuote(rel)} ${shellQuote(text)}`),
    `mkdir -p "$R/$(dirname ${NETWORKD_WANTED})"`,
    `ln -sfn /lib/systemd/system/systemd-networkd.service "$R/${NETWORKD_WANTED}"`,
    'chroot "$R" apt-get clean',
    `for d in ${EMPTIED.join(' ')}; do rm -rf "\${R:?}/$d"; mkdir -p "$R/$d"; done`,
  ].join('\n');
}
