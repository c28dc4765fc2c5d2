/** The problems the topology loader reports for a text, for tests of bad topologies. */
import { parseTopology, TopologyError, type Problem } from '../../src/topology/index.js';

/** Parses `text` as if it were `file`; its problems, or an error when it loads without any. */
export function problemsOf(text: string, file: string): Problem[] {
  try {
    parseTopology(text, file);
  } catch (err) {
    if (err instanceof TopologyError) return err.problems;
    throw err;
  }
  throw new Error('the topology loaded without problems');
}
