import type { ExportFormat } from '@/types/exports';
import { isVectorFormat } from '@/types/vocabulary';

/**
 * What an export will roughly take and weigh, shown before and during an
 * export: one place for the editor's panel and the API's `estimatedSeconds`.
 * Raster, from `npm run bench:render` (bench/RESULTS.md, warm browser, 2
 * cores): about 4 s plus 0.53 s per megapixel (social 5 s … ultra 45 s);
 * posters are mostly flat colour, so PNG and PDF come to about 0.05–0.1
 * bytes a pixel. Vector files do not grow with the print size: their time
 * and bytes follow the map's content (bench:render's vector rows).
 */
const RASTER_SECONDS = { base: 4, perMegapixel: 0.53 };
const BYTES_PER_PIXEL = { png: 0.09, jpeg: 0.12, pdf: 0.09 } as const;
// Measured on the five preset places at A2, labels on and off: 0.1–3 s; SVG 0.04–0.63 MB, vector PDF 0.02–0.11 MB.
const VECTOR = { seconds: 3, bytes: { svg: 500_000, 'vector-pdf': 100_000 } } as const;

export function estimateRenderSeconds(format: ExportFormat, pixels: { width: number; height: number }): number {
  if (isVectorFormat(format)) return VECTOR.seconds;
  return Math.ceil(RASTER_SECONDS.base + (RASTER_SECONDS.perMegapixel * pixels.width * pixels.height) / 1e6);
}

export function estimateBytes(format: ExportFormat, pixels: { width: number; height: number }): number {
  if (isVectorFormat(format)) return VECTOR.bytes[format];
  return Math.round(BYTES_PER_PIXEL[format] * pixels.width * pixels.height);
}
