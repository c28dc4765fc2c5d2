/**
 * A stand-in `packer` for command tests, put first on PATH for the length of
 * one call: answers `version`, accepts `init`, and `validate` and `build`
 * read the template and its variables file and hold the rules the pinned
 * plugins enforce against the real clouds (each named with its source in
 * fake-packer-bin.mjs): a verify template naming an existing GCP image halts,
 * an Azure verify template without a destination fails validation on a
 * plugin older than 2.6.0, an Azure build with `location` needs rights to
 * create resource groups, a taken image name stops the build, a zone the
 * project lacks fails instance creation. Its `build` then passes (writing the
 * qemu disk and Packer's manifest), fails like a broken Ansible run, or never
 * reaches SSH.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeTree } from './tree.js';

export interface FakePackerOptions {
  /** What `packer build` does once its checks pass (default pass). */
  build?: 'pass' | 'fail' | 'noboot';
  /** What `packer version` says (default 1.6.6: no `packer init`). */
  version?: string;
  /** A file every call appends "<subcommand> token=$PACKER_GITHUB_API_TOKEN plugins=$PACKER_PLUGIN_PATH" to. */
  log?: string;
  /**
   * What the cloud already holds, as the builders look it up: GCP image
   * names, AWS AMI names, Azure managed image names and gallery versions
   * ("<definition>:<version>").
   */
  existing?: string[];
  /** The zones the GCP project has; a template naming another fails instance creation (default: any zone). */
  gcpZones?: string[];
  /** Azure rights of the signed-in identity: `resource-group` means Contributor on the build's resource group only. */
  azureRbac?: 'resource-group' | 'subscription';
}

const PROGRAM = path.join(path.dirname(new URL(import.meta.url).pathname), 'fake-packer-bin.mjs');

/** Writes the stand-in to `dir`/fake-bin/packer (and its settings beside it) and returns that folder. */
export function fakePacker(dir: string, options: FakePackerOptions = {}): string {
  const bin = path.join(dir, 'fake-bin');
  const settings = path.join(bin, 'packer.json');
  writeTree({ packer: `#!/bin/sh\nexec '${process.execPath}' '${PROGRAM}' '${settings}' "$@"\n` }, bin);
  writeFileSync(settings, JSON.stringify(options));
  chmodSync(path.join(bin, 'packer'), 0o755);
  return bin;
}

/** Runs `fn` with the stand-in first on PATH, and puts PATH back afterwards. */
export async function withFakePacker<T>(dir: string, options: FakePackerOptions, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = `${fakePacker(dir, options)}:${saved}`;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}
