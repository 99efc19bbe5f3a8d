import type { ExportFormat, ExportSize } from '@/types/exports';

/**
 * What an export will roughly take and weigh, shown before and during an
 * export: one table for the editor's panel and the API's `estimatedSeconds`.
 * From `npm run bench:render` (bench/RESULTS.md, warm browser, 2 cores),
 * seconds rounded up; posters are mostly flat colour, so PNG and PDF come to
 * about 0.05–0.1 bytes a pixel.
 */
const RENDER_SECONDS: Record<ExportSize, number> = { social: 5, small: 8, medium: 15, large: 25, ultra: 45 };
const BYTES_PER_PIXEL: Record<ExportFormat, number> = { png: 0.09, jpeg: 0.12, pdf: 0.09 };

export function estimateRenderSeconds(size: ExportSize): number {
  return RENDER_SECONDS[size];
}

export function estimateBytes(format: ExportFormat, pixels: { width: number; height: number }): number {
  return Math.round(BYTES_PER_PIXEL[format] * pixels.width * pixels.height);
}
