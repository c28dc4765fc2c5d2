/**
 * From a path to the topology's text: a regular file, at most
 * MAX_TOPOLOGY_BYTES, and UTF-8. A byte that is not UTF-8 is an error at its
 * line and column (it used to be replaced by U+FFFD silently, audit A09).
 */
import { open, stat } from 'node:fs/promises';
import { TopologyError, type Problem } from './errors.js';
import { MAX_TOPOLOGY_BYTES } from './limits.js';

const PATH_HINT = 'check the path given as "topology" (default topology.yml, relative to the workspace)';

function fail(file: string, message: string, hint: string, line = 1, col = 1): never {
  const problem: Problem = { file, line, col, message, hint };
  throw new TopologyError(file, [problem]);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function tooLarge(file: string, bytes: number): never {
  fail(
    file,
    `the topology file is ${mib(bytes)}, more than the ${mib(MAX_TOPOLOGY_BYTES)} a topology may be`,
    'keep one topology per fleet, and large data (package lists, files) in the playbooks or their vars files',
  );
}

/** The bytes of the topology file; refuses what is missing, not a regular file, or too large. */
export async function readTopologyBytes(file: string): Promise<Uint8Array> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) fail(file, 'the topology path is a folder, not a file', PATH_HINT);
    // A FIFO or device (/dev/zero) could be read for ever.
    if (!info.isFile()) fail(file, 'the topology path is not a regular file', PATH_HINT);
    size = info.size;
  } catch (err) {
    if (err instanceof TopologyError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    fail(
      file,
      code === 'ENOENT' ? 'the topology file does not exist' : `cannot read the topology file (${code ?? String(err)})`,
      PATH_HINT,
    );
  }
  if (size > MAX_TOPOLOGY_BYTES) tooLarge(file, size);
  // Read at most one byte more than allowed: the file may grow after stat.
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(MAX_TOPOLOGY_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_TOPOLOGY_BYTES) tooLarge(file, length);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/**
 * Where the first byte that is not UTF-8 sits (-1 when every byte is).
 * Follows the WHATWG UTF-8 decoder, as TextDecoder does: no overlong forms,
 * no surrogates, nothing above U+10FFFF, no truncated sequence.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** The text of the file; a byte that is not UTF-8 is an error at its line and column. */
export function decodeTopology(bytes: Uint8Array, file: string): string {
  if (bytes.length > MAX_TOPOLOGY_BYTES) tooLarge(file, bytes.length);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line += 1;
        lineStart = i + 1;
      }
    }
    // Columns count characters as the YAML positions do (UTF-16 code units); the BOM is not one.
    const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at));
    const col = before.length + 1;
    const hex = bytes[at].toString(16).toUpperCase().padStart(2, '0');
    fail(
      file,
      `the topology file is not UTF-8: byte 0x${hex} here is not valid UTF-8`,
      'save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8), or write the character again in an editor set to UTF-8',
      line,
      col,
    );
  }
}

/**
 * Characters YAML does not allow (C0 controls but tab and line breaks, DEL:
 * YAML 1.2 "c-printable"), and carriage returns not followed by a line feed
 * (old Mac line ends, which the YAML library does not count as line breaks,
 * so every later position would be wrong). The yaml library lets a NUL
 * through, which later fails as a process argument.
 */
export function checkCharacters(text: string, file: string): void {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const bad = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]|\r(?!\n)/.exec(text);
  if (!bad) return;
  const before = text.slice(0, bad.index);
  const line = before.split('\n').length;
  const col = bad.index - before.lastIndexOf('\n');
  const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  if (bad[0] === '\r') {
    fail(file, 'a line ends with a carriage return alone (U+000D)', 'save the file with LF (or CRLF) line ends', line, col);
  }
  fail(
    file,
    `control character U+${code} is not allowed in YAML`,
    'remove it (a value that needs a tab or line break can write "\\t" or "\\n" inside double quotes)',
    line,
    col,
  );
}
