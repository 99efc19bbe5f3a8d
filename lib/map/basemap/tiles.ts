import 'server-only';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import GeoJSONVT, { type LegacyFeature } from 'geojson-vt';
import { fromGeojsonVt } from 'vt-pbf';
import { env } from '@/lib/env';
import { vectorLayers } from '@/lib/map/openmaptiles/schema';
import { OFFLINE_ATTRIBUTION, OFFLINE_MAXZOOM, OFFLINE_TILES_PATH } from '@/lib/map/tileSource';
import { BASEMAP_LAYERS, BASEMAP_VERSION, buildBasemapData, type BasemapData } from './build';
import { MIN_ZOOM_KEY } from './features';
import { repairPolygonRings } from './rings';

/**
 * Serves the offline basemap. Its data is built once into
 * `${DATA_DIR}/basemap/` (by `npm run basemap`, or here on first use when the
 * file is missing, so a fresh clone needs no extra step) and cut into vector
 * tiles on demand, kept in memory.
 */
export class TileOutOfRangeError extends Error {
  readonly code = 'not_found'; // the API's shared code, so routes answer 404 through `errorResponse`
  constructor(z: number, x: number, y: number) {
    super(`No tile ${z}/${x}/${y}: zoom must be 0–${OFFLINE_MAXZOOM} and x, y within 0–2^zoom−1.`);
  }
}

export function basemapFile(dataDir = env().DATA_DIR): string {
  return path.join(dataDir, 'basemap', `layers-v${BASEMAP_VERSION}.json`);
}

/** Builds the basemap data file (written atomically, so a concurrent reader never sees half a file). */
export async function writeBasemapData(file = basemapFile()): Promise<BasemapData> {
  const data = await buildBasemapData();
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(data));
  await rename(temp, file);
  return data;
}

// Where the data folder cannot be written (Vercel's function file system is read-only outside /tmp),
// the basemap is built in memory for this process instead: slower on a cold start, never a failed tile.
const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOTDIR']);

async function loadBasemapData(file: string): Promise<BasemapData> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as BasemapData;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    return await writeBasemapData(file);
  } catch (error) {
    if (!READ_ONLY_CODES.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    return buildBasemapData();
  }
}

type Indexes = Record<string, GeoJSONVT>;
const indexes = new Map<string, Promise<Indexes>>();

function indexesFor(file: string): Promise<Indexes> {
  let pending = indexes.get(file);
  if (!pending) {
    pending = loadBasemapData(file).then((data) =>
      Object.fromEntries(
        BASEMAP_LAYERS.map((layer) => [layer, new GeoJSONVT({ type: 'FeatureCollection', features: data.layers[layer] ?? [] }, { maxZoom: OFFLINE_MAXZOOM, indexMaxZoom: 4, tolerance: layer === 'water' ? 1 : 3, buffer: 64 })]),
      ) as Indexes,
    );
    pending.catch(() => indexes.delete(file));
    indexes.set(file, pending);
  }
  return pending;
}

/** One vector tile of the offline basemap (an empty tile where there is no data). */
export async function basemapTile(z: number, x: number, y: number, file = basemapFile()): Promise<Uint8Array> {
  if (!Number.isInteger(z) || !Number.isInteger(x) || !Number.isInteger(y) || z < 0 || z > OFFLINE_MAXZOOM || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) {
    throw new TileOutOfRangeError(z, x, y);
  }
  const layers = await indexesFor(file);
  const tiles: Record<string, NonNullable<ReturnType<GeoJSONVT['getTile']>>> = {};
  for (const name of BASEMAP_LAYERS) {
    const tile = layers[name]!.getTile(z, x, y);
    // The schema's per-zoom selection: a feature enters its layer at its own first zoom.
    const features: LegacyFeature[] = [];
    for (const f of tile?.features ?? []) {
      if (Number(f.tags?.[MIN_ZOOM_KEY] ?? 0) > z) continue;
      const tags = withoutZoom(f.tags ?? {});
      if (f.type !== 3) features.push({ ...f, tags } as LegacyFeature);
      else {
        const geometry = repairPolygonRings(f.geometry);
        if (geometry.length) features.push({ ...f, tags, geometry });
      }
    }
    if (tile && features.length) tiles[name] = { ...tile, features };
  }
  return fromGeojsonVt(tiles, { version: 2, extent: 4096 });
}

function withoutZoom(tags: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => key !== MIN_ZOOM_KEY));
}

/** TileJSON of the offline basemap, for clients that want one (MapLibre takes the tiles URL directly). */
export function basemapTileJson(baseUrl: string) {
  return {
    tilejson: '3.0.0',
    name: 'carto-export offline basemap',
    attribution: OFFLINE_ATTRIBUTION,
    scheme: 'xyz',
    tiles: [baseUrl + OFFLINE_TILES_PATH],
    minzoom: 0,
    maxzoom: OFFLINE_MAXZOOM,
    bounds: [-180, -85.0511, 180, 85.0511],
    center: [-85.6325, 41.9437, 13],
    vector_layers: vectorLayers(BASEMAP_LAYERS),
  };
}
