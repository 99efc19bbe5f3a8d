import 'server-only';
import { layoutLabel, outputDimensions, printLayout, PT_PER_MM } from '@/lib/poster/paper';
import { isVectorFormat } from '@/types/vocabulary';
import type { ApiExport } from '@/types/api';
import type { ExportJob } from '@/types/exports';
import { estimateRenderSeconds } from '@/lib/exports/estimate';
import { posterConfigSchema } from '@/types/poster';

/**
 * ExportJob → the API's status object (types/api.ts), the one shape every
 * route, the history list and the event stream send. URLs are app-relative.
 */

export const EXPORTS_API = '/api/v1/exports';

export const statusUrlOf = (id: string) => `${EXPORTS_API}/${id}`;
export const downloadUrlOf = (id: string) => `${EXPORTS_API}/${id}/download`;
export const thumbnailUrlOf = (id: string) => `${EXPORTS_API}/${id}/download?thumbnail=1`;

export function presentExport(job: ExportJob, now: Date = new Date()): ApiExport {
  const { format, size } = job.request;
  // Stored posters are read loosely (types/exports.ts); a poster the schema no longer accepts still lists.
  const poster = posterConfigSchema.safeParse(job.request.poster);
  const layout = poster.success ? printLayout(job.request, poster.data.format) : null;
  const planned = layout ? outputDimensions(layout, isVectorFormat(format)) : { width: 0, height: 0, dpi: 72 };
  const downloadable = job.status === 'succeeded' && job.expiresAt !== null && job.expiresAt > now;
  const missingMapTiles = job.resultMeta?.missingMapTiles;
  return {
    id: job.id,
    status: job.status,
    progress: job.progress,
    stage: job.stage,
    format,
    size,
    title: poster.success ? poster.data.text.title : titleOf(job.request.poster),
    width: job.resultWidth ?? planned.width,
    height: job.resultHeight ?? planned.height,
    dpi: planned.dpi,
    sizeLabel: layout ? layoutLabel(layout) : size,
    paper:
      layout?.kind === 'paper'
        ? {
            widthMm: round1(layout.trimPt.width / PT_PER_MM),
            heightMm: round1(layout.trimPt.height / PT_PER_MM),
            bleedMm: round1(layout.bleedPt / PT_PER_MM),
            cropMarks: layout.cropMarks,
          }
        : null,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? job.errorCode } : null,
    result:
      job.resultBytes !== null && job.resultContentType && job.expiresAt
        ? {
            bytes: job.resultBytes,
            contentType: job.resultContentType,
            expiresAt: job.expiresAt.toISOString(),
            downloadCount: job.downloadCount,
            ...(typeof missingMapTiles === 'number' ? { missingMapTiles } : {}),
            downloadUrl: downloadable ? downloadUrlOf(job.id) : null,
            thumbnailUrl: downloadable && job.thumbnailPath ? thumbnailUrlOf(job.id) : null,
          }
        : null,
    cancelRequested: job.cancelRequestedAt !== null,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    estimatedSeconds: estimatedSeconds(job),
    statusUrl: statusUrlOf(job.id),
    webhook: job.request.webhookUrl
      ? {
          url: job.request.webhookUrl,
          state: job.webhookState,
          attempts: job.webhookAttempts,
          lastStatus: job.webhookLastStatus,
          lastError: job.webhookLastError,
          lastAttemptAt: job.webhookLastAttemptAt?.toISOString() ?? null,
          nextAttemptAt: job.webhookState === 'pending' ? (job.webhookNextAt?.toISOString() ?? null) : null,
          deliveredAt: job.webhookDeliveredAt?.toISOString() ?? null,
        }
      : null,
  };
}

/** The render's rough length, less what the progress says is done; null once the job has ended. */
function estimatedSeconds(job: ExportJob): number | null {
  if (job.status !== 'queued' && job.status !== 'running') return null;
  const poster = posterConfigSchema.safeParse(job.request.poster);
  const pixels = poster.success ? outputDimensions(printLayout(job.request, poster.data.format), false) : { width: 3600, height: 2400 };
  const total = estimateRenderSeconds(job.request.format, pixels);
  const left = job.status === 'running' ? total * (1 - job.progress / 100) : total;
  return Math.max(1, Math.ceil(left));
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function titleOf(poster: Record<string, unknown>): string {
  const text = poster.text as { title?: unknown } | undefined;
  return typeof text?.title === 'string' ? text.title : '';
}
