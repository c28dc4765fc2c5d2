/**
 * Why `{{` is refused in values handed to Packer, shown on Packer itself, and
 * what the loader refuses and lets through.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkPackerValues, checkVariableKeys } from '../../src/topology/literal.js';
import type { Path } from '../../src/topology/positions.js';
import { runProcess } from '../../src/util/process.js';
import { describeWith } from '../helpers/tools.js';
import { removeTempDirs, tempDir } from '../helpers/tree.js';

afterAll(removeTempDirs);

function reported(check: (report: (path: Path, message: string) => void) => void): string[] {
  const out: string[] = [];
  check((p, message) => out.push(`${p.join('.')}: ${message}`));
  return out;
}

describeWith(
  ['packer'],
  'Packer renders {{ }} in a value that comes from the variables file',
  () => {
    // The same path as our templates: an HCL2-JSON template, the value in -var-file, used as ${var.x}.
    // The file builder (built into Packer) decodes its config with interpolation on, like every plugin.
    it('a target "out-{{ uuid }}.txt" becomes out-<random id>.txt', async () => {
      const dir = tempDir();
      writeFileSync(
        path.join(dir, 't.pkr.json'),
        JSON.stringify({
          variable: { target: { type: 'string' } },
          source: { file: { x: { content: 'hello', target: '${var.target}' } } },
          build: { sources: ['source.file.x'] },
        }),
      );
      writeFileSync(path.join(dir, 'v.json'), JSON.stringify({ target: 'out-{{ uuid }}.txt' }));
      const result = await runProcess('packer', ['build', '-var-file=v.json', 't.pkr.json'], { cwd: dir, timeoutMs: 120_000 });
      if (result.code !== 0) throw new Error(`packer build failed:\n${result.tail.join('\n')}`);
      const made = readdirSync(dir).filter((f) => f.startsWith('out-'));
      expect(made).toHaveLength(1);
      expect(made[0]).toMatch(/^out-[0-9a-f-]{36}\.txt$/);
      expect(made[0]).not.toContain('{{');
    });
  },
  'apt-get install packer',
);

describe('checkPackerValues', () => {
  const data = {
    images: {
      base: {
        playbooks: ['playbooks/x{{ uuid }}.yml'],
        description: '{{ fine }}',
        variables: { motd: '{{ fine }}', list: ['{{ fine }}'] },
        build: { instance_type: 't3}}' },
      },
    },
    sources: { debian12: { aws: { name: 'debian-{{isotime}}' } } },
    clouds: [{ name: 'c', regions: { r: { instances: [{ name: 'n{{' }] } } }],
  };

  it('reports every value outside variables and descriptions', () => {
    expect(reported((r) => checkPackerValues(data, '/repo', r))).toEqual([
      'images.base.playbooks.0: images.base.playbooks[0] "playbooks/x{{ uuid }}.yml" holds "{{": Packer reads it as a template, so the value would not reach the build as written',
      'images.base.build.instance_type: images.base.build.instance_type "t3}}" holds "}}": Packer reads it as a template, so the value would not reach the build as written',
      'sources.debian12.aws.name: sources.debian12.aws.name "debian-{{isotime}}" holds "{{": Packer reads it as a template, so the value would not reach the build as written',
      'clouds.0.regions.r.instances.0.name: clouds[0].regions.r.instances[0].name "n{{" holds "{{": Packer reads it as a template, so the value would not reach the build as written',
    ]);
  });

  it("reports the topology's folder, which starts every playbook path", () => {
    expect(reported((r) => checkPackerValues({}, '/home/x/{{repo}}', r))).toEqual([
      `: the topology's folder path /home/x/{{repo}} holds "{{", which Packer reads as a template in every playbook path`,
    ]);
  });
});

describe('checkVariableKeys', () => {
  it('reports template markers and reserved names in keys at any depth, never in values', () => {
    const images = {
      base: {
        variables: {
          '{{ k }}': 1,
          ok: { nested: [{ '{% x %}': 1, '{# c #}': 2 }], value: '{{ values are fine }}' },
          m: { __ansible_unsafe: 'x', __ansible_vault: 'y' },
        },
      },
      other: { variables: JSON.parse('{"__proto__": {"a": 1}}') },
    };
    expect(reported((r) => checkVariableKeys(images, r)).sort()).toEqual([
      'images.base.variables.m.__ansible_unsafe: the variable key "__ansible_unsafe" is reserved: Ansible reads a map with a "__ansible_…" key as a marker, not as data',
      'images.base.variables.m.__ansible_vault: the variable key "__ansible_vault" is reserved: Ansible reads a map with a "__ansible_…" key as a marker, not as data',
      'images.base.variables.ok.nested.0.{# c #}: the variable key "{# c #}" holds "{#": Ansible may evaluate keys as templates, and only values can be passed literally',
      'images.base.variables.ok.nested.0.{% x %}: the variable key "{% x %}" holds "{%": Ansible may evaluate keys as templates, and only values can be passed literally',
      'images.base.variables.{{ k }}: the variable key "{{ k }}" holds "{{": Ansible may evaluate keys as templates, and only values can be passed literally',
      'images.other.variables.__proto__: the variable key "__proto__" is reserved',
    ]);
  });
});
