/**
 * ANSIBLE_ROLES_PATH in the generated template: every ansible provisioner
 * (build, deprovision, verify) gets it in `ansible_env_vars`, which the
 * plugin appends to Packer's environment and hands to ansible-playbook
 * without a shell (packer-plugin-ansible provisioner/ansible/provisioner.go,
 * executeAnsible). Its value travels in the variables file.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { imageTemplate } from '../../src/packer/image-template.js';
import { packerInfo } from '../../src/packer/runner.js';
import { runProcess } from '../../src/util/process.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';
import { image, RECIPES, SOURCES } from './templates.js';

afterAll(removeTempDirs);

function generate(mode: 'build' | 'verify', rolesPath?: string[]) {
  const dir = writeTree({ 'p.yml': '- hosts: all\n  tasks: []\n', 'd.yml': '- hosts: all\n  tasks: []\n', 'extra-vars.json': '{}' });
  const built = imageTemplate({
    image: image('aws', SOURCES.aws[0], RECIPES[0]),
    mode,
    verifyImage: mode === 'verify' ? 'ami-0123456789abcdef0' : undefined,
    playbooks: [path.join(dir, 'p.yml')],
    deprovision: path.join(dir, 'd.yml'),
    rolesPath,
    extraVarsFile: path.join(dir, 'extra-vars.json'),
    outputDir: path.join(dir, 'out'),
    manifestFile: path.join(dir, 'manifest.json'),
    buildTime: new Date('2026-11-21T10:20:30Z'),
    version: '0.1.0',
    // Verifying an AWS image needs Packer 1.7 (skip_create_ami); the build template is the one packer validate reads here.
    modernPacker: mode === 'verify',
  });
  return { dir, built };
}

const envOf = (built: ReturnType<typeof generate>['built']) =>
  built.template.build.provisioner.map((p) => (p.ansible as { ansible_env_vars: string[] }).ansible_env_vars);

describe('ANSIBLE_ROLES_PATH', () => {
  const folders = ['/work/repo/roles', '/work/repo/.image-builder/playbooks/roles'];

  it('is set for every playbook of a build, deprovision included, and of a verification', () => {
    const build = generate('build', folders).built;
    expect(envOf(build)).toEqual([
      [
        'ANSIBLE_HOST_KEY_CHECKING=False',
        'ANSIBLE_SSH_TRANSFER_METHOD=piped',
        'ANSIBLE_FORCE_COLOR=0',
        'ANSIBLE_ROLES_PATH=${var.roles_path}',
      ],
      [
        'ANSIBLE_HOST_KEY_CHECKING=False',
        'ANSIBLE_SSH_TRANSFER_METHOD=piped',
        'ANSIBLE_FORCE_COLOR=0',
        'ANSIBLE_ROLES_PATH=${var.roles_path}',
      ],
    ]);
    expect(build.variables.roles_path).toBe('/work/repo/roles:/work/repo/.image-builder/playbooks/roles');
    expect(build.template.variable.roles_path).toEqual({ type: 'string' });
    expect(JSON.stringify(build.template)).not.toContain('/work/repo');
    const verify = generate('verify', folders).built;
    expect(envOf(verify)).toHaveLength(1);
    expect(envOf(verify)[0]).toContain('ANSIBLE_ROLES_PATH=${var.roles_path}');
    expect(verify.variables.roles_path).toBe(build.variables.roles_path);
  });

  it('is left out when no roles folder is given', () => {
    const { built } = generate('build');
    expect(
      envOf(built)
        .flat()
        .filter((e) => e.startsWith('ANSIBLE_ROLES_PATH')),
    ).toEqual([]);
    expect(built.variables).not.toHaveProperty('roles_path');
  });

  it('passes packer validate', async () => {
    const packer = await packerInfo();
    if (!packer) {
      if (process.env.CI) throw new Error('packer is not installed (scripts/setup.sh installs it)');
      console.warn('packer not installed: skipping validate');
      return;
    }
    const { dir, built } = generate('build', folders);
    writeFileSync(path.join(dir, 'image.pkr.json'), JSON.stringify(built.template));
    writeFileSync(path.join(dir, 'vars.json'), JSON.stringify(built.variables));
    const result = await runProcess('packer', ['validate', '-var-file=vars.json', 'image.pkr.json'], { cwd: dir });
    if (result.code !== 0) throw new Error(`packer validate failed:\n${result.tail.join('\n')}`);
  });
});
