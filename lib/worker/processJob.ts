import 'server-only';
import { hostname } from 'node:os';
import { appUrl, env } from '@/lib/env';
import { ExportError, LeaseLost } from '@/lib/exports/errors';
import { claimJobs, completeJob, failJob, heartbeat, reapExpired, recordStoredFiles, releaseJob } from '@/lib/exports/workerQueue';
import { workerSettings } from '@/lib/worker/settings';
import { log, type Logger } from '@/lib/log';
import { recordMetricInBackground } from '@/lib/metrics';
import { BrowserPool } from '@/lib/rendering/browser';
import { RenderCancelledError, WORKER_FAILURES } from '@/lib/rendering/errors';
import { OUTPUT_FORMATS } from '@/lib/rendering/formats';
import { renderPoster, type RenderedPoster } from '@/lib/rendering/renderPoster';
import { rendererUrl } from '@/lib/rendering/rendererUrl';
import { sharedBrowserPool } from '@/lib/rendering/sharedPool';
import { exportObjectPaths, getStorage, StorageError } from '@/lib/storage';
import { deliverDueWebhooksQuietly } from '@/lib/worker/deliverWebhooks';
import { mapViewForOutput, posterPixelSize } from '@/lib/poster/geometry';
import { SIZE_PRESETS } from '@/lib/poster/presets';
import type { ClaimedJob } from '@/types/exports';
import { InvalidPosterError, parsePosterConfig } from '@/types/poster';

/**
 * The worker tick: reap expired leases, then claim and process jobs one at a
 * time while the time budget allows. The cron route, the kick after an
 * enqueue and `npm run worker` all call this same function. The queue (SQL)
 * decides every transition; this only renders, stores and reports.
 */

export type TickOptions = {
  /** Stop claiming once less than a job's expected time is left of this budget. */
  budgetMs: number;
  workerId?: string;
  maxJobs?: number;
  /** Aborting finishes nothing more: the current job is stopped at its next step and handed back. */
  signal?: AbortSignal;
};

export type JobOutcome = 'succeeded' | 'retrying' | 'failed' | 'cancelled' | 'released' | 'lease_lost';
export type TickReport = { reaped: number; processed: { id: string; outcome: JobOutcome; ms: number }[] };

/** The warm browser of this process, shared by every tick. */
export function browserPool(): BrowserPool {
  return sharedBrowserPool(() => new BrowserPool({
    executablePath: env().CHROMIUM_PATH,
    recycleAfterJobs: workerSettings().recycleAfterJobs,
    onRestart: (reason) => {
      log().info({ event: 'browser_restart', reason }, `browser replaced (${reason})`);
      recordMetricInBackground('carto_browser_restarts_total', { reason });
    },
  }));
}

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

export async function tick(options: TickOptions): Promise<TickReport> {
  const started = Date.now();
  const settings = workerSettings();
  const workerId = options.workerId ?? defaultWorkerId();
  const reaped = await reapExpired();
  if (reaped.length) log().warn({ event: 'reaped', workerId, jobs: reaped.map((j) => ({ jobId: j.id, attempt: j.attempts, status: j.status })) }, `returned ${reaped.length} job(s) with expired leases`);
  const report: TickReport = { reaped: reaped.length, processed: [] };
  // Webhooks due from earlier (retries, cancels through the API, jobs the reap just ended).
  await deliverDueWebhooksQuietly();
  while (!options.signal?.aborted && report.processed.length < (options.maxJobs ?? Infinity)) {
    if (started + options.budgetMs - Date.now() < settings.minJobBudgetMs) break;
    const [job] = await claimJobs(workerId, 1, settings.leaseSeconds);
    if (!job) break;
    const t = Date.now();
    const outcome = await processJob(job, options.signal);
    report.processed.push({ id: job.id, outcome, ms: Date.now() - t });
    // The job's own webhook, if it just ended, goes out now rather than at the next tick.
    await deliverDueWebhooksQuietly();
  }
  log()[report.processed.length || report.reaped ? 'info' : 'debug']({ event: 'tick', workerId, reaped: report.reaped, processed: report.processed.length, ms: Date.now() - started }, 'worker tick done');
  return report;
}

