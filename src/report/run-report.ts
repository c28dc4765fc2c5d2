/**
 * The report of one `image-builder run`, for monitoring (`--report FILE`):
 * the run's stages, and per image its stages, durations, verdict and ids.
 * The schema below is the contract; docs/run-report.md describes every
 * field, and a test holds the two together. Also the stage-time summary a
 * run prints at its end.
 */
import { z } from 'zod';
import { formatDuration } from './progress.js';
import { textTable, type Row } from './table.js';

export const STAGE_STATUSES = ['done', 'failed', 'skipped', 'interrupted'] as const;
export const RUN_STAGES = ['plan', 'build', 'verify', 'distribute', 'lifecycle', 'plan again'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];
export type RunStageName = (typeof RUN_STAGES)[number];

const time = z.iso.datetime();
const seconds = z.number().nonnegative();

const PlanCounts = z.strictObject({
  builds: z.number().int().nonnegative(),
  copies: z.number().int().nonnegative(),
  retirements: z.number().int().nonnegative(),
  images: z.number().int().nonnegative(),
});

const RunStage = z.strictObject({
  name: z.enum(RUN_STAGES),
  status: z.enum(STAGE_STATUSES),
  startedAt: time.optional(),
  durationSeconds: seconds.optional(),
  /** One line: what the stage did ("2 builds, 1 copy, 0 retirements for 2 images"). */
  detail: z.string().optional(),
  /** Counts for dashboards: copied, failed, promoted, outdated, removed... */
  counts: z.record(z.string(), z.number().int().nonnegative()).optional(),
  error: z.string().optional(),
});

const ImageStage = z.strictObject({
  name: z.enum(['build', 'verify']),
  status: z.enum(STAGE_STATUSES),
  startedAt: time.optional(),
  durationSeconds: seconds.optional(),
  /** The same stage's duration in the last run of this line, the estimate shown while it ran. */
  estimateSeconds: seconds.optional(),
  error: z.string().optional(),
});

const RunImage = z.strictObject({
  cloud: z.string(),
  provider: z.string(),
  image: z.string(),
  os: z.string(),
  fingerprint: z.string(),
  /** Where it is built, and every region that needs it. */
  buildRegion: z.string(),
  regions: z.array(z.string()),
  /** What this run had to do: build and verify it, only verify it (built by an earlier run), or nothing. */
  action: z.enum(['build', 'verify', 'none']),
  stages: z.array(ImageStage),
  /** The verdict in the newest build result of this fingerprint (results folder), null when there is none. */
  verdict: z.enum(['passed', 'failed', 'unverified']).nullable(),
  /** That result's image: its name and its id in the build region. */
  name: z.string().nullable(),
  imageId: z.string().nullable(),
  /** That result's file. */
  resultFile: z.string().nullable(),
});

export const RunReportSchema = z.strictObject({
  version: z.literal(1),
  /** The image-builder version. */
  tool: z.string(),
  topology: z.string(),
  startedAt: time,
  finishedAt: time,
  durationSeconds: seconds,
  outcome: z.enum(['succeeded', 'failed', 'interrupted']),
  /** The process's exit code: 0, 1 (a failure), 130 (SIGINT) or 143 (SIGTERM). */
  exitCode: z.number().int(),
  options: z.strictObject({
    dryRun: z.boolean(),
    delete: z.boolean(),
    parallel: z.number().int().positive(),
    clouds: z.array(z.string()),
    images: z.array(z.string()),
  }),
  /** QEMU's accelerator when images were built or verified on this host (kvm, or tcg: software emulation), else null. */
  accelerator: z.string().nullable(),
  /** Where the plan, the last plan, the results and the full log are. */
  files: z.strictObject({
    plan: z.string(),
    planAfter: z.string().nullable(),
    results: z.string(),
    log: z.string(),
  }),
  stages: z.array(RunStage),
  images: z.array(RunImage),
  /** The first plan and the last one (null when it did not run). */
  plan: PlanCounts.nullable(),
  planAfter: PlanCounts.nullable(),
  errors: z.array(z.string()),
});

