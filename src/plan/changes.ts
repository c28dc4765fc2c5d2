/**
 * Which input components changed between an existing image and the image a
 * plan wants, and in what detail: per file by path and per variable by key
 * where the detail can be had, else the component alone with why no more.
 *
 * Detail comes from the image's own record where its store keeps the full
 * maps (the local store's metadata), else from the repository's history: the
 * image's build commit (`ib-git-sha`) compared with the checkout (History,
 * commands/history.ts). A checkout without that commit (a shallow clone) gives
 * the component alone, saying so.
 */
import type { FingerprintedImage, ImageInputs, InputChange, BaseImage } from './types.js';
import { digest, recordedInputs, sameBase, sourceText, type Recorded } from './inputs.js';
import type { ImageRecord } from '../images/index.js';
import { BUILTIN_PREFIX } from '../topology/builtin.js';

/** Entries kept per list in a reason (the rest are counted in `more`). */
export const REASON_LIST_MAX = 50;
/** Entries named per list in a reason's text. */
const TEXT_MAX = 5;

/** The repository's history, as far as the checkout has it. */
export interface History {
  /** Of `files` (paths relative to the topology folder), those changed or added since `commit`; undefined when the checkout lacks the commit. */
  changedSince(commit: string, files: string[]): { changed: string[]; added: string[] } | undefined;
  /** The recipe's variables as the topology file at `commit` gives them; undefined when that cannot be read. */
  variablesAt(commit: string, recipe: string): Record<string, unknown> | undefined;
}

/** An upstream image in one line: `ami-1 (debian-12-20240101, 2024-01-01)`. */
export function baseText(base: BaseImage): string {
  const extra = [base.name && base.name !== base.id ? base.name : undefined, base.created?.slice(0, 10)].filter(Boolean);
  return extra.length > 0 ? `${base.id} (${extra.join(', ')})` : base.id;
}

/** Every component of `image`'s inputs that differs from what `record` says it was built from. */
export function inputChanges(
  image: FingerprintedImage,
  record: ImageRecord,
  base: BaseImage | undefined,
  history?: History,
): InputChange[] {
  const now = image.inputs;
  const was = recordedInputs(record);
  const changes: InputChange[] = [];
  if (now && Object.keys(was.digests).length > 0) {
    if (was.digests.source !== now.digests.source) {
      const to = sourceText(image.source);
      const from = was.sourceText ?? 'unknown';
      changes.push({ component: 'source', text: `source changed in the topology: ${from} -> ${to}`, from, to });
    }
    if (was.digests.recipe !== now.digests.recipe)
      changes.push({ component: 'recipe', text: 'recipe settings changed (its playbooks list or build settings)' });
    if (was.digests.variables !== now.digests.variables) changes.push(variableChanges(image, now, was, history));
    if (was.digests.files !== now.digests.files) changes.push(fileChanges(now, was, history));
    if (was.template !== now.template) {
      const from = was.template ?? 'unknown';
      changes.push({ component: 'template', text: `template version ${from} -> ${now.template}`, from, to: now.template });
    }
  } else if (now) {
    changes.push({ component: 'unknown', text: `${record.name} records no inputs (built by an earlier release), so no detail` });
  }
  if (base && was.base && !sameBase(was.base.id, base.id)) {
    changes.push({ component: 'base', text: `base image moved: ${baseText(was.base)} -> ${baseText(base)}`, from: was.base, to: base });
  }
  return changes;
}

function variableChanges(image: FingerprintedImage, now: ImageInputs, was: Recorded, history?: History): InputChange {
  let old = was.variables;
  let why = '';
  if (!old && was.commit && history) {
    const values = history.variablesAt(was.commit, image.image);
    // Only when the commit's topology gives exactly what the image recorded (no uncommitted change at build time).
    if (values && digest(values) === was.digests.variables) old = keyDigests(values);
    else why = `the topology at ${short(was.commit)} is not in the checkout or differs from the build's`;
  }
  if (!old) {
    why ||= was.commit ? 'the history is not available' : 'the image records no build commit';
    return { component: 'variables', text: `variables changed (which keys: ${why})` };
  }
  const diff = compare(old, now.variables);
  return { component: 'variables', text: `variables changed: ${listText(diff)}`, ...capped(diff) };
}

function fileChanges(now: ImageInputs, was: Recorded, history?: History): InputChange {
  if (was.files) {
    const diff = compare(was.files, now.files);
    return { component: 'files', text: `files changed: ${listText(diff)}`, ...capped(diff) };
  }
  if (!was.commit) return { component: 'files', text: 'files changed (which: the image records no build commit)' };
  const own = Object.keys(now.files).filter((f) => !f.startsWith(BUILTIN_PREFIX));
  const found = history?.changedSince(was.commit, own);
  if (!found) {
    return {
      component: 'files',
      text: `files changed (per-file detail needs the build commit ${short(was.commit)} in the checkout: fetch-depth: 0)`,
    };
  }
  const diff = { changed: found.changed, added: found.added, removed: [] as string[] };
  if (diff.changed.length + diff.added.length === 0) {
    return {
      component: 'files',
      text: `files changed, none of this repository's since ${short(was.commit)}: a bundled (builtin:) file, or which files the playbooks use`,
    };
  }
  return { component: 'files', text: `files changed since ${short(was.commit)}: ${listText(diff)}`, ...capped(diff) };
}

interface Diff {
  changed: string[];
  added: string[];
  removed: string[];
}

function compare(before: Record<string, string>, after: Record<string, string>): Diff {
  const diff: Diff = { changed: [], added: [], removed: [] };
  for (const key of Object.keys(after).sort()) {
    if (!(key in before)) diff.added.push(key);
    else if (before[key] !== after[key]) diff.changed.push(key);
  }
  for (const key of Object.keys(before).sort()) if (!(key in after)) diff.removed.push(key);
  return diff;
}

function capped(diff: Diff): Pick<InputChange, 'changed' | 'added' | 'removed' | 'more'> {
  let left = REASON_LIST_MAX;
  let more = 0;
  const take = (list: string[]) => {
    const kept = list.slice(0, Math.max(0, left));
    left -= kept.length;
    more += list.length - kept.length;
    return kept;
  };
  const out: Pick<InputChange, 'changed' | 'added' | 'removed' | 'more'> = {};
  for (const key of ['changed', 'added', 'removed'] as const) if (diff[key].length > 0) out[key] = take(diff[key]);
  if (more > 0) out.more = more;
  return out;
}

function listText(diff: Diff): string {
  const part = (list: string[], label: string) =>
    list.length === 0
      ? []
      : [`${label}${list.slice(0, TEXT_MAX).join(', ')}${list.length > TEXT_MAX ? ` and ${list.length - TEXT_MAX} more` : ''}`];
  const parts = [...part(diff.changed, ''), ...part(diff.added, 'added '), ...part(diff.removed, 'removed ')];
  return parts.join('; ') || 'the same entries with other contents';
}

const short = (commit: string) => commit.slice(0, 12);
const keyDigests = (values: Record<string, unknown>) => Object.fromEntries(Object.keys(values).map((k) => [k, digest(values[k])]));
