/**
 * When an image was built, and which build a record belongs to.
 *
 * A build's time is its `ib-built-at` tag (copies carry it, while a copy's
 * own creation time is when it was copied), else the record's creation time.
 * GCP keeps labels lowercase with `:` and `.` turned into `-`
 * (providers/gcp/labels.ts), so `2024-05-01t12-00-00-000z` is read too.
 *
 * A build is one name: every build names its image with its start time and
 * copies keep the name (plan/naming.ts), so records of one name in several
 * regions are one build.
 */
import { TAGS, type ImageRecord } from '../images/index.js';

const LABEL_TIME = /^(\d{4}-\d{2}-\d{2})t(\d{2})-(\d{2})-(\d{2})(?:-(\d{1,3}))?z$/;

/** Milliseconds of an ISO 8601 time, or of its GCP-label form; undefined for anything else. */
export function tagTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const label = LABEL_TIME.exec(value);
  const iso = label ? `${label[1]}T${label[2]}:${label[3]}:${label[4]}${label[5] ? `.${label[5]}` : ''}Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The build time of a record (see the module comment); undefined when neither time can be read. */
export function builtTime(record: Pick<ImageRecord, 'tags' | 'createdAt'>): number | undefined {
  return tagTime(record.tags[TAGS.builtAt]) ?? tagTime(record.createdAt);
}

/**
 * builtTime, worked out once per record: a pass over an inventory compares
 * each record with the newest so far, so without it every comparison reads
 * both records' times again.
 */
export function builtTimes(): (record: ImageRecord) => number | undefined {
  const known = new Map<ImageRecord, number | undefined>();
  return (record) => {
    if (known.has(record)) return known.get(record);
    const time = builtTime(record);
    known.set(record, time);
    return time;
  };
}

/** The newer build first: by build time (an unreadable one is older than any), then by name. `time`: builtTime, or builtTimes() for a pass. */
export function newerBuild(a: ImageRecord, b: ImageRecord, time: (record: ImageRecord) => number | undefined = builtTime): boolean {
  const [ta, tb] = [time(a) ?? -Infinity, time(b) ?? -Infinity];
  return ta !== tb ? ta > tb : a.name > b.name;
}

/** An ISO date (yyyy-mm-dd) of a time, for reasons; `unknown date` without one. */
export function day(ms: number | undefined): string {
  return ms === undefined ? 'unknown date' : new Date(ms).toISOString().slice(0, 10);
}

/** A line of one cloud: its recipe and os. */
export const lineKey = (image: string, os: string): string => `${image}\u0000${os}`;

/** Per line (lineKey), a record of its newest build, whatever its fingerprint; failed images left out. */
export function newestOfLines(regions: Record<string, ImageRecord[]>): Map<string, ImageRecord> {
  const newest = new Map<string, ImageRecord>();
  const time = builtTimes();
  for (const records of Object.values(regions)) {
    for (const r of records) {
      if (r.state === 'failed') continue;
      const key = lineKey(r.image, r.os);
      const held = newest.get(key);
      if (!held || newerBuild(r, held, time)) newest.set(key, r);
    }
  }
  return newest;
}