export type RunReport = z.infer<typeof RunReportSchema>;
export type RunStageReport = z.infer<typeof RunStage>;
export type RunImageReport = z.infer<typeof RunImage>;
export type ImageStageReport = z.infer<typeof ImageStage>;
export type PlanCountsReport = z.infer<typeof PlanCounts>;

const took = (s?: number) => (s === undefined ? '-' : formatDuration(s * 1000));

/** The stage-time summary printed at the end of a run. */
export function stageTimesText(report: RunReport): string {
  const rows: Row[] = [];
  for (const stage of report.stages) {
    if (stage.name === 'build' || stage.name === 'verify') {
      const done = report.images.flatMap((i) => i.stages.filter((s) => s.name === stage.name).map((s) => ({ image: i, s })));
      const each = done.map(
        ({ image, s }) => `${image.cloud}/${image.image}/${image.os} ${s.status === 'done' ? took(s.durationSeconds) : s.status}`,
      );
      rows.push([stage.name, stage.status, took(stage.durationSeconds), each.join(', ') || stage.detail || '-']);
    } else {
      rows.push([stage.name, stage.status, took(stage.durationSeconds), stage.error ? stage.error.split('\n')[0] : (stage.detail ?? '-')]);
    }
  }
  rows.push(['total', report.outcome, took(report.durationSeconds), '']);
  return `Stage times:\n${textTable(['stage', 'status', 'time', 'detail'], rows)}`;
}

/** The build or verify stage of the run: the images' stages of that name together. */
export function imageStage(name: 'build' | 'verify', report: RunReport): RunStageReport {
  const all = report.images.flatMap((i) => i.stages.filter((s) => s.name === name));
  if (all.length === 0) return { name, status: 'skipped', detail: `nothing to ${name}` };
  const status = all.some((s) => s.status === 'failed')
    ? 'failed'
    : all.some((s) => s.status === 'interrupted')
      ? 'interrupted'
      : all.every((s) => s.status === 'skipped')
        ? 'skipped'
        : 'done';
  const times = all.filter((s) => s.startedAt).map((s) => s.startedAt as string);
  const ok = all.filter((s) => s.status === 'done').length;
  return {
    name,
    status,
    ...(times.length > 0 ? { startedAt: times.sort()[0] } : {}),
    durationSeconds: Math.round(all.reduce((sum, s) => sum + (s.durationSeconds ?? 0), 0) * 10) / 10,
    detail: `${ok} of ${all.length} ${name === 'build' ? 'built' : 'verified'}`,
  };
}

/** The run's last line: how it ended, and what to do next. */
export function closingLine(report: RunReport, signal?: string): string {
  const took = formatDuration(report.durationSeconds * 1000);
  if (report.outcome === 'interrupted') {
    const built = report.images.filter((i) => i.stages.some((s) => s.name === 'build' && s.status === 'done'));
    const verified = report.images.filter((i) => i.stages.some((s) => s.name === 'verify' && s.status === 'done'));
    const cut = report.images.filter((i) => i.stages.some((s) => s.status === 'interrupted'));
    const list = (xs: typeof built) => xs.map((i) => `${i.cloud}/${i.image}/${i.os}`).join(', ');
    return (
      `interrupted (${signal}) after ${took}. Kept: ${built.length ? `built ${list(built)}` : 'no new image'}` +
      `${verified.length ? `; verified ${list(verified)}` : ''}, and the results in ${report.files.results}.` +
      `${cut.length ? ` Stopped: ${list(cut)} (its machine was torn down; it starts again next time).` : ''}` +
      ' Run the same command to continue: nothing finished is done again.'
    );
  }
  if (report.outcome === 'failed') {
    const n = report.errors.length + report.stages.filter((s) => s.status === 'failed').length;
    return `run failed after ${took} (${n} problem${n === 1 ? '' : 's'}, above). What finished is kept: fix the cause and run again.`;
  }
  const last = report.stages.find((s) => s.name === 'plan again');
  return `run done in ${took}${last?.detail ? `; the last plan: ${last.detail}` : ''}`;
}
