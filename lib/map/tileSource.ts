import { attributionText, NATURAL_EARTH_ATTRIBUTION } from './attribution';
import type { MapSourceChoice } from '@/types/vocabulary';

/**
 * Where map tiles come from. Three kinds, all in the OpenMapTiles schema:
 * the online planet (OpenFreeMap by default, any OpenMapTiles TileJSON with
 * TILEJSON_URL), a tiles file the person owns (TILES_FILE, served by the app),
 * and the offline basemap the app serves itself. This is plain data, resolved
 * on the server from the environment and handed to the browser, so the editor
 * and the renderer pick the same source; a poster stores which one it used.
 */
export interface DemSourceConfig {
  /** `{z}/{x}/{y}` template of DEM raster tiles. */
  url: string;
  encoding: 'terrarium' | 'mapbox';
  maxzoom: number;
}

export type TileSource =
  | { kind: 'offline'; tilesPath: string; maxzoom: number; attribution: string; dem: DemSourceConfig | null }
  | { kind: 'file'; tilejsonPath: string; attribution: string; dem: DemSourceConfig | null }
  | { kind: 'online'; tilejsonUrl: string; glyphsUrl: string | null; attribution: string; dem: DemSourceConfig | null };

/** What a poster stores (types/vocabulary.ts): the online planet, or what the app serves itself (the offline basemap or TILES_FILE). */
export { MAP_SOURCES, type MapSourceChoice } from '@/types/vocabulary';

/**
 * The sources a deployment offers the editor and renderer. `forced` (TILEJSON_URL set) leaves no choice;
 * `onlineReachable` is what a quick probe found, and makes online the default for a new poster.
 */
export interface MapSources {
  online: TileSource | null;
  local: TileSource;
  forced: boolean;
  onlineReachable: boolean;
}

export const OFFLINE_TILES_PATH = '/api/tiles/{z}/{x}/{y}';
export const OFFLINE_TILEJSON_PATH = '/api/tiles';
/** Deepest zoom the offline basemap is cut at; MapLibre over-zooms beyond it. */
export const OFFLINE_MAXZOOM = 14;
export const OFFLINE_ATTRIBUTION = attributionText(NATURAL_EARTH_ATTRIBUTION);
/** Where the offline basemap has street detail: its OpenStreetMap extract of Three Rivers, Michigan ([west, south, east, north]). */
export const OFFLINE_STREET_DETAIL = { name: 'Three Rivers, Michigan', bounds: [-85.6516, 41.9254, -85.5812, 41.9984] as [number, number, number, number] };
/** Zoom from which a poster shows streets: below it the world layers are the whole picture. */
export const STREET_ZOOM = 10;

/** OpenFreeMap's planet: every city on Earth at every zoom, no key. The online default. */
export const OPENFREEMAP_PLANET = 'https://tiles.openfreemap.org/planet';

/** AWS Terrain Tiles (Mapzen terrarium encoding), public and keyless: the online default for contours. */
export const AWS_TERRAIN_TILES: DemSourceConfig = {
  url: 'https://s3.amazonaws.com/elevation-tiles-prod/terrarium/{z}/{x}/{y}.png',
  encoding: 'terrarium',
  maxzoom: 13,
};

interface TileEnv {
  TILEJSON_URL?: string;
  ONLINE_TILEJSON_URL?: string;
  TILES_FILE?: string;
  GLYPHS_URL?: string;
  DEM_URL?: string;
  DEM_ENCODING?: 'terrarium' | 'mapbox';
}

/** The tile source a poster uses: the one it stored, else online where it answered, else the app's own. */
export function pickTileSource(sources: MapSources, choice: MapSourceChoice | undefined): TileSource {
  if (sources.forced && sources.online) return sources.online;
  const wanted = choice ?? (sources.onlineReachable ? 'online' : 'offline');
  return wanted === 'online' && sources.online ? sources.online : sources.local;
}

/** The choice a new poster starts with in this deployment. */
export function defaultMapSource(sources: MapSources): MapSourceChoice {
  return sources.online && (sources.forced || sources.onlineReachable) ? 'online' : 'offline';
}

/** The sources of this environment, before any probe (online counted unreachable until one says otherwise). */
export function resolveMapSources(env: TileEnv): MapSources {
  const dem: DemSourceConfig | null = env.DEM_URL ? { url: env.DEM_URL, encoding: env.DEM_ENCODING ?? 'terrarium', maxzoom: 13 } : null;
  const local: TileSource = env.TILES_FILE
    ? { kind: 'file', tilejsonPath: OFFLINE_TILEJSON_PATH, attribution: attributionText('© OpenMapTiles'), dem }
    : { kind: 'offline', tilesPath: OFFLINE_TILES_PATH, maxzoom: OFFLINE_MAXZOOM, attribution: OFFLINE_ATTRIBUTION, dem };
  // TILEJSON_URL forces one source; else the online planet is offered unless ONLINE_TILEJSON_URL=off.
  const onlineUrl = env.TILEJSON_URL ?? (env.ONLINE_TILEJSON_URL === 'off' ? undefined : (env.ONLINE_TILEJSON_URL ?? OPENFREEMAP_PLANET));
  const online: TileSource | null = onlineUrl
    ? { kind: 'online', tilejsonUrl: onlineUrl, glyphsUrl: env.GLYPHS_URL ?? null, attribution: attributionText(providerCredit(onlineUrl)), dem: dem ?? AWS_TERRAIN_TILES }
    : null;
  return { online, local, forced: Boolean(env.TILEJSON_URL), onlineReachable: Boolean(env.TILEJSON_URL) };
}

/** The tile source for this environment when no poster says otherwise (offline unless TILEJSON_URL forces one). */
export function resolveTileSource(env: TileEnv): TileSource {
  return pickTileSource(resolveMapSources(env), undefined);
}

/** The provider's own credit, as the poster prints it; OpenMapTiles' schema requires crediting it too. */
function providerCredit(tilejsonUrl: string): string {
  const host = new URL(tilejsonUrl).hostname;
  if (host.endsWith('openfreemap.org')) return 'OpenFreeMap © OpenMapTiles';
  return `© OpenMapTiles · ${host}`;
}
