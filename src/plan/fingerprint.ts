/**
 * An image's identity: a hash of everything that decides its content.
 * Same inputs give the same fingerprint on any machine, in any key order;
 * a changed playbook changes exactly the fingerprints of the images using it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageConfig, ProviderName, ProviderSource, Recipe } from '../topology/model.js';
import { BUILTIN_PREFIX, builtinName, bundledPlaybooks, playbookPath, rolesPath } from '../topology/builtin.js';
import { canonicalJson } from '../util/canonical.js';
import { sha256 } from '../util/hash.js';
import { playbookFiles, PlaybookReader } from './playbook-files.js';

/** Bumped whenever the generated Packer template or the bundled provisioning changes shape. */
export const TEMPLATE_VERSION = '1';
/** Hex characters kept: 128 bits, short enough for a GCP label value (<= 63). */
export const FINGERPRINT_LENGTH = 32;

export interface FingerprintInput {
  provider: ProviderName;
  recipe: Pick<Recipe, 'name' | 'playbooks' | 'variables' | 'build'>;
  source: ProviderSource;
  /**
   * Each file's key -> sha256 of its bytes. The key is `builtin:` and the path
   * in the bundled playbooks folder for a bundled file, else the path relative
   * to the topology folder; forward slashes.
   */
  files: Record<string, string>;
  templateVersion: string;
}

export function fingerprint(input: FingerprintInput): string {
  return sha256(canonicalJson(input)).slice(0, FINGERPRINT_LENGTH);
}

/**
 * Fingerprints image configs, reading, parsing and hashing each file once
 * however many images use it, and walking each distinct playbook set once.
 */
export class Fingerprinter {
  private readonly digests = new Map<string, string>();
  private readonly fileSets = new Map<string, Record<string, string>>();
  /** The playbooks' files as read from disk, shared by every walk (one per distinct playbooks and variables). */
  private readonly reader = new PlaybookReader();

  private readonly bundled: string;
  private readonly rolesPath: string[];

  /** `bundled`: the bundled playbooks folder (found when not given). */
  constructor(
    private readonly baseDir: string,
    bundled?: string,
  ) {
    this.bundled = path.resolve(bundled ?? bundledPlaybooks());
    this.rolesPath = rolesPath(baseDir, this.bundled);
  }

  of(config: ImageConfig): string {
    return fingerprint(this.input(config));
  }

  /** What the fingerprint hashes for `config` (plan/inputs.ts splits it into the components a plan compares). */
  input(config: ImageConfig): FingerprintInput {
    const { name, playbooks, variables, build } = config.recipe;
    return {
      provider: config.provider,
      // Playbooks by their key (builtin:NAME, or the path from the topology's folder however
      // written), so an absolute path or another checkout of the product gives the same fingerprint.
      recipe: {
        name,
        playbooks: playbooks.map((p) => (builtinName(p) !== undefined ? p : this.key(path.resolve(this.baseDir, p)))),
        variables,
        build,
      },
      source: config.source,
      files: this.files(playbooks, variables),
      templateVersion: TEMPLATE_VERSION,
    };
  }

  /** Key (see FingerprintInput.files) -> sha256 of every file the playbooks depend on. */
  files(playbooks: string[], variables: Record<string, unknown>): Record<string, string> {
    const key = canonicalJson([playbooks, variables]);
    const known = this.fileSets.get(key);
    if (known) return known;
    const absolute = playbooks.map((p) => playbookPath(p, this.baseDir, this.bundled));
    const files: Record<string, string> = {};
    for (const file of playbookFiles(absolute, variables, this.rolesPath, this.reader)) {
      let digest = this.digests.get(file);
      if (digest === undefined) {
        digest = sha256(readFileSync(file));
        this.digests.set(file, digest);
      }
      files[this.key(file)] = digest;
    }
    this.fileSets.set(key, files);
    return files;
  }

  /** A bundled file by its place in the bundle (machine-independent), any other by its path from the topology's folder. */
  private key(file: string): string {
    const inBundle = path.relative(this.bundled, file);
    const inside = inBundle !== '' && inBundle.split(path.sep)[0] !== '..' && !path.isAbsolute(inBundle);
    if (inside) return BUILTIN_PREFIX + slashes(inBundle);
    return slashes(path.relative(this.baseDir, file));
  }
}

const slashes = (p: string): string => p.split(path.sep).join('/');
