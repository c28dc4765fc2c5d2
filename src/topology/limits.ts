/**
 * What a topology file may cost. Each limit is far above what a real fleet
 * needs and far below what exhausts memory or time, so a small mistaken (or
 * hostile) file fails fast with a position instead of running for minutes or
 * aborting Node (audit A02, A03, A05).
 */

/** The file itself: 5 MiB of YAML describes tens of thousands of instances. */
export const MAX_TOPOLOGY_BYTES = 5 * 1024 * 1024;

/**
 * How deeply lists and maps may nest, in the file and once aliases are
 * expanded. A topology needs 7 levels (clouds > regions > instances), Ansible
 * variables rarely 10; the YAML library recurses once per level, and a deep
 * enough stack overflow aborts Node.
 */
export const MAX_NESTING = 64;

/**
 * What aliases (`*name`) may add in total, counted as if each were replaced
 * by a copy of its anchored node: values (scalars, lists and maps) and
 * characters of text. The YAML library shares one object per anchor, but
 * everything after it (validation, fingerprints, JSON for Packer and Ansible)
 * walks every copy.
 */
export const MAX_ALIAS_VALUES = 100_000;
export const MAX_ALIAS_CHARS = 4 * 1024 * 1024;

/** How many aliases a file may hold (the YAML library's own `maxAliasCount`). */
export const MAX_ALIASES = 1000;

/** How long a chain of `extends` may be (each recipe is merged over its parent). */
export const MAX_EXTENDS_CHAIN = 20;
