/**
 * One lock per local store, so two distribute or lifecycle runs never change
 * the same store at once: a file `<store>/.lock` created with `open(…, 'wx')`
 * (atomic: exactly one creator wins), holding who took it (pid, host,
 * command, since) and a random token.
 *
 * - A second run waits, saying for whom, up to a bounded time (10 minutes;
 *   IMAGE_BUILDER_LOCK_WAIT_SECONDS sets it), then stops with a message naming
 *   the holder and what to do.
 * - A lock whose pid is dead on this host is stale: it is moved aside
 *   (rename, so of two runs taking it over only one does), checked to still be
 *   the one seen dead, and removed, with a message; then taken as usual.
 * - Within one process the lock is shared: two clouds on one store, or a
 *   nested call, count up and down instead of waiting for themselves.
 * - Release removes the file only while it still holds this run's token.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alive } from './debris.js';

export const LOCK_FILE = '.lock';
export const LOCK_WAIT_ENV = 'IMAGE_BUILDER_LOCK_WAIT_SECONDS';
const DEFAULT_WAIT_MS = 10 * 60_000;
const POLL_MS = 1_000;
/** A lock file without readable content this old was left by a run killed while writing it. */
const UNREADABLE_STALE_MS = 30_000;

export interface LockOptions {
  root: string;
  /** What takes the lock, for the message another run prints (distribute, lifecycle). */
  command: string;
  log: (message: string) => void;
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  /** What the lock guards, in messages (default: "local store <root>"). */
  label?: string;
  /** How long to wait for another run (default: the environment's IMAGE_BUILDER_LOCK_WAIT_SECONDS, else 10 minutes). */
  waitMs?: number;
}

export interface Holder {
  pid: number;
  host: string;
  command: string;
  since: string;
  token: string;
}

export type Release = () => Promise<void>;

/** In this process: lock file -> how many holders share it, and the acquisition they share. */
const shared = new Map<string, { count: number; taken: Promise<Holder> }>();

/** Takes the store lock (waiting for another run, taking over a stale one); resolves to its release. */
export async function lockStore(options: LockOptions): Promise<Release> {
  const file = path.join(options.root, LOCK_FILE);
  let entry = shared.get(file);
  if (!entry) {
    const created = { count: 0, taken: acquire(file, options) };
    shared.set(file, created);
    created.taken.catch(() => {
      if (shared.get(file) === created) shared.delete(file);
    });
    entry = created;
  }
  const mine = entry;
  mine.count += 1;
  let holder: Holder;
  try {
    holder = await mine.taken;
  } catch (error) {
    mine.count -= 1;
    throw error;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    mine.count -= 1;
    if (mine.count > 0) return;
    if (shared.get(file) === mine) shared.delete(file);
    await releaseFile(file, holder, options.log);
  };
}

/** The lock's holder as its file says, or undefined when there is no lock (or it cannot be read yet). */
export async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<Holder>;
    if (typeof data.pid !== 'number' || typeof data.token !== 'string') return undefined;
    return {
      pid: data.pid,
      host: String(data.host ?? ''),
      command: String(data.command ?? '?'),
      since: String(data.since ?? '?'),
      token: data.token,
    };
  } catch {
    return undefined;
  }
}

export const describeHolder = (h: Holder): string =>
  `pid ${h.pid}${h.host && h.host !== os.hostname() ? ` on ${h.host}` : ''} (${h.command}, since ${h.since})`;

/** The wait for another run's lock: IMAGE_BUILDER_LOCK_WAIT_SECONDS when it is a number of seconds, else 10 minutes. */
export function lockWaitMs(env: NodeJS.ProcessEnv): number {
  const text = env[LOCK_WAIT_ENV]?.trim();
  const seconds = Number(text);
  return text && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_WAIT_MS;
}

async function acquire(file: string, options: LockOptions): Promise<Holder> {
  const waitMs = options.waitMs ?? lockWaitMs(options.env ?? process.env);
  const pollMs = Math.max(1, Math.min(POLL_MS, waitMs));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const me: Holder = {
    pid: process.pid,
    host: os.hostname(),
    command: options.command,
    since: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
  };
  await fs.mkdir(options.root, { recursive: true });
  // Counted in polls, not wall time, so an injected fast sleep makes a fast test.
  const polls = Math.ceil(waitMs / pollMs);
  let said: string | undefined;
  for (let poll = 0; ; poll++) {
    if (await create(file, me)) return me;
    const holder = await readHolder(file);
    if (holder === undefined) {
      if (await takeOverUnreadable(file, options.log)) continue;
    } else if (stale(holder)) {
      if (await takeOverStale(file, holder, options.log)) continue;
    } else if (poll >= polls) {
      throw new Error(
        `${options.label ?? `local store ${options.root}`} is locked by ${describeHolder(holder)}, still after ${minutes(waitMs)}: ` +
          `let that run finish and run ${options.command} again; if that process is gone (another machine, a container), delete ${file}`,
      );
    } else if (said !== holder.token) {
      said = holder.token;
      options.log(
        `${options.label ?? `local store ${options.root}`} is locked by ${describeHolder(holder)}: waiting up to ${minutes(waitMs)} for it`,
      );
    }
    if (poll >= polls && holder === undefined)
      throw new Error(
        `${options.label ?? `local store ${options.root}`}: could not take the lock ${file}; delete it if no run uses the store`,
      );
    await sleep(pollMs);
  }
}

/** A holder on this host whose process is gone (or is this process, which no longer holds it). */
function stale(holder: Holder): boolean {
  if (holder.host && holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return true;
  return !alive(holder.pid);
}

async function create(file: string, me: Holder): Promise<boolean> {
  try {
    await fs.writeFile(file, JSON.stringify(me) + '\n', { flag: 'wx', mode: 0o644 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function takeOverStale(file: string, seen: Holder, log: (m: string) => void): Promise<boolean> {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true; // another run moved it: try again
    throw error;
  }
  const moved = await readHolder(aside);
  if (moved?.token !== seen.token) {
    // A live lock taken between our look and the rename: put it back (link fails if yet another run holds one).
    await fs.link(aside, file).catch(() => undefined);
    await fs.rm(aside, { force: true });
    return true;
  }
  await fs.rm(aside, { force: true });
  const whose = seen.pid === process.pid ? 'this process left behind' : 'is no longer running';
  log(`local store: took over the lock of ${describeHolder(seen)}, which ${whose}`);
  return true;
}

async function takeOverUnreadable(file: string, log: (m: string) => void): Promise<boolean> {
  let mtime: number;
  try {
    mtime = (await fs.stat(file)).mtimeMs;
  } catch {
    return true; // gone: try again
  }
  if (Date.now() - mtime < UNREADABLE_STALE_MS) return false; // being written right now
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.rename(file, aside).catch(() => undefined);
  await fs.rm(aside, { force: true });
  log(`local store: removed the unreadable lock file ${file} (left by a run killed while taking it)`);
  return true;
}

async function releaseFile(file: string, me: Holder, log: (m: string) => void): Promise<void> {
  const now = await readHolder(file);
  if (now?.token !== me.token) {
    log(`local store: the lock ${file} was no longer this run's when it ended (taken over?); left as it is`);
    return;
  }
  await fs.rm(file, { force: true });
}

const minutes = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);
