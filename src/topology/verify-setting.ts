/**
 * A recipe's `verify`: the path of its verify playbook, or `false` to build
 * its images without verifying them (they are then distributed and promoted
 * unverified). Left out, the bundled verify playbook runs. Path rules
 * (inside the repository, `builtin:`) are checked with the playbooks'.
 */
import { z } from 'zod';
import { describeValue } from './issues.js';

export const verifySetting = z.preprocess(
  // An unquoted number is taken as its text, as for every other text field (schema.ts toText).
  (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value),
  z.custom<string | false>().superRefine((value, ctx) => {
    if (value === false || (typeof value === 'string' && value.length > 0)) return;
    ctx.addIssue({
      code: 'custom',
      message: `{at} must be the path of a verify playbook or false, not ${value === '' ? 'empty' : describeValue(value)}`,
      params: {
        hint: 'leave verify out to run the bundled verify playbook, name your own (e.g. verify: playbooks/verify.yml), or write verify: false to skip verification',
      },
    });
  }),
);
