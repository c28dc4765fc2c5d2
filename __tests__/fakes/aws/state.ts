/**
 * The EC2 fake's state: per region, AMIs with their EBS snapshots, instances
 * and launch templates, plus helpers to seed them. Plain objects: tests read
 * and change them directly.
 */

export interface FakeImage {
  id: string;
  name: string;
  description?: string;
  ownerId: string;
  ownerAlias?: string;
  /** EC2 image states: pending, available, failed, invalid, error, disabled, ... */
  state: string;
  creationDate: string;
  deprecationTime?: string;
  stateReason?: { code: string; message: string };
  tags: Record<string, string>;
  snapshotIds: string[];
  volumeSizeGb: number;
  /** The root device (DescribeImages rootDeviceName): /dev/xvda on Debian AMIs, /dev/sda1 on Ubuntu and RHEL AMIs. */
  rootDeviceName?: string;
  encrypted: boolean;
  kmsKeyId?: string;
  launchPermission: { userIds: string[]; groups: string[]; public: boolean };
  sourceImageId?: string;
  sourceRegion?: string;
  clientToken?: string;
  /** While pending: DescribeImages answers that still show `pending`. */
  pendingPolls: number;
  /** While pending: not available before this time (ms since epoch). */
  availableAt: number;
  /** What a pending image becomes. */
  outcome: 'available' | 'failed';
  /** Tags the copy's snapshots get when they appear (TagSpecification snapshot). */
  snapshotTags: Record<string, string>;
  /**
   * A new copy's id answers InvalidAMIID.NotFound for this many DescribeImages
   * looks (EC2 API reference "Eventual consistency in the Amazon EC2 API": a
   * new resource id may briefly be reported as not found).
   */
  hiddenPolls?: number;
  /** Why a pending copy ends `failed` (e.g. a KMS key of another region). */
  failReason?: { code: string; message: string };
  /** A `deregistered` image stays listed for this many more DescribeImages looks. */
  deregisteredPolls?: number;
}

export interface FakeSnapshot {
  id: string;
  sizeGb: number;
  encrypted: boolean;
  kmsKeyId?: string;
  tags: Record<string, string>;
  createVolumePermission: string[];
}

export interface FakeInstance {
  id: string;
  imageId: string;
  /** pending | running | stopping | stopped | shutting-down | terminated */
  state: string;
  launchTime: string;
  tags: Record<string, string>;
}

export interface FakeVersion {
  number: number;
  imageId?: string;
  createTime: string;
}

export interface FakeLaunchTemplate {
  id: string;
  name: string;
  createTime: string;
  defaultVersion: number;
  /** versions[i].number === i + 1; the last one is $Latest. */
  versions: FakeVersion[];
}

export class FakeRegion {
  /**
   * Block public access for AMIs: on (`block-new-sharing`) by default for new
   * accounts (EC2 user guide "Understand block public access for AMIs").
   */
  imageBlockPublicAccess: 'block-new-sharing' | 'unblocked' = 'block-new-sharing';
  /** GetEbsDefaultKmsKeyId's answer: `alias/aws/ebs` until the account sets a customer managed key. */
  ebsDefaultKmsKeyId = 'alias/aws/ebs';
  /** SSM parameters (name -> AMI id), seen by DescribeImageReferences as ssm:Parameter. */
  readonly ssmParameters = new Map<string, string>();
  readonly images = new Map<string, FakeImage>();
  /** Deregistered AMIs DescribeImages still lists for a while (see actions-more.ts `listed`). */
  readonly deregistered = new Map<string, FakeImage>();
  readonly snapshots = new Map<string, FakeSnapshot>();
  readonly instances = new Map<string, FakeInstance>();
  readonly launchTemplates = new Map<string, FakeLaunchTemplate>();
  constructor(readonly name: string) {}
}

export interface SeedImage {
  region: string;
  name: string;
  tags?: Record<string, string>;
  state?: string;
  creationDate?: string | Date;
  deprecationTime?: string | Date;
  ownerId?: string;
  rootDeviceName?: string;
  /** EBS volumes, one snapshot each (default 1). */
  volumes?: number;
  encrypted?: boolean;
  description?: string;
  /** A seeded `pending` image stays pending for this many DescribeImages answers (default: for ever). */
  pendingPolls?: number;
  /** The KMS key of an encrypted image's snapshots (default: the region's AWS managed aws/ebs key). */
  kmsKeyId?: string;
}

/**
 * The ARN of a region's AWS managed `aws/ebs` key in the fake. Real EC2 uses
 * it when no key is named and the account default was not changed
 * (GetEbsDefaultKmsKeyId answers `alias/aws/ebs`, SDK model
 * GetEbsDefaultKmsKeyIdResult.KmsKeyId).
 */
export function awsEbsKeyArn(region: string, account: string): string {
  return `arn:aws:kms:${region}:${account}:key/00000000-0000-4000-8000-0000000ae8b5`;
}

export class Ec2FakeState {
  readonly regions = new Map<string, FakeRegion>();
  /** Block public access for AMIs in each new region (see FakeRegion). */
  imageBlockPublicAccess: 'block-new-sharing' | 'unblocked' = 'block-new-sharing';
  private serial = 0;

