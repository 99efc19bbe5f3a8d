import type { DemSourceConfig } from './tileSource';

/**
 * Contour lines from `maplibre-contour`, which turns DEM raster tiles into
 * vector tiles in the browser. The style builder only needs the vector tile
 * URL; this module makes it. Layer and property names are maplibre-contour's
 * defaults, which the style's contour layers read.
 */
export const CONTOUR_SOURCE_LAYER = 'contours';
export const CONTOUR_ELEVATION_KEY = 'ele';
/** 1 on index (major) lines, 0 on the others. */
export const CONTOUR_LEVEL_KEY = 'level';

/** Contour interval [minor, major] in metres by zoom. */
export const CONTOUR_THRESHOLDS: Record<number, [number, number]> = {
  9: [200, 1000],
  11: [100, 500],
  12: [50, 250],
  13: [20, 100],
  14: [10, 50],
};

interface MaplibreLike {
  addProtocol: (id: string, handler: never) => void;
}

/**
 * Registers the DEM with MapLibre (browser only) and returns the contour
 * tile URL template for `buildMapStyle`'s `contoursTileUrl`.
 */
export async function registerContours(maplibre: MaplibreLike, dem: DemSourceConfig): Promise<string> {
  const { default: mlcontour } = await import('maplibre-contour');
  const source = new mlcontour.DemSource({ url: dem.url, encoding: dem.encoding, maxzoom: dem.maxzoom, worker: true });
  source.setupMaplibre(maplibre as unknown as Parameters<typeof source.setupMaplibre>[0]);
  return source.contourProtocolUrl({
    thresholds: CONTOUR_THRESHOLDS,
    elevationKey: CONTOUR_ELEVATION_KEY,
    levelKey: CONTOUR_LEVEL_KEY,
    contourLayer: CONTOUR_SOURCE_LAYER,
    multiplier: 1,
  });
}
