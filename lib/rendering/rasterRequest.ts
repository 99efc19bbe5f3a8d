import 'server-only';
import { resolvePalette } from '@/lib/map/palettes';
import { mapViewForOutput, posterGeometry } from '@/lib/poster/geometry';
import type { PrintLayout } from '@/lib/poster/paper';
import type { PosterConfig } from '@/types/poster';
import type { RasterFormat, RenderPosterRequest } from './renderPoster';
import { rendererPageUrl } from './rendererUrl';

/**
 * What Chromium renders for a raster export of `layout`: the poster at its
 * trim size, and the bleed either as more map (a poster drawn to the edge)
 * or as more paper (a poster whose margin already ends in paper).
 */
export function rasterRequest(poster: PosterConfig, format: RasterFormat, layout: PrintLayout, appUrl: string): RenderPosterRequest {
  const trim = layout.trimPx;
  const view = mapViewForOutput(poster, trim);
  const mapToEdge = posterGeometry(poster, trim).margin === 0;
  return {
    // The warm renderer page takes the poster through the page protocol, without a navigation.
    url: rendererPageUrl(appUrl),
    poster,
    format,
    width: trim.width,
    height: trim.height,
    pixelRatio: view.pixelRatio,
    dpi: layout.dpi,
    title: poster.text.title,
    ...(layout.bleedPx > 0 ? { bleed: { px: layout.bleedPx, fill: mapToEdge ? 'map' : resolvePalette(poster).paper } } : {}),
    cropMarks: layout.cropMarks,
  };
}
