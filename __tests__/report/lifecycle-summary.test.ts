/** The lifecycle summary says what happened, not what was planned (src/report/lifecycle-summary.ts). */
import { describe, expect, it } from '@jest/globals';
import type { ImageRecord } from '../../src/images/index.js';
import type { LineDecision } from '../../src/lifecycle/lines.js';
import type { StepFailure } from '../../src/distribute/rules.js';
import {
  doneKey,
  lifecycleHeadline,
  lifecycleMarkdown,
  lifecycleText,
  type AppliedSteps,
  type LifecycleReport,
} from '../../src/report/lifecycle-summary.js';

const record = (id: string, fingerprint: string, channel: ImageRecord['channel']): ImageRecord => ({
  id,
  name: `base-${id}`,
  cloud: 'aws-prod',
  region: 'eu-west-1',
  fingerprint,
  image: 'base',
  os: 'debian12',
  state: 'available',
  channel,
  verified: 'passed',
  createdAt: '2026-01-01T00:00:00.000Z',
  tags: {},
});

const newGold = record('ami-new', 'f-new', 'candidate');
const oldGold = record('ami-old', 'f-old', 'gold');
const surplus = record('ami-older', 'f-older', 'outdated');
/** One line: promote ami-new, mark ami-old outdated, remove ami-older. */
const line: LineDecision = {
  location: { cloud: 'aws-prod', image: 'base', os: 'debian12', regions: ['eu-west-1'], records: [newGold, oldGold, surplus] },
  retired: false,
  current: 'f-new',
  decision: {
    gold: newGold,
    promote: newGold,
    outdated: [oldGold],
    remove: [{ record: surplus, reason: 'beyond-keep' }],
    wouldRemove: [],
    deactivate: [],
    wouldDeactivate: [],
    kept: [],
    held: [],
  },
  usage: {},
};

const nothingApplied: AppliedSteps = { promoted: 0, outdated: 0, removed: 0, done: new Set() };
const report = (extra: Partial<LifecycleReport>): LifecycleReport => ({
  dryRun: false,
  delete: true,
  keep: 1,
  lines: [line],
  failures: [],
  drift: [],
  applied: nothingApplied,
  ...extra,
});
const promotionFailed: StepFailure = {
  cloud: 'aws-prod',
  region: 'eu-west-1',
  name: 'base-ami-new',
  step: 'tag',
  message: 'UnauthorizedOperation: not allowed',
};

