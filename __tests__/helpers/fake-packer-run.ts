/**
 * A slow Packer stand-in for `image-builder run` tests: the Packer stand-in
 * (fake-packer.ts) behind a shim that records when each build and
 * verification starts and ends, can take its time or hang until
 * interrupted, and tears down on SIGINT as Packer does
 * (fake-packer-run-bin.mjs says which Packer behaviour each rule follows).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fakePacker, type FakePackerOptions } from './fake-packer.js';
import { writeTree } from './tree.js';

export interface RunPackerOptions extends FakePackerOptions {
  /** How long each build and verification takes (default 0). */
  delayMs?: number;
  /** A build or verification that never finishes until interrupted; `image` is part of its work folder's name. */
  hang?: { mode: 'build' | 'verify'; image?: string };
  /** How long tearing down takes after an interrupt (default 100 ms). */
  teardownMs?: number;
}

export interface PackerEvent {
  at: number;
  what: 'start' | 'done' | 'interrupted' | 'torn-down';
  mode: 'build' | 'verify';
  /** The work folder: <cloud>--<image name>[--verify]. */
  folder: string;
}

const PROGRAM = path.join(path.dirname(new URL(import.meta.url).pathname), 'fake-packer-run-bin.mjs');

export interface RunPacker {
  /** The folder to put first on PATH. */
  bin: string;
  events(): PackerEvent[];
  /** Changes what the next calls do. */
  set(options: RunPackerOptions): void;
}

export function runPacker(dir: string, options: RunPackerOptions = {}): RunPacker {
  const delegate = path.join(fakePacker(dir, options), 'packer');
  const bin = path.join(dir, 'fake-bin-run');
  const settings = path.join(bin, 'settings.json');
  const events = path.join(dir, 'packer-events.log');
  writeTree({ packer: `#!/bin/sh\nexec '${process.execPath}' '${PROGRAM}' '${settings}' "$@"\n` }, bin);
  chmodSync(path.join(bin, 'packer'), 0o755);
  const set = (o: RunPackerOptions) => {
    fakePacker(dir, o);
    writeFileSync(settings, JSON.stringify({ ...o, delegate, events }));
  };
  set(options);
  return {
    bin,
    set,
    events: () =>
      existsSync(events)
        ? readFileSync(events, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => {
              const [at, what, mode, folder] = line.split(' ');
              return { at: Number(at), what, mode, folder } as PackerEvent;
            })
        : [],
  };
}
