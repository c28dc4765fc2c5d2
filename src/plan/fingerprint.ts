/**
 * An image's identity: a hash of everything that decides its content.
 * Same inputs give the same fingerprint on any machine, in any key order;
 * a changed playbook changes exactly the fingerprints of the images using it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageConfig, ProviderName, ProviderSource, Recipe } from '../topology/model.js';
import { canonicalJson } from '../util/canonical.js';
import { sha256 } from '../util/hash.js';
import { playbookFiles } from './playbook-files.js';

/** Bumped whenever the generated Packer template or the bundled provisioning changes shape. */
export const TEMPLATE_VERSION = '1';
/** Hex characters kept: 128 bits, short enough for a GCP label value (<= 63). */
export const FINGERPRINT_LENGTH = 32;

export interface FingerprintInput {
  provider: ProviderName;
  recipe: Pick<Recipe, 'name' | 'playbooks' | 'variables' | 'build'>;
  source: ProviderSource;
  /** Path relative to the topology folder (forward slashes) -> sha256 of its bytes. */
  files: Record<string, string>;
  templateVersion: string;
}

export function fingerprint(input: FingerprintInput): string {
  return sha256(canonicalJson(input)).slice(0, FINGERPRINT_LENGTH);
}

/**
 * Fingerprints image configs, reading and hashing each file once however
 * many images use it, and walking each distinct playbook set once.
 */
export class Fingerprinter {
  private readonly digests = new Map<string, string>();
  private readonly fileSets = new Map<string, Record<string, string>>();

  constructor(private readonly baseDir: string) {}

  of(config: ImageConfig): string {
    const { name, playbooks, variables, build } = config.recipe;
    return fingerprint({
      provider: config.provider,
      // Playbooks by their path from the topology's folder, however written, so
      // an absolute path gives the same fingerprint in another checkout.
      recipe: { name, playbooks: playbooks.map((p) => this.relative(path.resolve(this.baseDir, p))), variables, build },
      source: config.source,
      files: this.files(playbooks, variables),
      templateVersion: TEMPLATE_VERSION,
    });
  }

  /** Relative path -> sha256 of every file the playbooks depend on. */
  files(playbooks: string[], variables: Record<string, unknown>): Record<string, string> {
    const key = canonicalJson([playbooks, variables]);
    const known = this.fileSets.get(key);
    if (known) return known;
    const absolute = playbooks.map((p) => path.resolve(this.baseDir, p));
    const files: Record<string, string> = {};
    for (const file of playbookFiles(absolute, variables)) {
      let digest = this.digests.get(file);
      if (digest === undefined) {
        digest = sha256(readFileSync(file));
        this.digests.set(file, digest);
      }
      files[this.relative(file)] = digest;
    }
    this.fileSets.set(key, files);
    return files;
  }

  private relative(file: string): string {
    return path.relative(this.baseDir, file).split(path.sep).join('/');
  }
}
