/**
 * Where the steps of a run speak: a Reporter per image (and one for the
 * fleet stages) over the run's Progress. Every line goes to the run's log
 * file, timestamped and named by image. What Packer, Ansible and the base
 * image's tools print (inside their log groups) stays in that log and feeds
 * the image's live line; everything else is shown, scrolling above the live
 * lines on a terminal. Secrets are masked everywhere.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Annotation, Reporter } from '../io/reporter.js';
import { timestamp, type Level, type Progress } from '../report/progress.js';

const where = (a?: Annotation) => (a?.file ? `${a.file}${a.line ? `:${a.line}${a.col ? `:${a.col}` : ''}` : ''}: ` : '');

/** Log groups whose lines are a tool's output: to the log file and the live line, not the screen. */
const TOOL_GROUP = /^(packer |base image )/;

export class RunOutput {
  private readonly secrets: string[] = [];

  constructor(
    readonly progress: Progress,
    /** The run's full log (Packer's output included); the previous run's is moved to run-previous.log. */
    readonly logFile: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    mkdirSync(path.dirname(logFile), { recursive: true });
    // Each run its own log; the one before is kept beside it.
    if (existsSync(logFile)) renameSync(logFile, logFile.replace(/(\.log)?$/, '-previous.log'));
  }

  mask(secret: string): void {
    if (secret) this.secrets.push(secret);
  }

  scrub(text: string): string {
    return this.secrets.reduce((t, s) => t.split(s).join('***'), text);
  }

  /** A line in the log file only. */
  record(text: string, key?: string): void {
    const stamp = `[${timestamp(this.now())}]${key ? ` ${key}` : ''} `;
    const lines = this.scrub(text).replace(/\n$/, '').split('\n');
    appendFileSync(this.logFile, lines.map((l) => stamp + l + '\n').join(''));
  }

  /** A message on screen and in the log. */
  say(text: string, level: Level = 'info', key?: string): void {
    this.record(level === 'info' ? text : `${level}: ${text}`, key);
    this.progress.log(this.scrub(text), level);
  }

  /**
   * A Reporter for one image (`key`: its live line) or, without a key, for
   * the fleet stages. Outputs are kept in `outputs` (the run reads ids from them).
   */
  reporter(key?: string, outputs: Record<string, string> = {}): Reporter {
    const groups: string[] = [];
    const inTool = () => groups.some((g) => TOOL_GROUP.test(g));
    return {
      info: (message) => {
        if (!inTool()) return this.say(message, 'info', key);
        this.record(message, key);
        if (key) this.progress.activity(key, this.scrub(message));
      },
      warning: (message, a) => this.say(`${where(a)}${message}`, 'warning', key),
      error: (message, a) => this.say(`${where(a)}${message}`, 'error', key),
      group: async (name, fn) => {
        this.record(`== ${name}`, key);
        if (key) this.progress.activity(key, name);
        groups.push(name);
        try {
          return await fn();
        } finally {
          groups.splice(groups.lastIndexOf(name), 1);
        }
      },
      setOutput: (name, value) => {
        outputs[name] = value;
      },
      summary: async (_markdown, text) => this.say(text.trimEnd(), 'info', key),
      mask: (secret) => this.mask(secret),
    };
  }
}

/** A Reporter that says nothing (for a step whose output a command does not want). */
export const silent: Reporter = {
  info: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  group: (_name, fn) => fn(),
  setOutput: () => undefined,
  summary: async () => undefined,
  mask: () => undefined,
};