/** One attempt of one job, ending in exactly one queue transition (or none, if the lease was lost). */
export async function processJob(job: ClaimedJob, signal?: AbortSignal): Promise<JobOutcome> {
  const settings = workerSettings();
  const jobLog = log().child({ jobId: job.id, attempt: job.attempts, workerId: job.lockedBy });
  const claimedAt = Date.now();
  let stageStarted = claimedAt;
  jobLog.info({ event: 'claimed', size: job.request.size, format: job.request.format, maxAttempts: job.maxAttempts }, 'export claimed');
  let cancelRequested = false;
  let progress = 0;
  let stage = 'starting';
  const logStage = (next: string) => {
    if (next === stage) return;
    const now = Date.now();
    jobLog.info({ event: 'stage', stage: next, previousStage: stage, previousStageMs: now - stageStarted }, `stage: ${next}`);
    stageStarted = now;
  };
  const beat = async () => {
    const r = await heartbeat(job.id, job.leaseToken, progress, stage);
    cancelRequested ||= r.cancelRequested;
  };
  // Renews the lease during long steps that report no progress (a big encode).
  let beatError: unknown;
  const timer = setInterval(() => beat().catch((e) => (beatError = e)), settings.heartbeatMs);
  let rendered: RenderedPoster | undefined;
  try {
    const poster = parsePosterConfig(job.request.poster);
    const size = posterPixelSize(poster.format, job.request.size);
    const view = mapViewForOutput(poster, size);
    await beat();
    rendered = await renderPoster(
      browserPool(),
      {
        url: rendererUrl(appUrl(), poster),
        format: job.request.format,
        width: size.width,
        height: size.height,
        pixelRatio: view.pixelRatio,
        dpi: SIZE_PRESETS[job.request.size].dpi,
        title: poster.text.title,
      },
      {
        signal,
        shouldStop: () => cancelRequested || beatError !== undefined,
        onProgress: async (p) => {
          progress = Math.min(90, Math.round(p.fraction * 90));
          logStage(p.stage);
          stage = p.stage;
          await beat();
        },
      },
    );
    if (beatError) throw beatError;

    const paths = exportObjectPaths(job.userId, job.id, rendered.ext, rendered.thumbnail.ext);
    // Recorded before writing, so cleanup finds the objects whatever becomes of this attempt.
    await recordStoredFiles(job.id, job.leaseToken, [paths.result, paths.thumbnail]);
    jobLog.info({ event: 'tiles', tiles: rendered.tiles, mapTiles: rendered.totalTiles, missingMapTiles: rendered.failedTiles }, 'poster rendered');
    progress = 92;
    logStage('uploading');
    stage = 'uploading';
    await beat();
    if (cancelRequested) throw new RenderCancelledError();
    const storage = getStorage();
    await storage.put(paths.thumbnail, rendered.thumbnail.file, { contentType: rendered.thumbnail.contentType });
    await storage.put(paths.result, rendered.file, { contentType: OUTPUT_FORMATS[rendered.format].contentType });
    const uploadMs = Date.now() - stageStarted;
    jobLog.info({ event: 'stored', bytes: rendered.bytes, thumbnailBytes: rendered.thumbnail.bytes, uploadMs }, 'export stored');

    const done = await completeJob(job.id, job.leaseToken, {
      path: paths.result,
      bytes: rendered.bytes,
      width: rendered.width,
      height: rendered.height,
      contentType: rendered.contentType,
      thumbnailPath: paths.thumbnail,
      meta: {
        dpi: rendered.dpi,
        tiles: rendered.tiles,
        missingMapTiles: rendered.failedTiles,
        mapTiles: rendered.totalTiles,
        renderMs: rendered.timings.renderMs,
        encodeMs: rendered.timings.encodeMs,
      },
    });
    jobLog.info(
      { event: 'completed', status: done.status, totalMs: Date.now() - claimedAt, renderMs: rendered.timings.renderMs, encodeMs: rendered.timings.encodeMs, uploadMs, bytes: rendered.bytes },
      `export ${done.status}`,
    );
    return done.status === 'succeeded' ? 'succeeded' : 'cancelled';
  } catch (e) {
    const at = { stage, totalMs: Date.now() - claimedAt };
    // Shutting down, whatever stopped the render (the stop itself, or the browser closing under it): hand the job back.
    if (signal?.aborted && !cancelRequested) return await releaseForShutdown(job, jobLog, at);
    // A failed heartbeat stops the render through shouldStop; report why it failed, not the stop it caused.
    return await reportFailure(job, beatError ?? e, cancelRequested, jobLog, at);
  } finally {
    clearInterval(timer);
    await rendered?.cleanup();
  }
}

