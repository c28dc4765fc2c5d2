/** Turns any error into what the user should see: no stack trace, topology problems one per line. */
import { TopologyError } from '../topology/errors.js';
import type { Reporter } from './reporter.js';

export function reportFailure(error: unknown, reporter: Reporter): string {
  if (error instanceof TopologyError) {
    for (const p of error.problems) {
      reporter.error(p.hint ? `${p.message} — ${p.hint}` : p.message, {
        file: p.file,
        line: p.line,
        col: p.col,
        title: 'topology',
      });
    }
    return `${error.file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} in the topology file (see above)`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * A library promise that rejects where no caller awaits it (a cloud SDK's
 * background credential lookup) would crash Node with a stack trace. Report
 * it as one line instead, and fail.
 */
export function guardStrayRejections(report: (message: string) => void): void {
  process.on('unhandledRejection', (reason) => {
    report(`image-builder: ${reason instanceof Error ? reason.message : String(reason)}`);
    process.exitCode = 1;
  });
}
