/**
 * Ctrl-C (SIGINT) and SIGTERM during a run. The tools run in process groups
 * of their own (util/process.ts), so the signal reaches this process alone:
 * it forwards one SIGINT to each running tool's group, as a Ctrl-C in a
 * terminal would, so Packer tears its machine down; nothing new starts; the
 * run waits for the tools to exit, then ends with 128 + the signal's number.
 * A third signal kills the tools at once (their machines may be left).
 */
import { interruptRunning } from '../util/process.js';

/** Where signals come from (process, or a stand-in in tests). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const CODES: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143 };
/** Signals after the first until the tools are killed. */
const FORCE_AFTER = 2;

export class Interrupt {
  /** The first signal received, if any. */
  signal?: NodeJS.Signals;
  private count = 0;
  private readonly listener = (signal: NodeJS.Signals) => this.received(signal);

  constructor(
    private readonly source: SignalSource,
    private readonly say: (message: string) => void,
    private readonly forward: (signal: NodeJS.Signals) => number = interruptRunning,
  ) {}

  arm(): void {
    for (const s of SIGNALS) this.source.on(s, this.listener);
  }

  disarm(): void {
    for (const s of SIGNALS) this.source.off(s, this.listener);
  }

  get requested(): boolean {
    return this.signal !== undefined;
  }

  /** 130 after SIGINT, 143 after SIGTERM. */
  get exitCode(): number {
    return this.signal ? (CODES[this.signal as keyof typeof CODES] ?? 130) : 0;
  }

  private received(signal: NodeJS.Signals): void {
    this.count += 1;
    if (this.count === 1) {
      this.signal = signal;
      const tools = this.forward('SIGINT');
      this.say(
        `${signal}: stopping. ` +
          (tools > 0
            ? `Packer tears its machine down first (${tools === 1 ? 'one tool' : `${tools} tools`} running); this can take a minute. `
            : '') +
          `Nothing new starts; what is finished is kept. (${FORCE_AFTER} more to kill the tools at once.)`,
      );
    } else if (this.count <= FORCE_AFTER) {
      this.say(`${signal}: still stopping, waiting for the tools to exit (${FORCE_AFTER + 1 - this.count} more to kill them at once)`);
    } else if (this.count === FORCE_AFTER + 1) {
      const tools = this.forward('SIGKILL');
      this.say(
        `${signal}: killed ${tools === 1 ? 'the running tool' : `${tools} running tools`}: ` +
          'a machine Packer had started may be left (local: nothing stays; on a cloud, look for instances named packer-*)',
      );
    }
  }
}
