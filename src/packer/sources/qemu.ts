/**
 * qemu (local): boots a qcow2 copy of the base image by direct kernel boot
 * (no bootloader needed), provisions over SSH, shuts down; the disk in the
 * output folder is the new image. In verify mode the disk is an overlay on
 * the stored image, made by the verify command, and the output is thrown away.
 */
import { sshUser, type SourceContext, type SourceResult } from './context.js';

export function qemuSource(ctx: SourceContext): SourceResult {
  const local = ctx.local;
  if (!local) throw new Error(`${ctx.image.name}: a local build needs a base image (kernel, initrd, disk)`);
  const v = ctx.builder;
  const user = sshUser(ctx, 'root');
  const config: Record<string, unknown> = {
    disk_image: true,
    iso_url: v.variable('base_image', { type: 'string' }, local.baseImage),
    iso_checksum: 'none',
    format: 'qcow2',
    disk_interface: 'virtio',
    net_device: 'virtio-net',
    skip_resize_disk: true,
    accelerator: v.variable('accelerator', { type: 'string' }, local.accelerator),
    headless: true,
    memory: v.variable('memory_mb', { type: 'number' }, local.memoryMb),
    cpus: v.variable('cpus', { type: 'number' }, local.cpus),
    qemuargs: [
      ['-kernel', v.variable('kernel', { type: 'string' }, local.kernel)],
      ['-initrd', v.variable('initrd', { type: 'string' }, local.initrd)],
      ['-append', 'root=/dev/vda rw console=ttyS0'],
      ['-serial', `file:${v.variable('serial_log', { type: 'string' }, local.serialLog)}`],
    ],
    boot_wait: '1s',
    communicator: 'ssh',
    ssh_username: v.variable('ssh_username', { type: 'string' }, user),
    ssh_password: v.variable('ssh_password', { type: 'string', sensitive: true }, local.sshPassword),
    ssh_timeout: '10m',
    shutdown_command: 'systemctl poweroff',
    output_directory: v.variable('output_dir', { type: 'string' }, ctx.outputDir),
    vm_name: 'image.qcow2',
  };
  // Packer's SSH adapter (the ansible provisioner's proxy) offers only ssh-rsa host keys, which OpenSSH >= 8.8 refuses by default.
  const ansibleSshExtraArgs = ['-o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedKeyTypes=+ssh-rsa'];
  return { type: 'qemu', name: 'image', config, sshUser: user, plugin: 'qemu', ansibleSshExtraArgs };
}
