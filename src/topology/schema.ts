/**
 * The zod schemas of topology.yml. Every object is strict: an unknown key is
 * an error (a misspelt key would otherwise be silently ignored).
 *
 * Custom messages may hold `{at}`, which the loader replaces with the dotted
 * path of the offending node; `params.hint` says what to write instead and
 * `params.at: 'key'` points the problem at the key rather than its value.
 *
 * Cross-references (extends, image, os, build_region...), provider-specific
 * required fields and file existence are checked afterwards
 * (checks-clouds.ts and checks-recipes.ts), with the same positions.
 */
import { z } from 'zod';
import { PROVIDERS } from './model.js';
import { glanceProperties } from './glance-properties.js';
import { verifySetting } from './verify-setting.js';
import { durationSchema, retiredWindowSchema } from './duration.js';

/** Cloud names go into image names, so they are short lowercase DNS labels. */
export const CLOUD_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** A topology's namespace: the `ib-owner` tag of its images, so label-safe on every cloud. */
export const NAMESPACE = /^[a-z0-9-]{1,40}$/;
/** An AWS account id: exactly 12 digits. */
export const AWS_ACCOUNT = /^\d{12}$/;

/**
 * YAML reads unquoted `12` or `136693071363` as numbers. For fields that are
 * text (ids, SKUs, versions...) an integer is taken as its decimal text.
 */
export function toText(value: unknown): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
}

const text = z.preprocess(toText, z.string().min(1));

/**
 * An AWS account id. Written unquoted, YAML reads it as a number: a 12-digit
 * number is accepted and kept as text; anything shorter (an id with leading
 * zeros loses them unquoted) is refused with a hint to quote it.
 */
const awsAccount = z.preprocess(
  toText,
  z.string().superRefine((value, ctx) => {
    if (AWS_ACCOUNT.test(value)) return;
    ctx.addIssue({
      code: 'custom',
      message: `AWS account id "${value}" at {at} must be exactly 12 digits`,
      params: {
        hint: 'write it in quotes, e.g. account: "012345678901" (unquoted, YAML reads it as a number and drops leading zeros)',
      },
    });
  }),
);

const cloudName = z.string().superRefine((value, ctx) => {
  if (CLOUD_NAME.test(value)) return;
  ctx.addIssue({
    code: 'custom',
    message: `cloud name "${value}" is not valid: it goes into image names`,
    params: {
      hint: 'use 1 to 31 characters: lowercase letters, digits and "-", starting with a letter, e.g. aws-prod',
    },
  });
});

const namespace = z.preprocess(
  toText,
  z.string().superRefine((value, ctx) => {
    if (NAMESPACE.test(value)) return;
    ctx.addIssue({
      code: 'custom',
      message: `namespace "${value}" at {at} is not valid: it is written on every image as the ib-owner tag and label`,
      params: { hint: 'use 1 to 40 characters: lowercase letters, digits and "-", e.g. namespace: acme-images' },
    });
  }),
);

function notEmpty(hint: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (Object.keys(value).length > 0) return;
    ctx.addIssue({ code: 'custom', message: '{at} is empty', params: { hint } });
  };
}

export const buildSettingsSchema = z.strictObject({
  instance_type: text.optional(),
  disk_size_gb: z.int().positive().optional(),
  ssh_username: text.optional(),
});

export const recipeSpecSchema = z.strictObject({
  extends: text.optional(),
  description: z.string().optional(),
  playbooks: z.array(text).optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  verify: verifySetting.optional(),
  build: buildSettingsSchema.optional(),
  /** Rebuild the recipe's images once the newest is older than this (`30d`), even if nothing changed; `never` turns the lifecycle default off. */
  rebuild_after: durationSchema.optional(),
});

export const awsSourceSchema = z
  .strictObject({
    owner: text.optional(),
    name: text.optional(),
    ami: text.optional(),
    ssh_username: text.optional(),
    root_device_name: text.optional(),
  })
  .superRefine((s, ctx) => {
    // EC2 device names (EC2 UG, "Device names for volumes on Amazon EC2 instances").
    if (s.root_device_name !== undefined && !/^\/dev\/[a-z0-9]{2,16}$/.test(s.root_device_name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['root_device_name'],
        message: `root_device_name "${s.root_device_name}" at {at} is not a device name`,
        params: {
          hint: "write the source AMI's root device, e.g. /dev/xvda (Debian) or /dev/sda1 (Ubuntu, RHEL), or leave it out: the build reads it from the AMI",
        },
      });
    }
    const named = s.owner !== undefined || s.name !== undefined;
    if (s.ami !== undefined && named) {
      ctx.addIssue({
        code: 'custom',
        message: 'AWS source at {at} names both "ami" and "owner"/"name"',
        params: { hint: 'keep either ami: ami-0123456789abcdef0, or owner and name' },
      });
    } else if (s.ami === undefined && (s.owner === undefined || s.name === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'AWS source at {at} needs "ami", or both "owner" and "name"',
        params: { hint: 'e.g. aws: { owner: "136693071363", name: "debian-12-amd64-*" }' },
      });
    }
  });

