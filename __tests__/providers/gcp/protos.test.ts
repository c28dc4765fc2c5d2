/**
 * The Compute descriptors cut down to the product's services (protos.ts):
 * what is kept must be what protobufjs builds from the package's whole set
 * (@google-cloud/compute 6.15 build/protos/protos.json), and names must
 * resolve as protobufjs resolves them (Namespace#lookup: innermost scope
 * outwards, a leading dot from the root).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as gaxFallback from 'google-gax/fallback';
import { pruneProtos, type ProtoJson } from '../../../src/providers/gcp/protos.js';
import { SERVICES } from '../../../src/providers/gcp/sdk.js';

const { Root } = gaxFallback.protobuf;
type Reflected = ReturnType<typeof Root.fromJSON>;
const V1 = ['google', 'cloud', 'compute', 'v1'];
const fullText = readFileSync(createRequire(import.meta.url).resolve('@google-cloud/compute/build/protos/protos.json'), 'utf8');
const full = JSON.parse(fullText) as ProtoJson;

/** Every type, enum and service under `ns`, by full name. */
function definitions(ns: Reflected['nestedArray'][number], out = new Map<string, unknown>()): Map<string, unknown> {
  for (const child of (ns as Reflected).nestedArray ?? []) {
    const kind = child.constructor.name;
    if (kind === 'Type' || kind === 'Enum' || kind === 'Service') out.set(child.fullName, child.toJSON());
    definitions(child, out);
  }
  return out;
}

describe('pruneProtos on the Compute descriptors', () => {
  const pruned = pruneProtos(full, V1, SERVICES)!;

  it('keeps the services used and all they reach, each as the whole set defines it', () => {
    const small = Root.fromJSON(pruned);
    expect(() => small.resolveAll()).not.toThrow();
    const whole = Root.fromJSON(full);
    const kept = definitions(small);
    for (const service of SERVICES) expect(kept.has(`.google.cloud.compute.v1.${service}`)).toBe(true);
    for (const name of ['.google.cloud.compute.v1.Image', '.google.cloud.compute.v1.Operation', '.google.cloud.compute.v1.ImageList']) {
      expect(kept.has(name)).toBe(true);
    }
    for (const [name, json] of kept) expect(json).toEqual(whole.lookup(name)!.toJSON());
    // The google.api.http rules the REST transcoding reads stay.
    expect(small.lookup('google.api.http')).not.toBeNull();
  }, 60_000);

  it('drops the other services, messages and API versions', () => {
    const small = Root.fromJSON(pruned);
    expect(small.lookup('google.cloud.compute.v1.Instances')).toBeNull();
    expect(small.lookup('google.cloud.compute.v1.Firewall')).toBeNull();
    expect(small.lookup('google.cloud.compute.v1beta')).toBeNull();
    expect(small.lookup('google.cloud.compute.v1small')).toBeNull();
    expect(JSON.stringify(pruned).length).toBeLessThan(fullText.length / 20);
  });
});

describe('pruneProtos name resolution', () => {
  // a.v1.S.Get(Req) -> Resp; Req.inner names both a nested Req.Inner and a top-level a.v1.Inner
  // (the nested one wins); Resp names an absolute .a.v1.Other, a map of Val, Shared and common.Ref
  // beside v1 in a; an extension in ext (outside a) extends a.v1.Extended. v2 and Lonely are named by nothing.
  const json: ProtoJson = {
    nested: {
      a: {
        nested: {
          Shared: { fields: { x: { type: 'string', id: 1 } } },
          Lonely: { fields: {} },
          common: { nested: { Ref: { fields: {} } } },
          v1: {
            nested: {
              S: { methods: { Get: { requestType: 'Req', responseType: 'Resp' } } },
              Req: { fields: { inner: { type: 'Inner', id: 1 } }, nested: { Inner: { fields: { y: { type: 'int64', id: 1 } } } } },
              Inner: { fields: { z: { type: 'Unused', id: 1 } } },
              Resp: {
                fields: {
                  other: { type: '.a.v1.Other', id: 1 },
                  vals: { keyType: 'string', type: 'Val', id: 2 },
                  shared: { type: 'Shared', id: 3 },
                  kind: { type: 'Kind', id: 4 },
                  ref: { type: 'common.Ref', id: 5 },
                },
              },
              Other: { fields: {} },
              Val: { fields: { v: { type: 'bool', id: 1 } } },
              Kind: { values: { A: 0, B: 1 } },
              Unused: { fields: {} },
              Extended: { fields: {} },
            },
          },
          v2: { nested: { S: { methods: {} } } },
        },
      },
      ext: { nested: { opt: { type: 'bool', id: 50, extend: '.a.v1.Extended' } } },
    },
  };

  it('follows protobufjs: the innermost scope first, absolute names from the root', () => {
    const whole = Root.fromJSON(json);
    whole.resolveAll();
    const req = whole.lookupType('a.v1.Req');
    expect(req.fields.inner.resolvedType!.fullName).toBe('.a.v1.Req.Inner');
    const pruned = pruneProtos(json, ['a', 'v1'], ['S'])!;
    expect(Object.keys(pruned.nested!.a.nested!.v1.nested!).sort()).toEqual(['Extended', 'Kind', 'Other', 'Req', 'Resp', 'S', 'Val']);
    expect(Object.keys(pruned.nested!.a.nested!)).toEqual(['Shared', 'common', 'v1']);
    expect(pruned.nested!.ext).toBe(json.nested!.ext);
    expect(() => Root.fromJSON(pruned).resolveAll()).not.toThrow();
  });

  it('answers undefined, so the whole set is used, when the package or a service is missing or a name does not resolve', () => {
    expect(pruneProtos(json, ['a', 'v3'], ['S'])).toBeUndefined();
    expect(pruneProtos(json, ['a', 'v1'], ['S', 'T'])).toBeUndefined();
    const broken = structuredClone(json);
    broken.nested!.a.nested!.v1.nested!.Val.fields!.v.type = 'Missing';
    expect(pruneProtos(broken, ['a', 'v1'], ['S'])).toBeUndefined();
  });
});
