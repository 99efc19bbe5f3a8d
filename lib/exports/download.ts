import 'server-only';
import { ExportError, InvalidState, NotFound } from '@/lib/exports/errors';
import { getExport, recordDownload } from '@/lib/exports/queue';
import { getStorage } from '@/lib/storage';
import type { JwtClaims } from '@/types/auth';
import type { ExportJob } from '@/types/exports';

/**
 * Downloads go through the app: the queue checks owner and expiry (and counts
 * the download), then the storage signs a URL valid for a few minutes.
 */

export const DOWNLOAD_URL_SECONDS = 300;

export class ExportExpired extends ExportError {
  readonly code = 'export_expired';
  constructor(message = 'This export has expired and its file was removed: export the poster again.') {
    super(message);
  }
}

export class ExportNotReady extends ExportError {
  readonly code = 'export_not_ready';
  constructor(readonly status: string | null, message = 'This export has no file to download yet: wait until it has finished.') {
    super(message);
  }
}

/** Counts a download of the caller's unexpired export and returns a short-lived signed URL of its file. */
export async function signedDownloadUrl(claims: JwtClaims, id: string): Promise<string> {
  const target = await recordDownload(claims, id).catch(rethrowStateError);
  const job = await getExport(claims, id);
  return getStorage().signedUrl(target.path, { expiresInSeconds: DOWNLOAD_URL_SECONDS, downloadName: downloadNameOf(job, target.path) });
}

/** The history thumbnail of the caller's unexpired export (not counted as a download). */
export async function signedThumbnailUrl(claims: JwtClaims, id: string): Promise<string> {
  const job = await getExport(claims, id);
  if (job.status === 'expired' || (job.status === 'succeeded' && job.expiresAt !== null && job.expiresAt <= new Date())) throw new ExportExpired();
  if (job.status !== 'succeeded') throw new ExportNotReady(job.status);
  if (!job.thumbnailPath) throw new NotFound(`Export ${id} has no thumbnail.`);
  return getStorage().signedUrl(job.thumbnailPath, { expiresInSeconds: DOWNLOAD_URL_SECONDS });
}

// record_export_download reports a finished-but-expired job as invalid_state with status 'expired'.
function rethrowStateError(e: unknown): never {
  if (e instanceof InvalidState) throw e.status === 'expired' ? new ExportExpired(e.message) : new ExportNotReady(e.status, e.message);
  throw e;
}

/** `three-rivers-small.png`: the poster title and size, so saved files are recognisable. */
function downloadNameOf(job: ExportJob, path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1);
  const text = job.request.poster.text as { title?: unknown } | undefined;
  const title = typeof text?.title === 'string' ? text.title : '';
  const slug = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${slug || 'poster'}-${job.request.size}.${ext}`;
}
