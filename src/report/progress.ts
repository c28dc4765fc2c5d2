/**
 * What a run shows while it works. On a terminal: one live line per image
 * (stage, elapsed time, the estimate from that line's last run, what Packer
 * is doing) and a counter line ("build 1/2"), redrawn in place with ANSI
 * codes; messages scroll above them. Anywhere else (a cron job's log, a
 * pipe): plain timestamped lines, a line when a stage starts and ends, and a
 * reminder every few minutes while one runs. Only a TTY gets ANSI codes.
 */

/** Where progress goes: process.stdout, or a stand-in in tests. */
export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export type Level = 'info' | 'warning' | 'error';

export interface ProgressOptions {
  /** Milliseconds, for elapsed times (default Date.now). */
  clock?: () => number;
  /** The wall clock, for timestamps (default new Date()). */
  now?: () => Date;
  /** Redraw (terminal) or look for due reminders (plain) this often; 0: only on events (tests). Default 1000 ms. */
  tickMs?: number;
  /** Plain output: a reminder per running stage this often (default 5 minutes). */
  remindMs?: number;
  /** Plain output: warnings and errors go here (default: the same stream). */
  err?: OutStream;
}

interface Line {
  label: string;
  /** queued, base image, build, verify; '' once finished. */
  stage: string;
  startedAt?: number;
  estimateMs?: number;
  /** The last thing the tool said (terminal only). */
  activity?: string;
  /** How it ended, once it has. */
  done?: string;
  remindedAt?: number;
}

/** 45s, 3m12s, 1h02m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** 2025-06-01 12:00:03, local time. */
export function timestamp(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())} ${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`;
}

const ESC = '\u001b[';
/** Packer's -timestamp-ui prefix, left out of the live line. */
const PACKER_TIME = /^\d{4}-\d\d-\d\dT[\d:.]+Z:\s*/;

export class Progress {
  readonly tty: boolean;
  private readonly lines = new Map<string, Line>();
  private counter = '';
  /** Rows of the live block on screen now (terminal). */
  private drawn = 0;
  private readonly timer?: NodeJS.Timeout;
  private readonly clock: () => number;
  private readonly now: () => Date;
  private readonly startedAt: number;

  constructor(
    private readonly out: OutStream,
    private readonly options: ProgressOptions = {},
  ) {
    this.tty = out.isTTY === true;
    this.clock = options.clock ?? Date.now;
    this.now = options.now ?? (() => new Date());
    this.startedAt = this.clock();
    const tick = options.tickMs ?? 1000;
    if (tick > 0) {
      this.timer = setInterval(() => (this.tty ? this.draw() : this.remind()), tick);
      this.timer.unref();
    }
  }

  /** An image line, queued until its first stage starts. */
  add(key: string, label: string): void {
    this.lines.set(key, { label, stage: 'queued' });
    this.draw();
  }

  start(key: string, stage: string, estimateMs?: number): void {
    const line = this.line(key);
    Object.assign(line, { stage, startedAt: this.clock(), estimateMs, activity: undefined, done: undefined, remindedAt: undefined });
    if (this.tty) this.draw();
    else this.plain('info', `${line.label}: ${stage} started${estimateMs ? ` (last time ${formatDuration(estimateMs)})` : ''}`);
  }

  /** The stage ended: `text` says how ("built in 12m03s"). */
  finish(key: string, text: string, level: Level = 'info'): void {
    const line = this.line(key);
    line.stage = '';
    line.done = text;
    if (this.tty) this.draw();
    else this.plain(level, `${line.label}: ${text}`);
  }

  /** What the tool of a line says (Packer, Ansible): shown on its live line, on a terminal only. */
  activity(key: string, text: string): void {
    const shown = text.replace(PACKER_TIME, '').trim();
    if (!shown) return;
    this.line(key).activity = shown;
  }

  /** The overall counter under the lines: "build 1/2 · verify 0/2". */
  setCounter(text: string): void {
    this.counter = text;
    this.draw();
  }

  /** A message: above the live lines on a terminal, a timestamped line elsewhere. */
  log(text: string, level: Level = 'info'): void {
    const prefixed = level === 'info' ? text : `${level}: ${text}`;
    if (!this.tty) return this.plain(level, prefixed);
    this.out.write(this.clear() + prefixed.replace(/\n?$/, '\n') + this.block());
  }

  /** Draws the block one last time and stops the clock; later output goes below it. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.draw();
    this.drawn = 0;
  }

  /** The live rows (what a terminal shows now). */
  rows(): string[] {
    const width = Math.max(...[...this.lines.values()].map((l) => l.label.length), 0);
    const rows = [...this.lines.values()].map((l) => this.row(l, width));
    const elapsed = `elapsed ${formatDuration(this.clock() - this.startedAt)}`;
    rows.push(this.counter ? `${this.counter} · ${elapsed}` : elapsed);
    const columns = Math.max(20, (this.out.columns ?? 100) - 1);
    return rows.map((r) => (r.length > columns ? `${r.slice(0, columns - 1)}…` : r));
  }

  private row(line: Line, width: number): string {
    const label = line.label.padEnd(width);
    if (line.done !== undefined) return `${label}  ${line.done}`;
    if (line.startedAt === undefined) return `${label}  ${line.stage}`;
    const elapsed = this.clock() - line.startedAt;
    const estimate = line.estimateMs
      ? ` of ~${formatDuration(line.estimateMs)}${elapsed > line.estimateMs ? ' (longer than last time)' : ''}`
      : '';
    return `${label}  ${line.stage.padEnd(7)} ${formatDuration(elapsed)}${estimate}${line.activity ? `  ${line.activity}` : ''}`;
  }

  private line(key: string): Line {
    let line = this.lines.get(key);
    if (!line) this.lines.set(key, (line = { label: key, stage: 'queued' }));
    return line;
  }

  /** Moves up over the live block and clears it. */
  private clear(): string {
    return this.drawn > 0 ? `\r${ESC}${this.drawn}A${ESC}J` : '';
  }

  private block(): string {
    const rows = this.rows();
    this.drawn = rows.length;
    return rows.map((r) => `${r}\n`).join('');
  }

  private draw(): void {
    if (this.tty) this.out.write(this.clear() + this.block());
  }

  private plain(level: Level, text: string): void {
    const stream = level === 'info' ? this.out : (this.options.err ?? this.out);
    const stamp = `[${timestamp(this.now())}] `;
    stream.write(
      text
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => stamp + l + '\n')
        .join(''),
    );
  }

  /** Plain output: a line for each stage running longer than `remindMs` since it was last mentioned. */
  private remind(): void {
    const every = this.options.remindMs ?? 5 * 60_000;
    const now = this.clock();
    for (const line of this.lines.values()) {
      if (line.startedAt === undefined || line.done !== undefined) continue;
      if (now - (line.remindedAt ?? line.startedAt) < every) continue;
      line.remindedAt = now;
      const estimate = line.estimateMs ? ` (last time ${formatDuration(line.estimateMs)})` : '';
      this.plain('info', `${line.label}: ${line.stage} running for ${formatDuration(now - line.startedAt)}${estimate}`);
    }
  }

  /** For tests and the run: a reminder pass now. */
  tick(): void {
    if (this.tty) this.draw();
    else this.remind();
  }
}
