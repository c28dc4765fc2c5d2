/**
 * State of the Azure fake: galleries, image definitions and versions with
 * per-region replication, managed images, VMs and scale sets, long-running
 * operations. Plain data plus the ARM JSON shapes the SDK reads.
 */

export type ReplicationState = 'Replicating' | 'Completed' | 'Failed';
export type Phase = 'Creating' | 'Updating' | 'Succeeded' | 'Failed' | 'Deleting';

export interface FakeTargetRegion {
  name: string;
  state: ReplicationState;
  /** Observations (GETs of the version, polls of its operation) left before it completes. */
  remaining: number;
  /** And not before this time (ms since epoch). */
  readyAt: number;
  details?: string;
  /** Replication ends Failed with these details instead of Completed. */
  failWith?: string;
  regionalReplicaCount?: number;
  storageAccountType?: string;
  encryption?: unknown;
  excludeFromLatest?: boolean;
}

export interface FakeVersion {
  name: string;
  location: string;
  tags: Record<string, string>;
  phase: Phase;
  /** Observations left for a non-replication change (tags, deprecation). */
  busy: number;
  regions: FakeTargetRegion[];
  replicaCount?: number;
  excludeFromLatest?: boolean;
  endOfLifeDate?: string;
  publishedDate: string;
  storageProfile: Record<string, unknown>;
}

export interface FakeDefinition {
  name: string;
  location: string;
  tags: Record<string, string>;
  properties: Record<string, unknown>;
  versions: Map<string, FakeVersion>;
}

export interface FakeGallery {
  name: string;
  location: string;
  permissions: 'Private' | 'Groups' | 'Community';
  groups: { type: string; ids: string[] }[];
  definitions: Map<string, FakeDefinition>;
}

export interface FakeManagedImage {
  name: string;
  location: string;
  tags: Record<string, string>;
  provisioningState: string;
}

/** A VM or scale set: what inUse looks at. */
export interface FakeConsumer {
  name: string;
  resourceGroup: string;
  location: string;
  imageReference: { id?: string; exactVersion?: string };
}

export type OperationStatus = 'InProgress' | 'Succeeded' | { code: string; message: string };

export interface FakeOperation {
  id: string;
  /** Called on every poll; answers the status. */
  poll: () => OperationStatus;
}

export interface FakeAzureState {
  subscription: string;
  resourceGroup: string;
  galleries: Map<string, FakeGallery>;
  images: Map<string, FakeManagedImage>;
  vms: FakeConsumer[];
  scaleSets: FakeConsumer[];
  operations: Map<string, FakeOperation>;
}

export const key = (name: string): string => name.toLowerCase();

export function rgPath(state: FakeAzureState): string {
  return `/subscriptions/${state.subscription}/resourceGroups/${state.resourceGroup}/providers/Microsoft.Compute`;
}

/** Advances replication and pending changes of a version by one observation. */
export function observe(version: FakeVersion, now: number): void {
  if (version.busy > 0) version.busy--;
  for (const region of version.regions) {
    if (region.state !== 'Replicating') continue;
    if (region.remaining > 0) region.remaining--;
    if (region.remaining > 0 || now < region.readyAt) continue;
    region.state = region.failWith ? 'Failed' : 'Completed';
    if (region.failWith) region.details = region.failWith;
  }
  settle(version);
}

export function settle(version: FakeVersion): void {
  if (version.phase !== 'Creating' && version.phase !== 'Updating') return;
  if (version.busy > 0 || version.regions.some((r) => r.state === 'Replicating')) return;
  version.phase = version.regions.some((r) => r.state === 'Failed') ? 'Failed' : 'Succeeded';
}

/**
 * What `.../images/{definition}/versions/latest` resolves to in `region`: the highest version
 * number that is not excluded from latest, where a target region's own excludeFromLatest
 * overrides the version's (ARM reference, GalleryImageVersionPublishingProfile.excludeFromLatest:
 * "If set to true, Virtual Machines deployed from the latest version of the Image Definition won't
 * use this Image Version"; TargetRegion.excludeFromLatest: the same, per region).
 */
export function latestVersion(def: FakeDefinition, region: string): FakeVersion | undefined {
  const at = key(region).replace(/\s+/g, '');
  const parts = (v: FakeVersion) => v.name.split('.').map(Number);
  return [...def.versions.values()]
    .filter((v) => {
      const target = v.regions.find((r) => key(r.name).replace(/\s+/g, '') === at);
      return target !== undefined && !(target.excludeFromLatest ?? v.excludeFromLatest ?? false);
    })
    .sort((x, y) => {
      const [a, b] = [parts(x), parts(y)];
      for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (b[i] ?? 0) - (a[i] ?? 0);
      return 0;
    })[0];
}

