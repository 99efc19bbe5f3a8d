import 'server-only';
import { env } from '@/lib/env';
import { basemapTile, basemapTileJson, TileOutOfRangeError } from '@/lib/map/basemap/tiles';
import { OFFLINE_TILES_PATH } from '@/lib/map/tileSource';
import { openTilesFile, type TilesFile } from './tilesFile';

/**
 * The tiles the app serves at `/api/tiles`: a person's own tiles file when
 * TILES_FILE names one, else the offline basemap. Both answer the same
 * route and describe themselves with the same kind of TileJSON.
 */
const opened = new Map<string, Promise<TilesFile>>();

function tilesFile(file: string): Promise<TilesFile> {
  let pending = opened.get(file);
  if (!pending) {
    pending = openTilesFile(file);
    pending.catch(() => opened.delete(file));
    opened.set(file, pending);
  }
  return pending;
}

/** Vector tile bytes for z/x/y (an empty tile where the source has no data there). */
export async function servedTile(z: number, x: number, y: number, tilesFilePath = env().TILES_FILE): Promise<Uint8Array> {
  if (!tilesFilePath) return basemapTile(z, x, y);
  if (!Number.isInteger(z) || !Number.isInteger(x) || !Number.isInteger(y) || z < 0 || z > 22 || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) {
    throw new TileOutOfRangeError(z, x, y);
  }
  return (await (await tilesFile(tilesFilePath)).tile(z, x, y)) ?? new Uint8Array();
}

/** TileJSON of what the route serves, with tile URLs on the origin the request came to. */
export async function servedTileJson(origin: string, tilesFilePath = env().TILES_FILE) {
  if (!tilesFilePath) return basemapTileJson(origin);
  const { metadata } = await tilesFile(tilesFilePath);
  return {
    tilejson: '3.0.0',
    name: metadata.name,
    attribution: metadata.attribution ?? '© OpenMapTiles © OpenStreetMap contributors',
    scheme: 'xyz',
    tiles: [origin + OFFLINE_TILES_PATH],
    minzoom: metadata.minzoom,
    maxzoom: metadata.maxzoom,
    ...(metadata.bounds ? { bounds: metadata.bounds } : {}),
    ...(metadata.center ? { center: metadata.center } : {}),
    vector_layers: metadata.vector_layers,
  };
}

/** The origin a client used to reach us (a proxy's forwarded host and scheme first), for URLs it can follow. */
export function requestOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || request.headers.get('host') || url.host;
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || url.protocol.replace(/:$/, '');
  return `${proto}://${host}`;
}

/** Tiles and TileJSON may be read by a style on another origin. */
export const CORS_HEADERS = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, OPTIONS' } as const;
