import type { PixelSize } from '@/lib/poster/geometry';
import type { ExportFormat } from '@/types/exports';

/**
 * Rough expectations shown before exporting. Map posters are mostly flat
 * colour, so they compress well; the numbers are "about", never promises.
 * The server's own estimate (`estimatedSeconds`) replaces the time once a job exists.
 */
const BYTES_PER_PIXEL: Record<ExportFormat, number> = { png: 0.8, jpeg: 0.25, pdf: 0.8 };
const SECONDS_FIXED = 6;
const SECONDS_PER_MEGAPIXEL = 0.6;

export function estimateExport(format: ExportFormat, pixels: PixelSize): { seconds: number; bytes: number } {
  const megapixels = (pixels.width * pixels.height) / 1e6;
  return {
    seconds: Math.round(SECONDS_FIXED + SECONDS_PER_MEGAPIXEL * megapixels),
    bytes: Math.round(BYTES_PER_PIXEL[format] * pixels.width * pixels.height),
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(bytes < 10 * 1024 ** 2 ? 1 : 0)} MB`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return s ? `${m} min ${s} s` : `${m} min`;
}
