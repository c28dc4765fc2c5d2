/**
 * Why a planned image is built, so every build explains itself (plan file,
 * job summary, terminal, pull-request comment). Pure.
 *
 * - `new`: its line (cloud, recipe, os) has no image yet;
 * - `inputs`: no image has its fingerprint: what changed since the newest
 *   image of the line, component by component (plan/changes.ts);
 * - `base-moved`: the current build of its fingerprint was built on another
 *   upstream image than the source resolves to today (a pinned source never
 *   moves); an image that did not record its base counts as moved when the
 *   upstream image was published after it was built;
 * - `age`: the current build is older than rebuild_after;
 * - `forced`: the plan was made with force;
 * - `offline`: an offline plan asked no cloud, so there was nothing to compare.
 *
 * The base image does not enter the fingerprint (plan/inputs.ts): a rebuild
 * for a moved base or for age builds the same fingerprint again, under a new
 * name (each build stamps its name with its start time), and becomes the
 * fingerprint's current build (plan/holders.ts).
 */
import type { ImageRecord } from '../images/index.js';
import { formatAge, parseDuration } from '../topology/duration.js';
import { builtTime, day, tagTime } from './built.js';
import { baseText, inputChanges, type History } from './changes.js';
import { pinnedId, recordedInputs, sameBase } from './inputs.js';
import type { BaseImage, BaseState, FingerprintedImage, Reason } from './types.js';

export interface ReasonInput {
  image: FingerprintedImage;
  base: BaseState;
  /** A record of the current build of the image's fingerprint, when a region holds it. */
  current?: ImageRecord;
  /** A record of the newest build of the image's line, whatever its fingerprint. */
  newest?: ImageRecord;
  offline: boolean;
  force: boolean;
  /** Milliseconds since the epoch: the plan's time. */
  now: number;
  history?: History;
}

/** Why the image is built; empty when it is not. */
export function reasonsFor(input: ReasonInput): Reason[] {
  const { image, current, newest } = input;
  const reasons: Reason[] = [];
  if (input.force) reasons.push({ kind: 'forced', text: 'forced: the plan was made with force' });
  if (input.offline) {
    reasons.push({
      kind: 'offline',
      text: 'offline plan: no cloud was asked, so every image counts as missing and nothing was compared (inputs, base image, age)',
    });
    return reasons;
  }
  if (!current) {
    if (!newest) reasons.push({ kind: 'new', text: `new line: ${image.cloud} has no ${image.image}/${image.os} image yet` });
    else reasons.push(changed(input, newest));
    return reasons;
  }
  const moved = baseMoved(current, input.base);
  if (moved) reasons.push(moved);
  const old = tooOld(current, image.rebuildAfter, input.now);
  if (old) reasons.push(old);
  return reasons;
}

/** The reasons in one line ('' when there are none). */
export const whyText = (reasons: Reason[]): string => reasons.map((r) => r.text).join('; ');

function changed(input: ReasonInput, newest: ImageRecord): Reason {
  const base = resolvedImage(input.base);
  const changes = inputChanges(input.image, newest, base, input.history);
  const detail = changes.length > 0 ? changes.map((c) => c.text).join('; ') : 'its fingerprint differs';
  return { kind: 'inputs', text: `inputs changed since ${newest.name}: ${detail}`, since: newest.name, changes };
}

function baseMoved(current: ImageRecord, state: BaseState): Reason | undefined {
  const to = state.state === 'resolved' ? resolvedImage(state) : undefined;
  if (!to) return undefined;
  const from = recordedInputs(current).base;
  if (from) {
    if (sameBase(from.id, to.id)) return undefined;
    return { kind: 'base-moved', text: `base image moved: ${baseText(from)} -> ${baseText(to)}`, since: current.name, from, to };
  }
  // Built before images recorded their base: moved when the upstream image is newer than the build.
  const published = tagTime(to.created);
  const built = builtTime(current);
  if (published === undefined || built === undefined || published <= built) return undefined;
  return {
    kind: 'base-moved',
    text: `base image moved: ${baseText(to)} was published after ${current.name} was built (${day(built)}), which did not record its base`,
    since: current.name,
    to,
  };
}

function tooOld(current: ImageRecord, rebuildAfter: string | undefined, now: number): Reason | undefined {
  const limit = rebuildAfter === undefined ? undefined : parseDuration(rebuildAfter);
  const built = builtTime(current);
  if (limit === undefined || !Number.isFinite(limit) || built === undefined || now - built <= limit) return undefined;
  return {
    kind: 'age',
    text: `older than rebuild_after ${rebuildAfter}: ${current.name} was built ${day(built)}, ${formatAge(now - built)} ago`,
    since: current.name,
    builtAt: new Date(built).toISOString(),
    rebuildAfter,
  };
}

function resolvedImage(state: BaseState): BaseImage | undefined {
  const r = state.resolved;
  if (!r || state.state === 'unresolved') return undefined;
  return { id: r.id, name: r.name, ...(r.created ? { created: r.created } : {}) };
}

/** What a plan says of a base image it could not resolve, and of one it did. */
export function baseState(resolved: BaseState['resolved'] | undefined, why?: string): BaseState {
  if (!resolved) return { state: 'unresolved', why, text: `base image not resolved${why ? ` (${why})` : ''}` };
  const shown = baseText({ id: resolved.id, name: resolved.name, created: resolved.created });
  return resolved.pinned
    ? { state: 'pinned', resolved, text: `pinned to ${shown}: it does not move` }
    : { state: 'resolved', resolved, text: `base image ${shown}` };
}

/** What a source is without asking its cloud: pinned when it names an exact image, else not resolved, for `why`. */
export function unresolvedBase(image: Pick<FingerprintedImage, 'provider' | 'source'>, why: string): BaseState {
  const pin = pinnedId(image.provider, image.source);
  return pin ? baseState({ id: pin, name: pin, pinned: true }) : baseState(undefined, why);
}