  constructor(
    readonly account: string,
    private readonly now: () => Date,
  ) {}

  region(name: string): FakeRegion {
    let region = this.regions.get(name);
    if (!region) {
      region = new FakeRegion(name);
      region.imageBlockPublicAccess = this.imageBlockPublicAccess;
      this.regions.set(name, region);
    }
    return region;
  }

  /** EC2-shaped ids: prefix, dash, 17 hex digits, unique across the fake. */
  newId(prefix: string): string {
    this.serial += 1;
    return `${prefix}-${this.serial.toString(16).padStart(17, '0')}`;
  }

  newSnapshot(region: string, sizeGb: number, encrypted: boolean, tags: Record<string, string>, kmsKeyId?: string): FakeSnapshot {
    const snapshot: FakeSnapshot = {
      id: this.newId('snap'),
      sizeGb,
      encrypted,
      kmsKeyId,
      tags: { ...tags },
      createVolumePermission: [],
    };
    this.region(region).snapshots.set(snapshot.id, snapshot);
    return snapshot;
  }

  seedImage(seed: SeedImage): FakeImage {
    const state = seed.state ?? 'available';
    const image: FakeImage = {
      id: this.newId('ami'),
      name: seed.name,
      description: seed.description,
      ownerId: seed.ownerId ?? this.account,
      state,
      creationDate: iso(seed.creationDate ?? this.now()),
      deprecationTime: seed.deprecationTime === undefined ? undefined : iso(seed.deprecationTime),
      tags: { ...(seed.tags ?? {}) },
      snapshotIds: [],
      volumeSizeGb: 8,
      rootDeviceName: seed.rootDeviceName,
      encrypted: seed.encrypted ?? false,
      kmsKeyId: seed.encrypted ? (seed.kmsKeyId ?? awsEbsKeyArn(seed.region, this.account)) : undefined,
      launchPermission: { userIds: [], groups: [], public: false },
      pendingPolls: seed.pendingPolls ?? Infinity,
      availableAt: 0,
      outcome: 'available',
      snapshotTags: {},
    };
    for (let i = 0; i < (seed.volumes ?? 1); i++) {
      image.snapshotIds.push(this.newSnapshot(seed.region, image.volumeSizeGb, image.encrypted, {}, image.kmsKeyId).id);
    }
    this.region(seed.region).images.set(image.id, image);
    return image;
  }

  /**
   * Publishes an upstream AMI, as a distribution does (Debian's account
   * 136693071363 publishes `debian-12-amd64-<date>-<build>` every few weeks):
   * owned by that account, public, available. A test publishes a newer one
   * to move the source of `owner` + `name`.
   */
  publishUpstream(seed: {
    region: string;
    ownerId: string;
    name: string;
    creationDate: string | Date;
    deprecationTime?: string | Date;
  }): FakeImage {
    const image = this.seedImage({ ...seed, rootDeviceName: '/dev/xvda' });
    image.launchPermission.public = true;
    return image;
  }

  seedInstance(seed: { region: string; imageId: string; state?: string; tags?: Record<string, string> }): FakeInstance {
    const instance: FakeInstance = {
      id: this.newId('i'),
      imageId: seed.imageId,
      state: seed.state ?? 'running',
      launchTime: this.now().toISOString(),
      tags: { ...(seed.tags ?? {}) },
    };
    this.region(seed.region).instances.set(instance.id, instance);
    return instance;
  }

  /** A launch template whose versions launch these images, in order (last = $Latest). */
  seedLaunchTemplate(seed: {
    region: string;
    name: string;
    imageIds: (string | undefined)[];
    defaultVersion?: number;
  }): FakeLaunchTemplate {
    const createTime = this.now().toISOString();
    const template: FakeLaunchTemplate = {
      id: this.newId('lt'),
      name: seed.name,
      createTime,
      defaultVersion: seed.defaultVersion ?? 1,
      versions: seed.imageIds.map((imageId, i) => ({ number: i + 1, imageId, createTime })),
    };
    this.region(seed.region).launchTemplates.set(template.id, template);
    return template;
  }

  /** The image, in whichever region holds it. */
  findImage(id: string): { region: FakeRegion; image: FakeImage } | undefined {
    for (const region of this.regions.values()) {
      const image = region.images.get(id);
      if (image) return { region, image };
    }
    return undefined;
  }

  /** Pending images advance on each look: after their polls and time, they settle. */
  observe(region: string, image: FakeImage): void {
    if (image.state !== 'pending') return;
    if (image.pendingPolls > 0 || this.now().getTime() < image.availableAt) {
      image.pendingPolls -= 1;
      return;
    }
    if (image.outcome === 'failed') {
      image.state = 'failed';
      image.stateReason = image.failReason ?? {
        code: 'Client.InternalError',
        message: 'Client.InternalError: copy failed (injected by the fake)',
      };
      return;
    }
    image.state = 'available';
    for (let i = 0; i < Math.max(1, image.snapshotIds.length); i++) {
      const snap = this.newSnapshot(region, image.volumeSizeGb, image.encrypted, image.snapshotTags, image.kmsKeyId);
      image.snapshotIds[i] = snap.id;
    }
  }
}

function iso(value: string | Date): string {
  return (typeof value === 'string' ? new Date(value) : value).toISOString();
}
