/**
 * The table of bad inputs for bad-input.test.ts: one topology (text, bytes,
 * or a file-level condition) per case, with where the loader must point and
 * a fragment of what it must say. In `text`, "‸" marks the expected position
 * (it is removed before the file is written). Each name starts with the audit
 * finding it covers (reliability.md): A02/A03 aliases, A05 cost, A09 bytes,
 * A44 tags, A25-A29 and B6 paths, B8 (section 8) Packer values, suites,
 * mirrors and region names, B3 (section 3) values handed to Ansible.
 *
 * Every topology here is written for this test; the layout is
 *   repo/.git/                 (so repo/ is the repository root)
 *   repo/topology.yml          (the case)
 *   repo/playbooks/{provision,verify}.yml
 *   outside/x.yml              (a file outside the repository)
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const MARK = '‸';

export interface BadCase {
  name: string;
  /** The topology, with MARK where the problem must point. */
  text?: string;
  /** Raw bytes: MARK (as UTF-8) is replaced by `bad`. */
  bad?: number[];
  /** Expected position when there is no MARK (file-level problems). */
  line?: number;
  col?: number;
  message: string;
  hint?: string;
  /** Changes to the tree before loading (root: the temp folder holding repo/ and outside/). */
  setup?: (root: string, repo: string) => void;
  /** Load this path instead of repo/topology.yml (relative to repo/). */
  load?: string;
}

interface Parts {
  recipe?: string;
  variables?: string;
  sources?: string;
  clouds?: string;
  tail?: string;
}

const LAB = `  - name: lab
    provider: local
    regions:
      rack1: { instances: [ { name: n1, image: base, os: debian12 } ] }
`;

/** A valid topology, with parts added or replaced. */
export function topology(p: Parts = {}): string {
  return `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
${p.recipe ?? ''}    variables:
      packages: [jq]
${p.variables ?? ''}sources:
  debian12:
    local: { suite: bookworm }
    aws: { owner: "136693071363", name: "debian-12-amd64-*" }
    gcp: { project: debian-cloud, family: debian-12 }
    azure: { publisher: Debian, offer: debian-12, sku: 12-gen2 }
${p.sources ?? ''}clouds:
${p.clouds ?? LAB}${p.tail ?? ''}`;
}

const REQUIRED: Record<string, string> = {
  aws: '',
  gcp: '    project: acme\n',
  azure: '    subscription: 00000000-0000-0000-0000-000000000001\n    resource_group: images\n',
  local: '',
};

/** One cloud of `provider` with one region (written as given, MARK included). */
export function cloud(provider: string, region: string, extra = ''): string {
  return `  - name: c1
    provider: ${provider}
${REQUIRED[provider]}${extra}    regions:
      ${region}: { instances: [ { name: n1, image: base, os: debian12 } ] }
`;
}

const withRegion = (provider: string, region: string) => topology({ clouds: cloud(provider, region) });
const variables = (yaml: string) => topology({ variables: yaml });
const localSource = (yaml: string) => topology({ sources: `  other:\n    local: ${yaml}\n` });

/** A list of `n` aliases of `*name`, MARK before alias number `marked` (1-based). */
function aliasList(name: string, n: number, marked: number): string {
  return Array.from({ length: n }, (_, i) => `${i + 1 === marked ? MARK : ''}*${name}`).join(', ');
}

/** `n` nested flow lists, MARK before the one at nesting level `marked` (counting from 1 at the first "["). */
function nestedLists(n: number, marked: number): string {
  return Array.from({ length: n }, (_, i) => (i + 1 === marked ? `${MARK}[` : '[')).join('') + ']'.repeat(n);
}

/** The variables map is 4 levels deep (top, images, base, variables): the 61st list under it is level 65. */
const FIRST_TOO_DEEP = 64 - 4 + 1;

const symlink = (target: string, link: string) => {
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(target, link);
};

