/** A Reporter that records everything, for command tests. */
import type { Annotation, Reporter } from '../../src/io/reporter.js';

export interface Recorded extends Reporter {
  outputs: Record<string, string>;
  infos: string[];
  warnings: string[];
  errors: { message: string; where?: Annotation }[];
  summaries: { markdown: string; text: string }[];
  masked: string[];
}

export function recorder(): Recorded {
  const r: Recorded = {
    outputs: {}, infos: [], warnings: [], errors: [], summaries: [], masked: [],
    info: (m) => { r.infos.push(m); },
    warning: (m) => { r.warnings.push(m); },
    error: (message, where) => { r.errors.push({ message, where }); },
    group: (_name, fn) => fn(),
    setOutput: (name, value) => { r.outputs[name] = value; },
    summary: async (markdown, text) => { r.summaries.push({ markdown, text }); },
    mask: (s) => { r.masked.push(s); },
  };
  return r;
}
