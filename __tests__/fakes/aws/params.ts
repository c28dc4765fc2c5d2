/**
 * Reading EC2 query parameters (`Filter.1.Name`, `Tag.2.Value`, ...) and
 * paging lists the way EC2 does (MaxResults + opaque NextToken).
 */

export class Ec2FakeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class Params {
  constructor(readonly raw: Record<string, string>) {}

  get(name: string): string | undefined {
    return this.raw[name];
  }

  required(name: string): string {
    const value = this.raw[name];
    if (value === undefined || value === '') {
      throw new Ec2FakeError('MissingParameter', `The request must contain the parameter ${name}`);
    }
    return value;
  }

  bool(name: string): boolean | undefined {
    const value = this.raw[name];
    return value === undefined ? undefined : value === 'true';
  }

  int(name: string): number | undefined {
    const value = this.raw[name];
    return value === undefined ? undefined : Number.parseInt(value, 10);
  }

  /** `Prefix.1`, `Prefix.2`, ... in index order. */
  list(prefix: string): string[] {
    return this.indexed(new RegExp(`^${escape(prefix)}\\.(\\d+)$`)).map(([, , v]) => v);
  }

  /** `Prefix.N.Field...` grouped by N: [{Field: value, 'Sub.1': value}, ...]. */
  groups(prefix: string): Record<string, string>[] {
    const out = new Map<number, Record<string, string>>();
    const re = new RegExp(`^${escape(prefix)}\\.(\\d+)\\.(.+)$`);
    for (const [key, value] of Object.entries(this.raw)) {
      const m = re.exec(key);
      if (!m) continue;
      const n = Number(m[1]);
      const group = out.get(n) ?? {};
      group[m[2]] = value;
      out.set(n, group);
    }
    return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
  }

  /** Filter.N.Name / Filter.N.Value.M -> [{name, values}]. */
  filters(): { name: string; values: string[] }[] {
    return this.groups('Filter').map((g) => ({ name: g.Name ?? '', values: sub(g, 'Value') }));
  }

  /** Tag.N.Key / Tag.N.Value under a prefix. */
  tags(prefix = 'Tag'): Record<string, string> {
    const out: Record<string, string> = {};
    for (const g of this.groups(prefix)) if (g.Key !== undefined) out[g.Key] = g.Value ?? '';
    return out;
  }

  private indexed(re: RegExp): [number, string, string][] {
    const hits: [number, string, string][] = [];
    for (const [key, value] of Object.entries(this.raw)) {
      const m = re.exec(key);
      if (m) hits.push([Number(m[1]), key, value]);
    }
    return hits.sort((a, b) => a[0] - b[0]);
  }
}

/** Values of `Name.1`, `Name.2`, ... inside one group. */
export function sub(group: Record<string, string>, name: string): string[] {
  return Object.entries(group)
    .map(([k, v]) => [new RegExp(`^${escape(name)}\\.(\\d+)$`).exec(k), v] as const)
    .filter((e): e is [RegExpExecArray, string] => e[0] !== null)
    .sort((a, b) => Number(a[0][1]) - Number(b[0][1]))
    .map(([, v]) => v);
}

/** Tags of TagSpecification.N with ResourceType `type`. */
export function tagSpecification(params: Params, type: string): Record<string, string> {
  const out: Record<string, string> = {};
  params.groups('TagSpecification').forEach((g) => {
    if (g.ResourceType !== type) return;
    const keys = Object.keys(g).filter((k) => /^Tag\.\d+\.Key$/.test(k));
    for (const k of keys) out[g[k]] = g[k.replace(/Key$/, 'Value')] ?? '';
  });
  return out;
}

/** EC2 filter values allow `*` and `?` wildcards. */
export function matches(values: string[], actual: string | undefined): boolean {
  if (actual === undefined) return false;
  return values.some((v) =>
    new RegExp(
      `^${v
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escape(c)))
        .join('')}$`,
    ).test(actual),
  );
}

export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One page of `items`. The page holds min(MaxResults, the fake's page size)
 * items; NextToken is opaque and bound to the action.
 */
export function page<T>(items: T[], params: Params, action: string, fakePageSize: number | undefined): { items: T[]; next?: string } {
  const token = params.get('NextToken');
  let offset = 0;
  if (token) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    const m = /^(\w+):(\d+)$/.exec(decoded);
    if (!m || m[1] !== action) throw new Ec2FakeError('InvalidPaginationToken', `The pagination token ${token} is invalid`);
    offset = Number(m[2]);
  }
  const max = params.int('MaxResults');
  const size = Math.min(max ?? Infinity, fakePageSize ?? Infinity);
  if (!Number.isFinite(size)) return { items: items.slice(offset) };
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    next: end < items.length ? Buffer.from(`${action}:${end}`).toString('base64url') : undefined,
  };
}
