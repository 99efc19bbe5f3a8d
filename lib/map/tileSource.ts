import { attributionText, NATURAL_EARTH_ATTRIBUTION } from './attribution';

/**
 * Where map tiles come from. Offline (the default) is the app's own basemap
 * at `/api/tiles`, which needs no network and no key; online is any
 * OpenMapTiles TileJSON (OpenFreeMap needs no key), chosen by TILEJSON_URL.
 * This is plain data, resolved on the server from the environment and handed
 * to the browser, so the editor and the renderer pick the same source.
 */
export interface DemSourceConfig {
  /** `{z}/{x}/{y}` template of DEM raster tiles. */
  url: string;
  encoding: 'terrarium' | 'mapbox';
  maxzoom: number;
}

export type TileSource =
  | { kind: 'offline'; tilesPath: string; maxzoom: number; attribution: string; dem: DemSourceConfig | null }
  | { kind: 'online'; tilejsonUrl: string; glyphsUrl: string | null; attribution: string; dem: DemSourceConfig | null };

export const OFFLINE_TILES_PATH = '/api/tiles/{z}/{x}/{y}';
export const OFFLINE_TILEJSON_PATH = '/api/tiles';
/** Deepest zoom the offline basemap is cut at; MapLibre over-zooms beyond it. */
export const OFFLINE_MAXZOOM = 14;
export const OFFLINE_ATTRIBUTION = attributionText(NATURAL_EARTH_ATTRIBUTION);

/** AWS Terrain Tiles (Mapzen terrarium encoding), public and keyless: the online default for contours. */
export const AWS_TERRAIN_TILES: DemSourceConfig = {
  url: 'https://s3.amazonaws.com/elevation-tiles-prod/terrarium/{z}/{x}/{y}.png',
  encoding: 'terrarium',
  maxzoom: 13,
};

interface TileEnv {
  TILEJSON_URL?: string;
  GLYPHS_URL?: string;
  DEM_URL?: string;
  DEM_ENCODING?: 'terrarium' | 'mapbox';
}

/** The tile source for this environment. Offline, contours are off unless DEM_URL names a source. */
export function resolveTileSource(env: TileEnv): TileSource {
  const configuredDem: DemSourceConfig | null = env.DEM_URL ? { url: env.DEM_URL, encoding: env.DEM_ENCODING ?? 'terrarium', maxzoom: 13 } : null;
  if (!env.TILEJSON_URL) {
    return { kind: 'offline', tilesPath: OFFLINE_TILES_PATH, maxzoom: OFFLINE_MAXZOOM, attribution: OFFLINE_ATTRIBUTION, dem: configuredDem };
  }
  const provider = providerCredit(env.TILEJSON_URL);
  return {
    kind: 'online',
    tilejsonUrl: env.TILEJSON_URL,
    glyphsUrl: env.GLYPHS_URL ?? null,
    attribution: attributionText(provider),
    dem: configuredDem ?? AWS_TERRAIN_TILES,
  };
}

/** The provider's own credit, as the poster prints it; OpenMapTiles' schema requires crediting it too. */
function providerCredit(tilejsonUrl: string): string {
  const host = new URL(tilejsonUrl).hostname;
  if (host.endsWith('openfreemap.org')) return 'OpenFreeMap © OpenMapTiles';
  return `© OpenMapTiles · ${host}`;
}
