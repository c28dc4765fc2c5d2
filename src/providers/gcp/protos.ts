/**
 * Cuts the Compute Engine proto descriptors down to the services the
 * product calls. Every @google-cloud/compute client hands the package's whole
 * descriptor set (build/protos/protos.json: compute v1, v1beta and v1small,
 * 11.7 MB, some 4,500 definitions) to google-gax, which turns all of it into
 * protobufjs reflection objects (`Root.fromJSON`) before the first call:
 * seconds of CPU on a 2-core runner, for the 5 services used here.
 *
 * What is kept: the named services of `pkg` and every message and enum they
 * reach through method request and response types, field types (map keys
 * included) and extended messages, each top-level definition whole (its
 * nested types too). Beside `pkg` in its parent (the other API versions),
 * only what is reached stays; everything further out (google.api,
 * google.protobuf, the google.cloud operation extensions) stays whole, and
 * what it names too. Names resolve as protobufjs resolves them
 * (Namespace#lookup): a relative name from the innermost enclosing scope
 * outwards, a leading dot from the root.
 */

/** A node of protobufjs JSON descriptors (protobuf.INamespace and what it nests). */
export interface ProtoJson {
  nested?: Record<string, ProtoJson>;
  fields?: Record<string, ProtoField>;
  values?: Record<string, number>;
  methods?: Record<string, { requestType: string; responseType: string }>;
  [key: string]: unknown;
}

interface ProtoField {
  type: string;
  keyType?: string;
  extend?: string;
  [key: string]: unknown;
}

const SCALARS = new Set(
  'double float int32 int64 uint32 uint64 sint32 sint64 fixed32 fixed64 sfixed32 sfixed64 bool string bytes'.split(' '),
);

function at(json: ProtoJson, path: string[]): ProtoJson | undefined {
  let node: ProtoJson | undefined = json;
  for (const name of path) node = node?.nested?.[name];
  return node;
}

const isType = (node: ProtoJson | undefined) => node?.fields !== undefined || node?.values !== undefined;

/**
 * The descriptors with only `services` of package `pkg` (e.g.
 * ['google', 'cloud', 'compute', 'v1']) and what they reach; undefined when
 * the package or one of the services is not there, or a name does not
 * resolve (the caller then uses the whole set).
 */
export function pruneProtos(json: ProtoJson, pkg: string[], services: string[]): ProtoJson | undefined {
  const parent = pkg.slice(0, -1);
  const name = pkg[pkg.length - 1];
  const beside = at(json, parent)?.nested ?? {};
  const top = at(json, pkg)?.nested;
  if (!top || !services.every((s) => top[s]?.methods)) return undefined;
  const kept = new Set<string>();
  const keptBeside = new Set<string>();
  let complete = true;
  const keep = (n: string): void => {
    if (kept.has(n)) return;
    kept.add(n);
    walk(top[n], [...pkg, n]);
  };
  const keepBeside = (n: string): void => {
    if (keptBeside.has(n)) return;
    keptBeside.add(n);
    walk(beside[n], [...parent, n]);
  };
  const startsWith = (path: string[], prefix: string[]) => prefix.every((p, i) => path[i] === p);
  /** Resolves `type` from the node at `scope` (a full path) and keeps what it names. */
  const ref = (scope: string[], type: string): void => {
    if (SCALARS.has(type)) return;
    const parts = type.replace(/^\./, '').split('.');
    const scopes = type.startsWith('.') ? [[]] : scope.map((_, i) => scope.slice(0, scope.length - i)).concat([[]]);
    for (const s of scopes) {
      const full = [...s, ...parts];
      if (!isType(at(json, full))) continue;
      if (startsWith(full, pkg)) keep(full[pkg.length]);
      else if (startsWith(full, parent) && full.length > parent.length) keepBeside(full[parent.length]);
      return;
    }
    complete = false; // a name the set itself does not resolve: leave the set whole
  };
  /** Follows the names in a node and all it nests; `skip` (the package's parent) is walked only through what is kept. */
  const walk = (node: ProtoJson, path: string[], skip?: string[]): void => {
    // Fields, and extension fields (declared in `nested` with the message they extend), name types.
    const own = typeof node.type === 'string' ? [{ field: node as unknown as ProtoField, scope: path.slice(0, -1) }] : [];
    for (const { field, scope } of [...Object.values(node.fields ?? {}).map((field) => ({ field, scope: path })), ...own]) {
      for (const type of [field.type, field.keyType, field.extend]) if (type) ref(scope, type);
    }
    // A method's types resolve from its service's scope.
    for (const method of Object.values(node.methods ?? {})) {
      ref(path, method.requestType);
      ref(path, method.responseType);
    }
    for (const [n, child] of Object.entries(node.nested ?? {})) {
      const childPath = [...path, n];
      if (!skip || childPath.length !== skip.length || !startsWith(childPath, skip)) walk(child, childPath, skip);
    }
  };
  services.forEach(keep);
  // Definitions outside the package's parent stay whole: what they name stays too.
  if (parent.length > 0) walk(json, [], parent);
  if (!complete) return undefined;
  const pick = (from: Record<string, ProtoJson>, names: Set<string>) => Object.fromEntries([...names].sort().map((n) => [n, from[n]]));
  const rebuild = (node: ProtoJson, depth: number): ProtoJson => {
    if (depth === parent.length) {
      // Beside the package (compute v1), only what it names stays: its other versions (v1beta, v1small) go.
      return { ...node, nested: { ...pick(beside, keptBeside), [name]: { ...beside[name], nested: pick(top, kept) } } };
    }
    return { ...node, nested: { ...node.nested, [parent[depth]]: rebuild(node.nested![parent[depth]], depth + 1) } };
  };
  return rebuild(json, 0);
}
