/**
 * The Packer template builder: assembles an HCL2-JSON template (`*.pkr.json`)
 * and its variables file from parts, never from text. Values travel in the
 * variables file; the template refers to them as `${var.name}`.
 */

export interface PluginRequirement {
  source: string;
  version: string;
}

export interface VariableSpec {
  type: 'string' | 'number' | 'bool' | 'map(string)' | 'list(string)';
  sensitive?: boolean;
  description?: string;
}

export interface SourceBlock {
  type: string;
  name: string;
  config: Record<string, unknown>;
}

export type Block = Record<string, Record<string, unknown>>;

export interface Template {
  packer?: { required_plugins: Record<string, PluginRequirement> };
  variable: Record<string, Record<string, unknown>>;
  source: Record<string, Record<string, Record<string, unknown>>>;
  build: { name: string; sources: string[]; provisioner: Block[]; 'post-processor': Block[] };
}

export interface BuiltTemplate {
  template: Template;
  variables: Record<string, unknown>;
}

export class PackerTemplateBuilder {
  private readonly plugins = new Map<string, PluginRequirement>();
  private readonly variables = new Map<string, { spec: VariableSpec; value: unknown }>();
  private readonly sources: SourceBlock[] = [];
  private readonly provisioners: Block[] = [];
  private readonly postProcessors: Block[] = [];

  constructor(
    private readonly buildName: string,
    private readonly modernPacker: boolean,
  ) {}

  /** Declares a plugin for `packer init`; left out for Packer older than 1.7. */
  requirePlugin(name: string, requirement: PluginRequirement): this {
    this.plugins.set(name, requirement);
    return this;
  }

  /** Declares a variable with its value (written to the variables file); returns `${var.name}`. */
  variable(name: string, spec: VariableSpec, value: unknown): string {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`bad Packer variable name "${name}"`);
    this.variables.set(name, { spec, value });
    return `\${var.${name}}`;
  }

  source(block: SourceBlock): this {
    this.sources.push(block);
    return this;
  }

  provisioner(type: string, config: Record<string, unknown>): this {
    this.provisioners.push({ [type]: config });
    return this;
  }

  postProcessor(type: string, config: Record<string, unknown>): this {
    this.postProcessors.push({ [type]: config });
    return this;
  }

  build(): BuiltTemplate {
    if (this.sources.length === 0) throw new Error('a Packer template needs a source');
    const template: Template = {
      variable: {},
      source: {},
      build: {
        name: this.buildName,
        sources: this.sources.map((s) => `source.${s.type}.${s.name}`),
        provisioner: this.provisioners,
        'post-processor': this.postProcessors,
      },
    };
    if (this.modernPacker && this.plugins.size > 0) {
      template.packer = { required_plugins: Object.fromEntries([...this.plugins].sort(([a], [b]) => a.localeCompare(b))) };
    }
    const values: Record<string, unknown> = {};
    for (const [name, { spec, value }] of [...this.variables].sort(([a], [b]) => a.localeCompare(b))) {
      const decl: Record<string, unknown> = { type: spec.type };
      if (spec.sensitive) decl.sensitive = true;
      if (spec.description) decl.description = spec.description;
      template.variable[name] = decl;
      values[name] = value;
    }
    for (const s of this.sources) {
      template.source[s.type] ??= {};
      template.source[s.type][s.name] = s.config;
    }
    // Packer wants "${type}" keys in order: packer, variable, source, build.
    const ordered = (template.packer ? { packer: template.packer } : {}) as Partial<Template>;
    return { template: { ...ordered, variable: template.variable, source: template.source, build: template.build }, variables: values };
  }
}

/**
 * Plugins of modern Packer, pinned to a minor line (`packer init` installs
 * them). azure: 2.6.0 is the first release whose `skip_create_image` needs no
 * capture, managed-image or gallery destination (commit 6748e283, "relax
 * parameter check when skip_create_image is true"), which verification needs;
 * 2.6.3 is the newest release of that line.
 */
export const PLUGINS: Record<string, PluginRequirement> = {
  amazon: { source: 'github.com/hashicorp/amazon', version: '~> 1.3.3' },
  googlecompute: { source: 'github.com/hashicorp/googlecompute', version: '~> 1.1.0' },
  azure: { source: 'github.com/hashicorp/azure', version: '~> 2.6.3' },
  qemu: { source: 'github.com/hashicorp/qemu', version: '~> 1.1.0' },
  ansible: { source: 'github.com/hashicorp/ansible', version: '~> 1.1.1' },
};
