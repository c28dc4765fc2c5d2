/**
 * Problems found in a topology file, each with its position, and the one
 * error that carries all of them.
 */

/** One thing wrong in topology.yml, where it is, and what to write instead. */
export interface Problem {
  /** The topology file as it was named to the loader (relative paths stay relative). */
  file: string;
  /** 1-based line and column of the offending node. */
  line: number;
  col: number;
  /** Where the offending node ends (1-based), for annotations that span it. */
  endLine?: number;
  endCol?: number;
  /** What is wrong. */
  message: string;
  /** What to write instead (may be empty when there is nothing better to say). */
  hint: string;
}

/** `file:line:col: message — hint`, the form compilers and editors understand. */
export function formatProblem(p: Problem): string {
  const where = `${p.file}:${p.line}:${p.col}`;
  return p.hint ? `${where}: ${p.message} — ${p.hint}` : `${where}: ${p.message}`;
}

/** Orders problems by position, then by message, and drops exact repeats. */
export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => a.line - b.line || a.col - b.col || a.message.localeCompare(b.message))
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * Thrown by the loader when the topology file is not valid. `problems` holds
 * every problem found (never just the first); `message` lists them, one a line.
 */
export class TopologyError extends Error {
  readonly file: string;
  readonly problems: Problem[];

  constructor(file: string, problems: Problem[]) {
    const sorted = sortProblems(problems);
    const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
    super([`${file}: ${count} in the topology file`, ...sorted.map(formatProblem)].join('\n'));
    this.name = 'TopologyError';
    this.file = file;
    this.problems = sorted;
  }
}