describe('lifecycle summary', () => {
  it('counts what was applied: a failed promotion is 0 promotions, and the steps after it are listed as not done', () => {
    const r = report({ failures: [promotionFailed] });
    expect(lifecycleHeadline(r)).toBe('0 promotions, 0 outdated, 0 images removed; 1 line location, 1 failure, 3 planned steps not done');
    const text = lifecycleText(r);
    expect(text).not.toMatch(/Promoted to gold/);
    expect(text).not.toMatch(/Marked outdated/);
    expect(text).toMatch(/Not done:\n/);
    expect(text).toMatch(/promote to gold\s+base-ami-new \(ami-new\)\s+failed \(tag\): see Failures/);
    expect(text).toMatch(/mark outdated\s+base-ami-old \(ami-old\)\s+not tried: an earlier step of this line failed/);
    expect(text).toMatch(/remove\s+base-ami-older \(ami-older\)\s+not tried/);
    expect(text).toMatch(/Failures:\n[\s\S]*base-ami-new\s+tag\s+UnauthorizedOperation: not allowed/);
    expect(lifecycleMarkdown(r)).toMatch(/### Not done\n/);
  });

  it('lists done steps as done and the rest as not done', () => {
    const applied: AppliedSteps = {
      promoted: 1,
      outdated: 1,
      removed: 0,
      done: new Set([doneKey('promote', 'aws-prod', newGold), doneKey('outdated', 'aws-prod', oldGold)]),
    };
    const failure: StepFailure = { ...promotionFailed, name: 'base-ami-older', step: 'remove', message: 'InvalidAMIID.Unavailable' };
    const r = report({ applied, failures: [failure] });
    expect(lifecycleHeadline(r)).toBe('1 promotion, 1 outdated, 0 images removed; 1 line location, 1 failure, 1 planned step not done');
    const text = lifecycleText(r);
    expect(text).toMatch(/Promoted to gold:\n[\s\S]*base-ami-new \(ami-new\)/);
    expect(text).toMatch(/Marked outdated \(deprecated, replacement named\):\n[\s\S]*base-ami-old \(ami-old\)/);
    expect(text).not.toMatch(/\bremoved\s*$/m); // no removal row says "removed"
    expect(text).toMatch(/remove\s+base-ami-older \(ami-older\)\s+failed \(remove\): see Failures/);
  });

  it('a dry run says what would be done, whatever was applied', () => {
    const r = report({ dryRun: true });
    expect(lifecycleHeadline(r)).toBe('dry run, nothing changed: would be 1 promotion, 1 outdated, 1 image removed; 1 line location');
    const text = lifecycleText(r);
    expect(text).toMatch(/Would promote to gold:\n[\s\S]*base-ami-new/);
    expect(text).toMatch(/Would mark outdated \(deprecate, naming the replacement\):\n[\s\S]*base-ami-old/);
    expect(text).toMatch(/base-ami-older \(ami-older\).*would remove/);
    expect(text).not.toMatch(/Not done/);
  });

  it('lists each image held back from gold with its verdict and why, and counts them in the headline', () => {
    const unverified = {
      ...record('ami-unv', 'f-new', 'candidate'),
      verified: 'unverified' as const,
      createdAt: '2026-01-03T00:00:00.000Z',
    };
    const failed = { ...record('ami-bad', 'f-new', 'candidate'), verified: 'failed' as const, createdAt: '2026-01-02T00:00:00.000Z' };
    const held: LineDecision = {
      ...line,
      location: { ...line.location, records: [unverified, failed, oldGold] },
      decision: {
        gold: oldGold,
        outdated: [],
        remove: [],
        wouldRemove: [],
        deactivate: [],
        wouldDeactivate: [],
        kept: [{ record: oldGold, reason: 'gold' }],
        held: [
          { record: unverified, reason: 'unverified' },
          { record: failed, reason: 'failed' },
        ],
      },
    };
    const r = report({ lines: [held], dryRun: true });
    expect(lifecycleHeadline(r)).toBe(
      'dry run, nothing changed: would be 0 promotions, 0 outdated, 0 images removed; 1 line location, 2 images held back from gold',
    );
    const text = lifecycleText(r);
    expect(text).toMatch(
      /Held back \(not promoted\):\n[\s\S]*base-ami-unv \(ami-unv\)\s+2026-01-03T00:00:00.000Z\s+unverified\s+not verified: the verify step did not pass; run verify, or set verify: false on the recipe to opt out/,
    );
    expect(text).toMatch(/base-ami-bad \(ami-bad\)\s+2026-01-02T00:00:00.000Z\s+failed\s+failed verification: never promoted/);
    expect(lifecycleMarkdown(r)).toContain(
      '| aws-prod | eu-west-1 | base | debian12 | base-ami-unv (ami-unv) | 2026-01-03T00:00:00.000Z | unverified | not verified: the verify step did not pass; run verify, or set verify: false on the recipe to opt out |',
    );
    expect(lifecycleText(report({}))).not.toMatch(/Held back/);
  });
});

describe('lifecycle summary of a retired line deactivated first', () => {
  const retiredAt = '2026-06-01T00:00:00.000Z';
  const fresh = { ...record('img-new', 'f-old', 'gold'), image: 'old' };
  const waiting = { ...record('img-wait', 'f-old', 'outdated'), image: 'old', retiredAt };
  const due = { ...record('img-due', 'f-old', 'candidate'), image: 'old', retiredAt: '2026-05-01T00:00:00.000Z' };
  const retiring: LineDecision = {
    location: { cloud: 'os-nrec', image: 'old', os: 'debian12', regions: ['bgo'], records: [fresh, waiting, due] },
    retired: true,
    decision: {
      outdated: [],
      remove: [{ record: due, reason: 'retired' }],
      wouldRemove: [],
      deactivate: [{ record: fresh, deleteAt: '2026-06-22T00:00:00.000Z' }],
      wouldDeactivate: [],
      kept: [{ record: waiting, reason: 'retiring', deleteAt: '2026-06-08T00:00:00.000Z' }],
      held: [],
    },
    usage: {},
  };

  it('lists the images deactivated and kept deactivated, each with when it will be deleted; counts what was done', () => {
    const applied: AppliedSteps = {
      promoted: 0,
      outdated: 0,
      removed: 1,
      deactivated: 1,
      done: new Set([doneKey('deactivate', 'os-nrec', fresh), doneKey('remove', 'os-nrec', due)]),
    };
    const r = report({ lines: [retiring], applied, deleteRetiredAfter: '3w' });
    expect(lifecycleHeadline(r)).toBe('0 promotions, 0 outdated, 1 image removed, 1 retired image deactivated; 1 line location');
    const text = lifecycleText(r);
    expect(text).toMatch(/Retired images: deactivated first, deleted after delete_retired_after \(3w\):\n/);
    expect(text).toMatch(/base-img-new \(img-new\)\s+2026-01-01T00:00:00.000Z\s+deactivated\s+2026-06-22T00:00:00.000Z/);
    expect(text).toMatch(/base-img-wait \(img-wait\)\s+\S+\s+deactivated since 2026-06-01T00:00:00.000Z, kept\s+2026-06-08T00:00:00.000Z/);
    expect(text).toMatch(/base-img-due \(img-due\).*retired\s+removed/);
    expect(lifecycleMarkdown(r)).toContain(
      '| os-nrec | bgo | old | debian12 | base-img-new (img-new) | 2026-01-01T00:00:00.000Z | deactivated | 2026-06-22T00:00:00.000Z |',
    );
  });

  it('a failed deactivation is no deactivation, and is listed as not done', () => {
    const failure: StepFailure = { cloud: 'os-nrec', region: 'eu-west-1', name: fresh.name, step: 'deactivate', message: 'HTTP 403' };
    const r = report({ lines: [retiring], failures: [failure] });
    expect(lifecycleHeadline(r)).toBe('0 promotions, 0 outdated, 0 images removed; 1 line location, 1 failure, 2 planned steps not done');
    const text = lifecycleText(r);
    expect(text).toMatch(/deactivate\s+base-img-new \(img-new\)\s+failed \(deactivate\): see Failures/);
    expect(text).not.toMatch(/\s+deactivated\s+2026-06-22/);
  });

  it('without delete, and in a dry run, says what would be deactivated; never reads as deleted', () => {
    const off: LineDecision = {
      ...retiring,
      decision: {
        ...retiring.decision,
        remove: [],
        deactivate: [],
        wouldRemove: [{ record: due, reason: 'retired' }],
        wouldDeactivate: [{ record: fresh }],
        kept: [{ record: waiting, reason: 'retiring' }],
      },
    };
    const r = report({ lines: [off], delete: false, dryRun: true });
    expect(lifecycleHeadline(r)).toBe(
      'dry run, nothing changed: would be 0 promotions, 0 outdated, 1 image to remove (delete is off: nothing removed), 1 retired image to deactivate; 1 line location',
    );
    const text = lifecycleText(r);
    expect(text).toMatch(/Retired images: deactivated first, deleted after delete_retired_after \(7d\):\n/);
    expect(text).toMatch(/base-img-new \(img-new\)\s+\S+\s+would deactivate with delete: true\s+never/);
    expect(text).toMatch(/base-img-wait \(img-wait\)\s+\S+\s+deactivated since 2026-06-01T00:00:00.000Z, kept\s+never/);
    const dry = lifecycleText(report({ lines: [retiring], dryRun: true }));
    expect(dry).toMatch(/base-img-new \(img-new\)\s+\S+\s+would deactivate\s+2026-06-22T00:00:00.000Z/);
  });
});
