import 'server-only';
import { appUrl, env } from '@/lib/env';
import { ExportError, LeaseLost } from '@/lib/exports/errors';
import { completeJob, failJob, recordStoredFiles, releaseJob } from '@/lib/exports/workerQueue';
import type { Logger } from '@/lib/log';
import { RenderCancelledError, WORKER_FAILURES } from '@/lib/rendering/errors';
import { isVectorFormat, OUTPUT_FORMATS } from '@/lib/rendering/formats';
import { renderPoster, type RenderedPoster } from '@/lib/rendering/renderPoster';
import { rasterRequest } from '@/lib/rendering/rasterRequest';
import { renderVectorPoster } from '@/lib/rendering/vector/renderVectorPoster';
import { exportObjectPaths, getStorage, StorageError } from '@/lib/storage';
import { printLayout } from '@/lib/poster/paper';
import { resolveTileSource } from '@/lib/map/tileSource';
import { Attempt } from '@/lib/worker/attempt';
import { browserPool } from '@/lib/worker/browserPool';
import { workerSettings } from '@/lib/worker/settings';
import type { ClaimedJob } from '@/types/exports';
import { InvalidPosterError, parsePosterConfig } from '@/types/poster';

type ExportObjectPaths = ReturnType<typeof exportObjectPaths>;

/**
 * One attempt of one job, in the order it runs: render the poster, store its
 * files, complete the job; any error ends in `reportFailure` (or hands the job
 * back on shutdown). The queue (SQL) decides every transition; these steps
 * only render, store and report.
 */

export type JobOutcome = 'succeeded' | 'retrying' | 'failed' | 'cancelled' | 'released' | 'lease_lost';

/**
 * One attempt of one job, ending in exactly one queue transition (or none, if
 * the lease was lost). `onRendered` is told once Chromium is done with it
 * (before the encode and upload), so the next job may start rendering.
 */
export async function processJob(job: ClaimedJob, signal?: AbortSignal, onRendered?: () => void): Promise<JobOutcome> {
  const attempt = new Attempt(job, workerSettings().heartbeatMs);
  let rendered: RenderedPoster | undefined;
  try {
    rendered = await renderJob(attempt, signal, onRendered);
    const paths = await storeFiles(attempt, rendered);
    return await completeAttempt(attempt, rendered, paths);
  } catch (e) {
    const at = attempt.at();
    // Shutting down, whatever stopped the render (the stop itself, or the browser closing under it): hand the job back.
    if (signal?.aborted && !attempt.cancelRequested) return await releaseForShutdown(job, attempt.log, at);
    // A failed heartbeat stops the render through shouldStop; report why it failed, not the stop it caused.
    return await reportFailure(job, attempt.beatError ?? e, attempt.cancelRequested, attempt.log, at);
  } finally {
    attempt.stop();
    await rendered?.cleanup();
  }
}

/** Step 1: the poster in pixels (and its thumbnail), 0–90 % of the progress bar. */
async function renderJob(attempt: Attempt, signal: AbortSignal | undefined, onRendered: (() => void) | undefined): Promise<RenderedPoster> {
  const { job } = attempt;
  const poster = parsePosterConfig(job.request.poster);
  const layout = printLayout(job.request, poster.format);
  const { format } = job.request;
  await attempt.beat();
  const options = {
    signal,
    shouldStop: () => attempt.shouldStop(),
    onRendered,
    onProgress: (p: { fraction: number; stage: string }) => attempt.report(Math.min(90, Math.round(p.fraction * 90)), p.stage),
  };
  const rendered = isVectorFormat(format)
    ? await renderVectorPoster({ poster, format, layout, baseUrl: appUrl(), tileSource: resolveTileSource(env()) }, options)
    : await renderPoster(browserPool(), rasterRequest(poster, format, layout, appUrl()), options);
  attempt.throwIfBeatFailed();
  attempt.log.info({ event: 'tiles', tiles: rendered.tiles, mapTiles: rendered.totalTiles, missingMapTiles: rendered.failedTiles }, 'poster rendered');
  return rendered;
}

/** Step 2: the result and its thumbnail in storage, at the job's deterministic paths (a retry overwrites). */
async function storeFiles(attempt: Attempt, rendered: RenderedPoster): Promise<ExportObjectPaths> {
  const { job } = attempt;
  const paths = exportObjectPaths(job.userId, job.id, rendered.ext, rendered.thumbnail.ext);
  // Recorded before writing, so cleanup finds the objects whatever becomes of this attempt.
  await recordStoredFiles(job.id, job.leaseToken, [paths.result, paths.thumbnail]);
  await attempt.report(92, 'uploading');
  if (attempt.cancelRequested) throw new RenderCancelledError();
  const storage = getStorage();
  await storage.put(paths.thumbnail, rendered.thumbnail.file, { contentType: rendered.thumbnail.contentType });
  await storage.put(paths.result, rendered.file, { contentType: OUTPUT_FORMATS[rendered.format].contentType });
  attempt.log.info({ event: 'stored', bytes: rendered.bytes, thumbnailBytes: rendered.thumbnail.bytes, uploadMs: attempt.stageMs() }, 'export stored');
  return paths;
}

/** Step 3: the job succeeded with its file (or ends cancelled, if the person asked meanwhile). */
async function completeAttempt(attempt: Attempt, rendered: RenderedPoster, paths: ExportObjectPaths): Promise<JobOutcome> {
  const { job } = attempt;
  const uploadMs = attempt.stageMs();
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
      profile: rendered.timings.profile,
    },
  });
  attempt.log.info(
    { event: 'completed', status: done.status, totalMs: attempt.at().totalMs, renderMs: rendered.timings.renderMs, encodeMs: rendered.timings.encodeMs, uploadMs, bytes: rendered.bytes },
    `export ${done.status}`,
  );
  return done.status === 'succeeded' ? 'succeeded' : 'cancelled';
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
