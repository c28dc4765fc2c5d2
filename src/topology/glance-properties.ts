/**
 * The `properties` of an openstack source: standard Glance image properties
 * (Glance "Useful image properties": hw_*, img_*, os_type...), kept apart
 * from the tags this tool writes, and text only, as Glance stores them.
 */
import { z } from 'zod';

/** Image properties a source may set on its Glance images (Glance "Useful image properties"): hw_*, img_*, os_*... as text. */
const GLANCE_PROPERTY = /^(hw_[a-z0-9_]+|img_[a-z0-9_]+|os_type|os_admin_user|hypervisor_type|architecture)$/;
export const glanceProperties = z
  .record(
    z.string(),
    // YAML reads `hw_vif_multiqueue_enabled: 1` as a number: Glance properties are text.
    z.preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), z.string()),
  )
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (GLANCE_PROPERTY.test(key)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `"${key}" at {at} is not an image property this tool sets`,
        params: {
          hint: 'use hw_* (e.g. hw_disk_bus: scsi), img_*, os_type, os_admin_user, hypervisor_type or architecture; os_distro and os_version have their own keys',
          at: 'key',
        },
      });
    }
  });