export function isBusy(version: FakeVersion): boolean {
  return version.phase === 'Creating' || version.phase === 'Updating' || version.phase === 'Deleting';
}

/**
 * ARM answers with region display names ("West Europe") in a version's
 * targetRegions and replicationStatus, whatever spelling the request used
 * (hashicorp/packer#8895 shows both; the cloud audit saw "West Europe" come
 * back for "westeurope"). Names not in this table are echoed as sent.
 */
const DISPLAY_NAMES: Record<string, string> = {
  westeurope: 'West Europe',
  northeurope: 'North Europe',
  eastus: 'East US',
  eastus2: 'East US 2',
  westus2: 'West US 2',
  uksouth: 'UK South',
  germanywestcentral: 'Germany West Central',
  swedencentral: 'Sweden Central',
};
export const displayName = (region: string): string => DISPLAY_NAMES[key(region).replace(/\s+/g, '')] ?? region;

export function versionJson(state: FakeAzureState, gallery: FakeGallery, def: FakeDefinition, v: FakeVersion, expand: boolean) {
  const replicating = v.regions.some((r) => r.state === 'Replicating');
  const failed = v.regions.some((r) => r.state === 'Failed');
  return {
    id: `${rgPath(state)}/galleries/${gallery.name}/images/${def.name}/versions/${v.name}`,
    name: v.name,
    type: 'Microsoft.Compute/galleries/images/versions',
    location: v.location,
    tags: v.tags,
    properties: {
      publishingProfile: {
        targetRegions: v.regions.map((r) => ({
          name: displayName(r.name),
          regionalReplicaCount: r.regionalReplicaCount ?? 1,
          storageAccountType: r.storageAccountType ?? 'Standard_LRS',
          ...(r.encryption ? { encryption: r.encryption } : {}),
          ...(r.excludeFromLatest !== undefined ? { excludeFromLatest: r.excludeFromLatest } : {}),
        })),
        replicaCount: v.replicaCount ?? 1,
        excludeFromLatest: v.excludeFromLatest ?? false,
        publishedDate: v.publishedDate,
        ...(v.endOfLifeDate ? { endOfLifeDate: v.endOfLifeDate } : {}),
        storageAccountType: 'Standard_LRS',
      },
      storageProfile: v.storageProfile,
      provisioningState: v.phase,
      ...(expand
        ? {
            replicationStatus: {
              aggregatedState: failed ? 'Failed' : replicating ? 'InProgress' : 'Completed',
              summary: v.regions.map((r) => ({
                region: displayName(r.name),
                state: r.state,
                details: r.details ?? '',
                progress: r.state === 'Completed' ? 100 : 0,
              })),
            },
          }
        : {}),
    },
  };
}

export function definitionJson(state: FakeAzureState, gallery: FakeGallery, def: FakeDefinition) {
  return {
    id: `${rgPath(state)}/galleries/${gallery.name}/images/${def.name}`,
    name: def.name,
    type: 'Microsoft.Compute/galleries/images',
    location: def.location,
    tags: def.tags,
    properties: { provisioningState: 'Succeeded', ...def.properties },
  };
}

export function galleryJson(state: FakeAzureState, gallery: FakeGallery, expandGroups: boolean) {
  return {
    id: `${rgPath(state)}/galleries/${gallery.name}`,
    name: gallery.name,
    type: 'Microsoft.Compute/galleries',
    location: gallery.location,
    properties: {
      identifier: { uniqueName: `${state.subscription}-${gallery.name.toUpperCase()}` },
      provisioningState: 'Succeeded',
      sharingProfile: { permissions: gallery.permissions, ...(expandGroups ? { groups: gallery.groups } : {}) },
    },
  };
}

export function imageJson(state: FakeAzureState, image: FakeManagedImage) {
  return {
    id: `${rgPath(state)}/images/${image.name}`,
    name: image.name,
    type: 'Microsoft.Compute/images',
    location: image.location,
    tags: image.tags,
    properties: { provisioningState: image.provisioningState, storageProfile: { osDisk: { osType: 'Linux', osState: 'Generalized' } } },
  };
}

export function vmJson(state: FakeAzureState, vm: FakeConsumer) {
  return {
    id: `/subscriptions/${state.subscription}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm.name}`,
    name: vm.name,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    properties: { storageProfile: { imageReference: vm.imageReference }, provisioningState: 'Succeeded' },
  };
}

export function scaleSetJson(state: FakeAzureState, vmss: FakeConsumer) {
  return {
    id: `/subscriptions/${state.subscription}/resourceGroups/${vmss.resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss.name}`,
    name: vmss.name,
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: vmss.location,
    properties: { virtualMachineProfile: { storageProfile: { imageReference: vmss.imageReference } }, provisioningState: 'Succeeded' },
  };
}
