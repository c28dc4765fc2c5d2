/** A Reporter that records everything, for command tests. */
import type { Annotation, Reporter } from '../../src/io/reporter.js';

export interface Recorded extends Reporter {
  outputs: Record<string, string>;
  infos: string[];
  warnings: string[];
  errors: { message: string; where?: Annotation }[];
  summaries: { markdown: string; text: string }[];
  /** The markdown of each summary, in order (summaries[i].markdown). */
  markdowns: string[];
  /** The terminal text of each summary, in order (summaries[i].text). */
  texts: string[];
  masked: string[];
}

export function recorder(): Recorded {
  const r: Recorded = {
    outputs: {},
    infos: [],
    warnings: [],
    errors: [],
    summaries: [],
    markdowns: [],
    texts: [],
    masked: [],
    info: (m) => {
      r.infos.push(m);
    },
    warning: (m) => {
      r.warnings.push(m);
    },
    error: (message, where) => {
      r.errors.push({ message, where });
    },
    group: (_name, fn) => fn(),
    setOutput: (name, value) => {
      r.outputs[name] = value;
    },
    summary: async (markdown, text) => {
      r.summaries.push({ markdown, text });
      r.markdowns.push(markdown);
      r.texts.push(text);
    },
    mask: (s) => {
      r.masked.push(s);
    },
  };
  return r;
}