export const CASES: BadCase[] = [
  // ---- A03, A02: aliases that expand to too much, fail fast at the alias -----------------------
  {
    name: 'A03 a 60k-key anchored map aliased 999 times',
    text: variables(
      `      big: &big {${Array.from({ length: 60_000 }, (_, i) => `k${i}: 0`).join(', ')}}\n      copies: [${aliasList('big', 999, 1)}]\n`,
    ),
    message: 'aliases expand to too much data by this one (*big)',
    hint: 'repeat less',
  },
  {
    name: 'A02 a 1 MB string aliased 999 times',
    text: variables(`      s: &s "${'a'.repeat(1_000_000)}"\n      copies: [${aliasList('s', 999, 5)}]\n`),
    message: 'aliases expand to too much data by this one (*s)',
  },
  {
    name: 'A03 nested aliases that grow tenfold per level ("billion laughs")',
    text: variables(
      [
        '      a: &a [x, x, x, x, x, x, x, x, x, x]',
        `      b: &b [${aliasList('a', 10, 0)}]`,
        `      c: &c [${aliasList('b', 10, 0)}]`,
        `      d: &d [${aliasList('c', 10, 0)}]`,
        `      e: &e [${aliasList('d', 10, 8)}]`,
        `      f: [${aliasList('e', 10, 0)}]`,
        '',
      ].join('\n'),
    ),
    message: 'aliases expand to too much data by this one (*d)',
  },
  {
    name: 'A03 more aliases than allowed, of a tiny value',
    text: variables(`      s: &s x\n      l: [${aliasList('s', 1001, 1001)}]\n`),
    message: 'more than 1000 aliases',
  },
  {
    name: 'A03 an alias inside the node it names (infinite data)',
    text: variables(`      loop: &x [a, ${MARK}*x]\n`),
    message: 'the alias *x is inside the node it names',
  },
  {
    name: 'A03 an alias of a map inside that map',
    text: variables(`      loop: &m { a: 1, b: { c: ${MARK}*m } }\n`),
    message: 'inside the node it names',
  },
  {
    name: 'A03 an alias that makes the data nest too deep once expanded',
    text: variables(`      a: &a ${nestedLists(40, 0)}\n      b: ${'['.repeat(30)}${MARK}*a${']'.repeat(30)}\n`),
    message: 'with *a expanded, lists and maps nest more than 64 levels',
  },
  // ---- nesting the YAML composer would overflow its stack on ---------------------------------
  {
    name: 'A03 lists nested 65 levels deep',
    text: variables(`      deep: ${nestedLists(70, FIRST_TOO_DEEP)}\n`),
    message: 'nest more than 64 levels deep',
    hint: 'flatten',
  },
  {
    name: 'A03 20,000 nested "[" (aborted Node in the YAML library)',
    text: variables(`      deep: ${nestedLists(20_000, FIRST_TOO_DEEP)}\n`),
    message: 'nest more than 64 levels deep',
  },
  {
    name: 'A03 maps nested 100 levels deep in flow style',
    text: variables(
      `      deep: ${Array.from({ length: 100 }, (_, i) => (i + 1 === FIRST_TOO_DEEP ? `${MARK}{k: ` : '{k: ')).join('')}x${'}'.repeat(100)}\n`,
    ),
    message: 'nest more than 64 levels deep',
  },
  {
    name: 'A03 block lists nested 100 levels deep on one line',
    text: variables(
      `      deep:\n        ${Array.from({ length: 100 }, (_, i) => (i + 1 === FIRST_TOO_DEEP ? `${MARK}- ` : '- ')).join('')}x\n`,
    ),
    message: 'nest more than 64 levels deep',
  },
  {
    name: 'A03 block maps nested 70 levels deep',
    text: variables(
      `      deep:\n${Array.from({ length: 70 }, (_, i) => `${' '.repeat(8 + 2 * i)}${i + 1 === FIRST_TOO_DEEP ? MARK : ''}k${i}:`).join('\n')} x\n`,
    ),
    message: 'nest more than 64 levels deep',
  },
  // ---- A05 and other costs that grew faster than the file ------------------------------------
  {
    // base is recipe 1 of the chain, r0 recipe 2, ... r19 recipe 21.
    name: 'A05 a chain of 2,000 recipes through extends',
    text: topology().replace(
      'sources:',
      `${Array.from({ length: 2000 }, (_, i) => `  r${i}: { extends: ${i === 19 ? MARK : ''}${i === 0 ? 'base' : `r${i - 1}`} }`).join('\n')}\nsources:`,
    ),
    message: 'recipe "r19" is recipe number 21 in one chain of extends, more than the 20 allowed',
  },
  {
    name: 'A05 an unknown key of 1,000 characters is reported, cut short',
    text: topology({ tail: `${MARK}${'k'.repeat(1000)}: 1\n` }),
    message: `unknown key "${'k'.repeat(59)}…" at the top level`,
  },
  {
    name: 'A05 a provider of 1 MB is reported, cut short, with no suggestion looked for',
    text: topology({ clouds: cloud('local', 'rack1').replace('provider: local', `provider: ${MARK}${'l'.repeat(1_000_000)}`) }),
    message: `unknown provider "${'l'.repeat(59)}…"`,
    hint: 'known provider values',
  },
  { name: 'A05 a key longer than YAML allows', text: topology({ tail: `${MARK}${'k'.repeat(2000)}: 1\n` }), message: 'at most 1024 chars' },
  {
    name: 'A05 5,000 instances naming an unknown image (one suggestion, not 5,000)',
    text: topology({
      clouds: `  - name: lab\n    provider: local\n    regions:\n      rack1:\n        instances:\n${Array.from(
        { length: 5_000 },
        (_, i) => `          - { name: n${i}, image: ${i === 0 ? MARK : ''}bsae, os: debian12 }`,
      ).join('\n')}\n`,
    }),
    message: 'unknown image "bsae"',
    hint: 'did you mean "base"?',
  },
  // ---- A09: bytes that are not UTF-8, control characters -------------------------------------
  {
    name: 'A09 a Latin-1 "é" in a comment',
    text: `# caf${MARK}\n${topology()}`,
    bad: [0xe9],
    message: 'not UTF-8: byte 0xE9',
    hint: 'save the file as UTF-8',
  },
  { name: 'A09 a Latin-1 byte in a value', text: topology({ variables: `      motd: "Gr${MARK}e"\n` }), bad: [0xfc], message: 'byte 0xFC' },
  {
    name: 'A09 columns count characters, not bytes, before the bad byte',
    text: topology({ variables: `      motd: "Grüße ${MARK}"\n` }),
    bad: [0xff],
    message: 'byte 0xFF',
  },
  { name: 'A09 a UTF-16 file (its byte order mark)', text: `${MARK}${topology()}`, bad: [0xff, 0xfe], message: 'byte 0xFF' },
  {
    name: 'A09 an overlong "/" (0xC0 0xAF)',
    text: topology({ variables: `      p: "a${MARK}b"\n` }),
    bad: [0xc0, 0xaf],
    message: 'byte 0xC0',
  },
  {
    name: 'A09 an encoded surrogate (0xED 0xA0 0x80)',
    text: topology({ variables: `      p: "${MARK}"\n` }),
    bad: [0xed, 0xa0, 0x80],
    message: 'byte 0xED',
  },
  {
    name: 'A09 a code point above U+10FFFF',
    text: topology({ variables: `      p: "${MARK}"\n` }),
    bad: [0xf4, 0x90, 0x80, 0x80],
    message: 'byte 0xF4',
  },
  { name: 'A09 a lone continuation byte', text: topology({ variables: `      p: "${MARK}"\n` }), bad: [0x80], message: 'byte 0x80' },
  { name: 'A09 a sequence cut short by the end of the file', text: `${topology()}# ${MARK}`, bad: [0xe2, 0x82], message: 'byte 0xE2' },
  {
    name: 'A09 a byte order mark, then a bad byte on line 1',
    text: `\ufeffversion: 1 # ${MARK}\n${topology().split('\n').slice(1).join('\n')}`,
    bad: [0xfe],
    message: 'byte 0xFE',
  },
  {
    name: 'A09 a NUL character in a value',
    text: topology({ variables: `      p: a${MARK}\u0000b\n` }),
    message: 'control character U+0000',
  },
  {
    name: 'A09 an escape character (U+001B) in a key',
    text: topology({ variables: `      ${MARK}\u001b[31mred: 1\n` }),
    message: 'control character U+001B',
  },
  { name: 'A09 a DEL character', text: topology({ variables: `      p: "${MARK}\u007f"\n` }), message: 'control character U+007F' },
  {
    name: 'A09 old Mac line ends (CR only)',
    text: `version: 1${MARK}\r${topology().split('\n').slice(1).join('\r')}`,
    message: 'carriage return alone',
  },
  // ---- A44: YAML tags that used to be ignored or to make buffers, sets and dates --------------
  {
    name: 'A44 an unknown local tag',
    text: variables(`      motd: ${MARK}!secret hello\n`),
    message: 'unknown YAML tag !secret',
    hint: 'remove the tag',
  },
  {
    name: 'A44 !!binary (would be a Buffer)',
    text: variables(`      blob: ${MARK}!!binary aGVsbG8=\n`),
    message: 'unknown YAML tag !!binary',
  },
  { name: 'A44 !!set (would be a Set)', text: variables(`      s: ${MARK}!!set { a, b }\n`), message: 'unknown YAML tag !!set' },
  {
    name: 'A44 !!timestamp (would be a Date)',
    text: variables(`      t: ${MARK}!!timestamp 2026-01-01\n`),
    message: 'unknown YAML tag !!timestamp',
  },
  { name: 'A44 !!omap (would be a Map)', text: variables(`      m: ${MARK}!!omap [ { a: 1 } ]\n`), message: 'unknown YAML tag !!omap' },
  { name: 'A44 !!pairs', text: variables(`      m: ${MARK}!!pairs [ { a: 1 } ]\n`), message: 'unknown YAML tag !!pairs' },
  {
    name: 'A44 a tag from a %TAG directive',
    text: `%TAG !e! tag:example.com,2026:\n---\n${variables(`      x: ${MARK}!e!thing 1\n`)}`,
    message: 'unknown YAML tag tag:example.com,2026:thing',
  },
  {
    name: 'A44 a Python object tag',
    text: variables(`      x: ${MARK}!!python/object/apply:os.system ["id"]\n`),
    message: 'unknown YAML tag !!python/object/apply:os.system',
  },
  { name: 'A44 !!float on text', text: variables(`      x: ${MARK}!!float abc\n`), message: 'YAML tag !!float does not fit this value' },
  { name: 'A44 !!map on a scalar', text: variables(`      x: ${MARK}!!map abc\n`), message: 'YAML tag !!map does not fit this value' },
  { name: 'A44 !!seq on a map', text: variables(`      x: ${MARK}!!seq { a: 1 }\n`), message: 'YAML tag !!seq does not fit this value' },
  { name: 'A44 a tag on a key', text: variables(`      ${MARK}!k key: 1\n`), message: 'unknown YAML tag !k' },
  {
    name: 'A44 an unknown tag on a cloud field',
    text: topology({ clouds: cloud('local', 'rack1', `    store: ${MARK}!path store\n`) }),
    message: 'unknown YAML tag !path',
  },
  {
    name: 'A44 an unsupported YAML version',
    text: `%YAML 2.0\n---\n${topology()}`,
    line: 1,
    col: 7,
    message: 'Unsupported YAML version 2.0',
    hint: 'remove the directive line',
  },
  // ---- B3: variable keys, which cannot be passed to Ansible literally -----------------------------
  {
    name: 'B3 a template in a variable key',
    text: variables(`      ${MARK}"{{ lookup('pipe', 'id') }}": 1\n`),
    message: 'holds "{{"',
    hint: 'values may hold them',
  },
  {
    name: 'B3 a Jinja block in a nested variable key',
    text: variables(`      m:\n        ${MARK}"{% if x %}": 1\n`),
    message: 'holds "{%"',
  },
  {
    name: 'B3 a Jinja comment in a key inside a list',
    text: variables(`      l:\n        - ${MARK}"{# x #}": 1\n`),
    message: 'holds "{#"',
  },
  {
    name: 'B3 a key Ansible reads as an unsafe marker',
    text: variables(`      m: { ${MARK}__ansible_unsafe: "x" }\n`),
    message: 'is reserved',
  },
  {
    name: 'B3 a key Ansible reads as a vault marker',
    text: variables(`      l: [ { ${MARK}__ansible_vault: "$ANSIBLE_VAULT;1.1;AES256" } ]\n`),
    message: '"__ansible_vault" is reserved',
  },
  { name: 'B3 a __proto__ key', text: variables(`      ${MARK}__proto__: { polluted: true }\n`), message: '"__proto__" is reserved' },
  // ---- B8: values handed to Packer, whose plugins render {{ }} -----------------------------------
  {
    name: 'B8 a playbook path with {{ uuid }} (became a random id)',
    text: topology().replace('playbooks: [playbooks/provision.yml]', `playbooks: [${MARK}"playbooks/x{{ uuid }}.yml"]`),
    setup: (_root, repo) => writeFileSync(path.join(repo, 'playbooks/x{{ uuid }}.yml'), '- hosts: all\n'),
    message: 'holds "{{": Packer reads it as a template',
    hint: 'remove "{{" and "}}"',
  },
  {
    name: 'B8 a verify path with }}',
    text: topology({ recipe: `    verify: ${MARK}"playbooks/v}}.yml"\n` }),
    setup: (_root, repo) => writeFileSync(path.join(repo, 'playbooks/v}}.yml'), '- hosts: all\n'),
    message: 'holds "}}"',
  },
  {
    name: 'B8 an instance type',
    text: topology({ recipe: `    build: { instance_type: ${MARK}"t3.{{ user 'x' }}" }\n` }),
    message: 'images.base.build.instance_type',
  },
  {
    name: 'B8 an SSH user of a recipe',
    text: topology({ recipe: `    build: { ssh_username: ${MARK}"{{env}}" }\n` }),
    message: 'holds "{{"',
  },
  {
    name: 'B8 an AWS source name',
    text: topology({ sources: `  os2:\n    aws: { owner: "1", name: ${MARK}"debian-{{isotime}}-*" }\n` }),
    message: 'sources.os2.aws.name',
  },
  {
    name: 'B8 an AWS source SSH user',
    text: topology({ sources: `  os2:\n    aws: { ami: ami-1, ssh_username: ${MARK}"{{ .User }}" }\n` }),
    message: 'holds "{{"',
  },
  {
    name: 'B8 a GCP image family',
    text: topology({ sources: `  os2:\n    gcp: { family: ${MARK}"f{{timestamp}}" }\n` }),
    message: 'sources.os2.gcp.family',
  },
  {
    name: 'B8 an Azure SKU',
    text: topology({ sources: `  os2:\n    azure: { publisher: p, offer: o, sku: ${MARK}"{{ sku }}" }\n` }),
    message: 'sources.os2.azure.sku',
  },
  { name: 'B8 a local base image path', text: localSource(`{ image: ${MARK}"base{{x}}.qcow2" }`), message: 'sources.other.local.image' },
  {
    name: 'B8 a GCP project',
    text: topology({ clouds: cloud('gcp', 'europe-west1').replace('project: acme', `project: ${MARK}"acme{{x}}"`) }),
    message: 'clouds[0].project',
  },
  {
    name: 'B8 a GCP zone',
    text: topology({ clouds: cloud('gcp', 'europe-west1', `    zone: ${MARK}"{{zone}}"\n`) }),
    message: 'clouds[0].zone',
  },
  {
    name: 'B8 an Azure resource group',
    text: topology({ clouds: cloud('azure', 'westeurope').replace('resource_group: images', `resource_group: ${MARK}"rg}}"`) }),
    message: 'clouds[0].resource_group',
  },
  {
    name: 'B8 an Azure gallery',
    text: topology({ clouds: cloud('azure', 'westeurope', `    gallery: ${MARK}"{{g}}"\n`) }),
    message: 'clouds[0].gallery',
  },
  {
    name: 'B8 an AWS KMS key',
    text: topology({ clouds: cloud('aws', 'eu-west-1', `    kms_key_id: ${MARK}"{{k}}"\n`) }),
    message: 'clouds[0].kms_key_id',
  },
  {
    name: 'B8 a local store',
    text: topology({ clouds: cloud('local', 'rack1', `    store: ${MARK}"st{{x}}"\n`) }),
    message: 'clouds[0].store',
  },
  {
    name: 'B8 a share account',
    text: topology({ clouds: cloud('gcp', 'europe-west1', `    share: { accounts: [${MARK}"group:{{x}}@example.com"] }\n`) }),
    message: 'clouds[0].share.accounts[0]',
  },
  {
    name: 'B8 a mirror URL',
    text: localSource(`{ suite: bookworm, mirror: ${MARK}"https://m.example.org/{{x}}" }`),
    message: 'sources.other.local.mirror',
  },
  // ---- B8: region names, per provider -------------------------------------------------------------
  {
    name: 'B8 an AWS region that is a rack',
    text: withRegion('aws', `${MARK}rack1`),
    message: '"rack1" is not an AWS region name',
    hint: 'e.g. eu-central-1',
  },
  {
    name: 'B8 an AWS availability zone',
    text: withRegion('aws', `${MARK}eu-central-1a`),
    message: 'is not an AWS region name',
    hint: 'write its region, eu-central-1',
  },
  {
    name: 'B8 an AWS region in capitals',
    text: withRegion('aws', `${MARK}EU-CENTRAL-1`),
    message: 'is not an AWS region name',
    hint: 'lowercase: eu-central-1',
  },
  { name: 'B8 an AWS region with underscores', text: withRegion('aws', `${MARK}eu_central_1`), message: 'is not an AWS region name' },
  {
    name: 'B8 an AWS region holding a markdown link',
    text: withRegion('aws', `${MARK}"[x](https://example.org)"`),
    message: 'is not an AWS region name',
  },
  { name: 'B8 an AWS region holding an @mention', text: withRegion('aws', `${MARK}"@org/team"`), message: 'is not an AWS region name' },
  { name: 'B8 an AWS region without its number', text: withRegion('aws', `${MARK}eu-central`), message: 'is not an AWS region name' },
  {
    name: 'B8 a GCP zone as region',
    text: withRegion('gcp', `${MARK}europe-west1-b`),
    message: 'is not a GCP region name',
    hint: 'write its region, europe-west1',
  },
  {
    name: 'B8 a GCP region without its number',
    text: withRegion('gcp', `${MARK}europe-west`),
    message: 'is not a GCP region name',
    hint: 'e.g. europe-west1',
  },
  {
    name: 'B8 a GCP region in capitals',
    text: withRegion('gcp', `${MARK}EUROPE-WEST1`),
    message: 'is not a GCP region name',
    hint: 'lowercase',
  },
  { name: 'B8 an AWS region on a GCP cloud', text: withRegion('gcp', `${MARK}eu-west-1`), message: 'is not a GCP region name' },
  {
    name: 'B8 an Azure display name',
    text: withRegion('azure', `${MARK}"West Europe"`),
    message: 'is not an Azure region name',
    hint: 'westeurope',
  },
  {
    name: 'B8 an Azure name with dashes',
    text: withRegion('azure', `${MARK}west-europe`),
    message: 'is not an Azure region name',
    hint: 'westeurope',
  },
  {
    name: 'B8 an Azure name holding a mermaid label end',
    text: withRegion('azure', `${MARK}'x"]-->y'`),
    message: 'is not an Azure region name',
  },
  {
    name: 'B8 a local region that climbs out of the store',
    text: withRegion('local', `${MARK}"../escape"`),
    message: 'is not a local region name',
    hint: 'names a folder of the store',
  },
  { name: 'B8 a hidden local region', text: withRegion('local', `${MARK}.staging`), message: 'is not a local region name' },
  { name: 'B8 a local region with a slash', text: withRegion('local', `${MARK}rack/1`), message: 'is not a local region name' },
  { name: 'B8 a local region in capitals', text: withRegion('local', `${MARK}Rack1`), message: 'is not a local region name' },
  {
    name: 'B8 a local region of 64 characters',
    text: withRegion('local', `${MARK}${'r'.repeat(64)}`),
    message: 'is not a local region name',
  },
  { name: 'B8 a local region holding HTML', text: withRegion('local', `${MARK}"r<script>"`), message: 'is not a local region name' },
  // ---- B8: the local source's suite and mirror, handed to debootstrap (as root) --------------------
  {
    name: 'B8 a suite that is a debootstrap option',
    text: localSource(`{ suite: ${MARK}"--unpack-tarball=/tmp/x" }`),
    message: 'is not a Debian suite name',
    hint: 'suite: bookworm',
  },
  {
    name: 'B8 a suite that climbs out of the store',
    text: localSource(`{ suite: ${MARK}"../../etc" }`),
    message: 'is not a Debian suite name',
  },
  { name: 'B8 a suite with a slash', text: localSource(`{ suite: ${MARK}bookworm/updates }`), message: 'is not a Debian suite name' },
  { name: 'B8 a suite in capitals', text: localSource(`{ suite: ${MARK}Bookworm }`), message: 'is not a Debian suite name' },
  { name: 'B8 a suite starting with "-"', text: localSource(`{ suite: ${MARK}-x }`), message: 'is not a Debian suite name' },
  { name: 'B8 a suite that is a number', text: localSource(`{ suite: ${MARK}12 }`), message: 'suite "12"' },
  {
    name: 'B8 a mirror that is an option',
    text: localSource(`{ suite: bookworm, mirror: ${MARK}"--foreign" }`),
    message: 'is not an http(s) URL',
    hint: 'mirror: https://',
  },
  {
    name: 'B8 an ftp mirror',
    text: localSource(`{ suite: bookworm, mirror: ${MARK}"ftp://ftp.example.org/debian" }`),
    message: 'is not an http(s) URL',
  },
  { name: 'B8 a file mirror', text: localSource(`{ suite: bookworm, mirror: ${MARK}"file:///etc" }`), message: 'is not an http(s) URL' },
  {
    name: 'B8 a mirror without a host',
    text: localSource(`{ suite: bookworm, mirror: ${MARK}"http://" }`),
    message: 'is not an http(s) URL',
  },
  {
    name: 'B8 a mirror with a space',
    text: localSource(`{ suite: bookworm, mirror: ${MARK}"http://exa mple.org/debian" }`),
    message: 'is not an http(s) URL',
  },
  {
    name: 'B8 a mirror without a scheme',
    text: localSource(`{ suite: bookworm, mirror: ${MARK}mirror.example.org/debian }`),
    message: 'is not an http(s) URL',
  },
  // ---- A25-A29, B6: paths that leave the repository ------------------------------------------------
  {
    name: 'A25 an absolute playbook path',
    text: topology().replace('playbooks: [playbooks/provision.yml]', `playbooks: [${MARK}/etc/passwd]`),
    message: 'playbook "/etc/passwd" is an absolute path',
    hint: "relative to the topology file's folder",
  },
  {
    name: 'A26 a playbook above the repository',
    text: topology().replace('playbooks: [playbooks/provision.yml]', `playbooks: [${MARK}../outside/x.yml]`),
    message: 'is outside the repository',
  },
  {
    name: 'A26 a playbook path that climbs out and back in by name',
    text: topology().replace('playbooks: [playbooks/provision.yml]', `playbooks: [${MARK}"playbooks/../../outside/x.yml"]`),
    message: 'is outside the repository',
  },
  {
    name: 'A27 a playbook that is a symlink to a file outside',
    text: topology().replace('playbooks: [playbooks/provision.yml]', `playbooks: [${MARK}playbooks/link.yml]`),
    setup: (root, repo) => symlink(path.join(root, 'outside/x.yml'), path.join(repo, 'playbooks/link.yml')),
    message: 'leads through a symlink',
    hint: 'copy what it needs into the repository',
  },
  {
    name: 'A27 a playbook in a folder that is a symlink to outside',
    text: topology().replace('playbooks: [playbooks/provision.yml]', `playbooks: [${MARK}linked/x.yml]`),
    setup: (root, repo) => symlink(path.join(root, 'outside'), path.join(repo, 'linked')),
    message: 'leads through a symlink',
  },
  {
    name: 'A28 an absolute verify path',
    text: topology({ recipe: `    verify: ${MARK}/root/verify.yml\n` }),
    message: 'verify playbook "/root/verify.yml" is an absolute path',
  },
  {
    name: 'A28 a verify path above the repository',
    text: topology({ recipe: `    verify: ${MARK}../outside/x.yml\n` }),
    message: 'is outside the repository',
  },
  {
    name: 'A28 a verify playbook that is a symlink to outside',
    text: topology({ recipe: `    verify: ${MARK}playbooks/v.yml\n` }),
    setup: (root, repo) => symlink(path.join(root, 'outside/x.yml'), path.join(repo, 'playbooks/v.yml')),
    message: 'leads through a symlink',
  },
  {
    name: 'A25 a Windows drive path',
    text: topology().replace('playbooks: [playbooks/provision.yml]', `playbooks: [${MARK}"C:\\\\x.yml"]`),
    message: 'is an absolute path',
  },
  {
    name: 'A29 a relative store above the repository',
    text: topology({ clouds: cloud('local', 'rack1', `    store: ${MARK}../images\n`) }),
    message: 'store "../images" is outside the repository',
    hint: 'or write an absolute path',
  },
  {
    name: 'A29 the root folder as store',
    text: topology({ clouds: cloud('local', 'rack1', `    store: ${MARK}/\n`) }),
    message: 'is a system folder',
  },
  {
    name: 'A29 /etc as store',
    text: topology({ clouds: cloud('local', 'rack1', `    store: ${MARK}/etc\n`) }),
    message: 'is a system folder',
  },
  {
    name: 'A29 an absolute store with ".."',
    text: topology({ clouds: cloud('local', 'rack1', `    store: ${MARK}/var/lib/../..\n`) }),
    message: 'is not a normal absolute path',
    hint: 'write it without',
  },
  {
    name: 'A29 a relative store that is a symlink to outside',
    text: topology({ clouds: cloud('local', 'rack1', `    store: ${MARK}.images\n`) }),
    setup: (root, repo) => symlink(path.join(root, 'outside'), path.join(repo, '.images')),
    message: 'leads through a symlink',
  },
  // ---- file-level conditions ---------------------------------------------------------------------
  {
    name: 'A03 a file over 5 MiB',
    setup: (_root, repo) => writeFileSync(path.join(repo, 'topology.yml'), `# ${'x'.repeat(5 * 1024 * 1024)}\n${topology()}`),
    line: 1,
    col: 1,
    message: 'more than the 5.0 MiB a topology may be',
  },
  { name: 'A03 the topology path is a folder', load: 'playbooks', line: 1, col: 1, message: 'is a folder, not a file' },
  { name: 'A03 the topology path does not exist', load: 'nope.yml', line: 1, col: 1, message: 'does not exist', hint: 'check the path' },
  {
    name: 'A03 the topology path is a FIFO (read for ever)',
    setup: (_root, repo) => execFileSync('mkfifo', [path.join(repo, 'fifo.yml')]),
    load: 'fifo.yml',
    line: 1,
    col: 1,
    message: 'is not a regular file',
  },
  { name: 'A03 the topology path is a device', load: '/dev/zero', line: 1, col: 1, message: 'is not a regular file' },
  { name: 'an empty file', text: '', line: 1, col: 1, message: 'the topology file is empty' },
  { name: 'a file of comments only', text: '# nothing yet\n', line: 1, col: 1, message: 'the topology file is empty' },
  { name: 'a top-level scalar', text: `${MARK}hello\n`, message: 'must be a map' },
  { name: 'two documents', text: `${topology()}${MARK}---\nversion: 1\n`, message: 'more than one document' },
  { name: 'a repeated key', text: topology({ variables: `      ${MARK}packages: [curl]\n` }), message: 'Map keys must be unique' },
];
