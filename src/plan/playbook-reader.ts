/**
 * What the playbook walk (playbook-files.ts) reads from disk, each answer
 * kept: whether a path exists, a folder's files and names, a YAML file's
 * content. One Fingerprinter walks the playbooks once per distinct
 * (playbooks, variables), which for 1,000 recipes that differ only in their
 * variables is 1,000 walks over the same few files: each file is then read
 * and parsed once, not once per recipe. The files do not change during a
 * plan; the parsed content is only read, never changed.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export class PlaybookError extends Error {}

export class PlaybookReader {
  private readonly exist = new Map<string, boolean>();
  private readonly files = new Map<string, boolean>();
  private readonly trees = new Map<string, string[]>();
  private readonly names = new Map<string, string[]>();
  private readonly parsed = new Map<string, unknown>();

  exists(p: string): boolean {
    let known = this.exist.get(p);
    if (known === undefined) this.exist.set(p, (known = existsSync(p)));
    return known;
  }

  isFile(p: string): boolean {
    let known = this.files.get(p);
    if (known === undefined) this.files.set(p, (known = statSync(p).isFile()));
    return known;
  }

  /** Every file under `dir`, at any depth, sorted (none when it does not exist). */
  listFiles(dir: string): string[] {
    let known = this.trees.get(dir);
    if (known === undefined) {
      known = !this.exists(dir)
        ? []
        : readdirSync(dir, { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => path.join(e.parentPath, e.name))
            .sort();
      this.trees.set(dir, known);
    }
    return known;
  }

  /** The names in a folder (none when it does not exist). */
  listNames(dir: string): string[] {
    let known = this.names.get(dir);
    if (known === undefined) {
      try {
        known = readdirSync(dir);
      } catch {
        known = [];
      }
      this.names.set(dir, known);
    }
    return known;
  }

  /** The file's YAML content; a PlaybookError naming the file when it is not YAML (not kept: asked again, it fails again). */
  yaml(file: string): unknown {
    if (this.parsed.has(file)) return this.parsed.get(file);
    let content: unknown;
    try {
      content = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new PlaybookError(`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
    }
    this.parsed.set(file, content);
    return content;
  }
}
