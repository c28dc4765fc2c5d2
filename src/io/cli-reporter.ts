/** The Reporter of the terminal CLI: plain lines on stdout/stderr, the summary as text. */
import type { Annotation, Reporter } from './reporter.js';

const where = (a?: Annotation) => (a?.file ? `${a.file}${a.line ? `:${a.line}${a.col ? `:${a.col}` : ''}` : ''}: ` : '');

export function cliReporter(options: { quiet?: boolean; outputs?: Record<string, string> } = {}): Reporter {
  const secrets: string[] = [];
  const scrub = (s: string) => secrets.reduce((t, x) => t.split(x).join('***'), s);
  const out = (s: string) => {
    if (!options.quiet) process.stdout.write(scrub(s) + '\n');
  };
  return {
    info: (m) => out(m),
    warning: (m, a) => process.stderr.write(scrub(`warning: ${where(a)}${m}`) + '\n'),
    error: (m, a) => process.stderr.write(scrub(`error: ${where(a)}${m}`) + '\n'),
    async group(name, fn) {
      out(`== ${name}`);
      return fn();
    },
    setOutput: (name, value) => {
      if (options.outputs) options.outputs[name] = value;
    },
    async summary(_markdown, text) {
      out(text.trimEnd());
    },
    mask: (secret) => {
      if (secret) secrets.push(secret);
    },
  };
}
