import { latToMercatorY, lngToMercatorX, mapViewForOutput, mercatorXToLng, mercatorYToLat, posterPixelSize } from '@/lib/poster/geometry';
import type { PosterConfig, PosterPlace } from '@/types/poster';
import type { Route } from '@/types/overlays';
import { featurePositions } from './simplify';

/**
 * "Fit the map to my route": the place whose map shows every point of the
 * routes with a margin, keeping the poster's rotation. Computed for the
 * poster's own map rectangle, so it holds at every print size.
 */
const TILE_SIZE = 512;
const PADDING = 0.08; // of the map's shorter side, on each edge

export function fitPlaceToRoutes(config: Pick<PosterConfig, 'format' | 'place'>, routes: readonly Route[]): PosterPlace | null {
  const b = (config.place.bearing * Math.PI) / 180;
  const cos = Math.cos(b);
  const sin = Math.sin(b);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const route of routes) {
    for (const [lng, lat] of featurePositions(route.data.features)) {
      // Screen axes: the world rotated by -bearing.
      const wx = lngToMercatorX(lng);
      const wy = latToMercatorY(lat);
      const sx = wx * cos + wy * sin;
      const sy = -wx * sin + wy * cos;
      minX = Math.min(minX, sx); maxX = Math.max(maxX, sx);
      minY = Math.min(minY, sy); maxY = Math.max(maxY, sy);
    }
  }
  if (!Number.isFinite(minX)) return null;

  const view = mapViewForOutput(config, posterPixelSize(config.format, 'social'));
  const pad = 2 * PADDING * Math.min(view.logicalWidth, view.logicalHeight);
  const width = Math.max(view.logicalWidth - pad, 1);
  const height = Math.max(view.logicalHeight - pad, 1);
  const spanX = Math.max(maxX - minX, 1e-12);
  const spanY = Math.max(maxY - minY, 1e-12);
  const zoom = Math.log2(Math.min(width / (spanX * TILE_SIZE), height / (spanY * TILE_SIZE)));

  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const wx = cx * cos - cy * sin;
  const wy = cx * sin + cy * cos;
  const round = (n: number, k: number) => Math.round(n * 10 ** k) / 10 ** k;
  return {
    center: { lng: round(mercatorXToLng(wx), 5), lat: round(Math.max(-85, Math.min(85, mercatorYToLat(wy))), 5) },
    // One point (or one spot) gets a street-level view rather than the maximum zoom.
    zoom: round(Math.max(0, Math.min(16, zoom)), 2),
    bearing: config.place.bearing,
  };
}