async function releaseForShutdown(job: ClaimedJob, jobLog: Logger, at: { stage: string; totalMs: number }): Promise<JobOutcome> {
  try {
    const row = await releaseJob(job.id, job.leaseToken);
    jobLog.warn({ event: 'released', status: row.status, ...at }, 'worker shutting down: export handed back to the queue');
    return row.status === 'cancelled' ? 'cancelled' : 'released';
  } catch (err) {
    if (err instanceof LeaseLost) return leaseLost(jobLog, at);
    throw err;
  }
}

function leaseLost(jobLog: Logger, at: { stage: string; totalMs: number }): JobOutcome {
  jobLog.warn({ event: 'lease_lost', ...at }, 'lease lost: another attempt owns the job now; this one stops');
  return 'lease_lost';
}

async function reportFailure(job: ClaimedJob, e: unknown, cancelRequested: boolean, jobLog: Logger, at: { stage: string; totalMs: number }): Promise<JobOutcome> {
  if (e instanceof LeaseLost || (e as { code?: string })?.code === 'lease_lost') return leaseLost(jobLog, at);
  const { code, message, retryable } = classify(e, cancelRequested);
  try {
    const row = await failJob(job.id, job.leaseToken, code, message, retryable);
    const outcome = row.status === 'queued' ? 'retrying' : row.status === 'cancelled' ? 'cancelled' : 'failed';
    if (outcome === 'cancelled') {
      // Somebody asked for it: nothing went wrong, so no warning and no stack.
      jobLog.info({ event: 'cancelled', outcome, ...at }, 'export cancelled on request');
    } else {
      jobLog[outcome === 'failed' ? 'error' : 'warn']({ event: 'failed', code, retryable, outcome, ...at, err: e }, `export attempt failed (${code}): ${outcome}`);
    }
    return outcome;
  } catch (err) {
    if (err instanceof LeaseLost) return leaseLost(jobLog, at);
    throw err;
  }
}

/**
 * The one classifier of a failed attempt: its stable code, the short message
 * the person sees (WORKER_FAILURES; the error itself goes to the log only),
 * and whether it is retried. Bad input fails for good; an error that says
 * whether it is `retryable` (render and storage errors) is taken at its word;
 * anything unknown is `internal` and retried.
 */
export function classify(e: unknown, cancelRequested: boolean): { code: string; message: string; retryable: boolean } {
  if (e instanceof RenderCancelledError) {
    // Shutdowns never get here (they release the job), so a stop is the person's cancel; fail_export_job ends it as cancelled.
    return cancelRequested ? { code: 'cancelled', message: 'Cancelled at your request.', retryable: false } : { code: e.code, message: e.message, retryable: false };
  }
  const own = (e ?? {}) as { code?: unknown; retryable?: unknown; message?: unknown };
  const code =
    e instanceof InvalidPosterError ? 'invalid_poster'
    : typeof own.code === 'string' && /^[a-z_]+$/.test(own.code) ? own.code
    : 'internal';
  const known = WORKER_FAILURES[code];
  // Our own error classes write messages for people; anything else (a driver's, a library's) may carry URLs or internals.
  const ownMessage = (e instanceof StorageError || e instanceof ExportError) && typeof own.message === 'string' ? own.message : undefined;
  return {
    code: known || ownMessage ? code : 'internal',
    // Storage's own message names the cause (the bucket, the refused type), which the generic one cannot.
    message: ownMessage ?? known?.message ?? WORKER_FAILURES.internal.message,
    retryable: e instanceof ExportError || e instanceof InvalidPosterError ? false : typeof own.retryable === 'boolean' ? own.retryable : (known?.retryable ?? true),
  };
}
