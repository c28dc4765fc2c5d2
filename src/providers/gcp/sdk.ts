/**
 * The Compute Engine clients the product uses, and the google-gax instance
 * they are made with. Measured by bench/cold-start.js (BENCHMARKS.md, cold
 * start); what the two choices here save:
 *
 * - Each client comes from its own module (build/src/v1/<service>_client.js;
 *   the package has no "exports" map, so the path is public). The package's
 *   index loads all of its 260 clients (v1, v1beta, v1small) and
 *   `protos` (build/protos/protos.js, 29 MiB of generated code), none of
 *   which a plan or build needs.
 * - Their gax instance is gax's REST (fallback) module, as the clients'
 *   documentation suggests passing it, with a GrpcClient whose loadProtoJSON
 *   builds the descriptors of SERVICES only (protos.ts), once per process,
 *   instead of all of protos.json (and, for every client, hashing its
 *   11.7 MB text to look it up in gax's cache).
 */
import * as gaxModule from 'google-gax/fallback';
import { pruneProtos, type ProtoJson } from './protos.js';

export { DisksClient } from '@google-cloud/compute/build/src/v1/disks_client.js';
export { GlobalOperationsClient } from '@google-cloud/compute/build/src/v1/global_operations_client.js';
export { ImagesClient } from '@google-cloud/compute/build/src/v1/images_client.js';
export { InstanceTemplatesClient } from '@google-cloud/compute/build/src/v1/instance_templates_client.js';
export { ZonesClient } from '@google-cloud/compute/build/src/v1/zones_client.js';

/** The services of the clients above: a new client's service belongs here. */
export const SERVICES = ['Disks', 'GlobalOperations', 'Images', 'InstanceTemplates', 'Zones'];
const PACKAGE = ['google', 'cloud', 'compute', 'v1'];

/**
 * gax's REST module as its own module.exports (its `fallback` export), the
 * same under any CommonJS interop: the bundle's default import of it would be
 * its (absent) `default`, a namespace import in Node lists only the names
 * cjs-module-lexer finds.
 */
const gaxFallback: typeof gaxModule = gaxModule.fallback;

type Root = ReturnType<InstanceType<typeof gaxFallback.GrpcClient>['loadProtoJSON']>;
type Descriptors = Parameters<InstanceType<typeof gaxFallback.GrpcClient>['loadProtoJSON']>[0];

/** The pruned root per descriptor set (the clients all pass the same one). */
const roots = new WeakMap<object, Root>();

class ComputeGrpcClient extends gaxFallback.GrpcClient {
  override loadProtoJSON(json: Descriptors, ignoreCache = false): Root {
    let root = roots.get(json);
    if (!root) {
      const pruned = pruneProtos(json as ProtoJson, PACKAGE, SERVICES);
      if (!pruned) return super.loadProtoJSON(json, ignoreCache);
      root = gaxFallback.protobuf.Root.fromJSON(pruned);
      roots.set(json, root);
    }
    return root;
  }
}

/** The second argument of every client's constructor (`gaxInstance`); the clients read `.fallback` in REST mode. */
export const computeGax = { fallback: { ...gaxFallback, GrpcClient: ComputeGrpcClient } } as unknown as typeof gaxFallback;
