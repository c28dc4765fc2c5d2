// Prints the README's input and output tables from action.yml, so the README
// cannot drift from the action: __tests__/readme.test.ts compares them.
//   node scripts/readme-tables.mjs           print them
//   node scripts/readme-tables.mjs --write   put them into README.md between the markers
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parse } from 'yaml';

export function readmeTables(actionYml) {
  const action = parse(actionYml);
  const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ').trim();
  const lines = ['| input | default | description |', '| --- | --- | --- |'];
  for (const [name, input] of Object.entries(action.inputs)) {
    const def = input.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``;
    lines.push(`| \`${name}\` | ${def} | ${cell(input.description)} |`);
  }
  lines.push('', '| output | description |', '| --- | --- |');
  for (const [name, output] of Object.entries(action.outputs)) lines.push(`| \`${name}\` | ${cell(output.description)} |`);
  return lines.join('\n');
}

export const START = /<!-- tables:start[^>]*-->/;
export const END = '<!-- tables:end -->';

/** The README's text between the markers. */
export function tablesIn(readme) {
  const start = readme.search(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error('README.md lacks the tables markers');
  return readme.slice(readme.indexOf('-->', start) + 3, end).trim();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const tables = readmeTables(readFileSync(path.join(root, 'action.yml'), 'utf8'));
  if (process.argv.includes('--write')) {
    const file = path.join(root, 'README.md');
    const readme = readFileSync(file, 'utf8');
    const head = readme.slice(0, readme.indexOf('-->', readme.search(START)) + 3);
    writeFileSync(file, `${head}\n${tables}\n${readme.slice(readme.indexOf(END))}`);
  } else {
    process.stdout.write(tables + '\n');
  }
}