export const gcpSourceSchema = z
  .strictObject({ project: text.optional(), family: text.optional(), image: text.optional(), ssh_username: text.optional() })
  .superRefine((s, ctx) => {
    if (s.image !== undefined && s.family !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'GCP source at {at} names both "image" and "family"',
        params: { hint: 'keep one: family follows the newest image, image pins one' },
      });
    } else if (s.image === undefined && s.family === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'GCP source at {at} needs "family" or "image"',
        params: { hint: 'e.g. gcp: { project: debian-cloud, family: debian-12 }' },
      });
    }
  });

export const azureSourceSchema = z.strictObject({
  publisher: text,
  offer: text,
  sku: text,
  version: text.default('latest'),
  ssh_username: text.optional(),
});

/**
 * A Debian suite or codename, handed to debootstrap (as root) and used as a
 * folder name under the store: a plain lowercase word, so never an option
 * ("--unpack-tarball=…") nor a path ("../x").
 */
export const DEBIAN_SUITE = /^[a-z][a-z0-9-]{0,39}$/;

const suite = z.string().superRefine((value, ctx) => {
  if (DEBIAN_SUITE.test(value)) return;
  ctx.addIssue({
    code: 'custom',
    message: `suite "${value.slice(0, 60)}" at {at} is not a Debian suite name: it is handed to debootstrap and names a folder`,
    params: { hint: 'write a codename or suite: lowercase letters, digits and "-", starting with a letter, e.g. suite: bookworm' },
  });
});

/** The Debian mirror debootstrap reads: an http(s) URL, never an option. */
const mirror = z.string().superRefine((value, ctx) => {
  let url: URL | undefined;
  try {
    url = /^https?:\/\/[^\s]+$/i.test(value) ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return;
  ctx.addIssue({
    code: 'custom',
    message: `mirror "${value.slice(0, 60)}" at {at} is not an http(s) URL: it is handed to debootstrap`,
    params: { hint: 'write the URL of a Debian mirror, e.g. mirror: https://mirror.example.org/debian' },
  });
});

export const localSourceSchema = z
  .strictObject({
    suite: z.preprocess(toText, suite).optional(),
    mirror: z.preprocess(toText, mirror).optional(),
    image: text.optional(),
    ssh_username: text.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.suite !== undefined || s.image !== undefined) return;
    ctx.addIssue({
      code: 'custom',
      message: 'local source at {at} needs "suite" or "image"',
      params: { hint: 'e.g. local: { suite: bookworm } or local: { image: https://example.org/debian-12.qcow2 }' },
    });
  });

/** OpenStack: built here like a local image, then uploaded to Glance with these settings. */
export const openstackSourceSchema = localSourceSchema.safeExtend({
  disk_format: z.enum(['qcow2', 'raw']).optional(),
  os_distro: text.optional(),
  os_version: text.optional(),
  properties: glanceProperties.optional(),
});

export const sourceSpecSchema = z.strictObject({
  aws: awsSourceSchema.optional(),
  gcp: gcpSourceSchema.optional(),
  azure: azureSourceSchema.optional(),
  local: localSourceSchema.optional(),
  openstack: openstackSourceSchema.optional(),
});

export const instanceSchema = z.strictObject({
  name: text,
  image: text,
  os: text,
  count: z.int().positive().default(1),
});

export const regionSchema = z.strictObject({
  instances: z.array(instanceSchema).default([]),
});

export const sharingSchema = z.strictObject({
  accounts: z.array(text).default([]),
  public: z.boolean().default(false),
});

export const cloudSchema = z.strictObject({
  name: cloudName,
  provider: z.enum(PROVIDERS),
  account: awsAccount.optional(),
  project: text.optional(),
  zone: text.optional(),
  subscription: text.optional(),
  resource_group: text.optional(),
  gallery: text.optional(),
  store: text.optional(),
  cloud: text.optional(),
  naming: z.enum(['gold-prefix']).optional(),
  kms_key_id: text.optional(),
  kms_key_ids: z.record(z.string(), text).optional(),
  build_region: text.optional(),
  regions: z.record(z.string(), regionSchema).superRefine(notEmpty('add at least one region, e.g. eu-central-1: { instances: [...] }')),
  share: sharingSchema.default({ accounts: [], public: false }),
});

export const lifecycleSchema = z.strictObject({
  keep: z.int().min(1).default(3),
  retired: z.array(text).default([]),
  /** The default of every recipe's rebuild_after (none: images are rebuilt only when something changed). */
  rebuild_after: durationSchema.optional(),
  /** How long a retired line's images stay deactivated before they are deleted (default 7d; `never`: never deleted). */
  delete_retired_after: retiredWindowSchema.optional(),
});

export const topologySchema = z.strictObject({
  version: z.literal(1),
  /** Who owns the images (default: derived from the repository and the topology's path, see owner.ts). */
  namespace: namespace.optional(),
  /** Clouds whose images without an owner (made before ib-owner existed) this topology takes over. */
  adopt: z.array(text).optional(),
  images: z
    .record(z.string(), recipeSpecSchema)
    .superRefine(notEmpty('add at least one recipe, e.g. base: { playbooks: [builtin:provision.yml] }')),
  sources: z.record(z.string(), sourceSpecSchema),
  clouds: z.array(cloudSchema).min(1),
  lifecycle: lifecycleSchema.default({ keep: 3, retired: [] }),
});

/** The topology as the schema returns it (defaults applied, before `dir`/`file`). */
export type TopologyInput = z.output<typeof topologySchema>;
