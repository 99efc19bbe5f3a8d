import type { Feature } from 'geojson';

/** Features by OpenMapTiles layer id, as the basemap's builders hand them to the tile cutter. */
export type LayerFeatures = Record<string, Feature[]>;

/**
 * The first zoom a feature belongs in its layer (the schema's per-zoom selection), kept in its properties
 * while the tiles are cut and removed before a tile is written.
 */
export const MIN_ZOOM_KEY = '$minzoom';
