import 'server-only';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import GeoJSONVT from 'geojson-vt';
import sharp from 'sharp';
import { fromGeojsonVt } from 'vt-pbf';
import type { SourceSpecification } from '@maplibre/maplibre-gl-style-spec';
import { CONTOUR_ELEVATION_KEY, CONTOUR_LEVEL_KEY, CONTOUR_SOURCE_LAYER, CONTOUR_THRESHOLDS } from '@/lib/map/contours';
import type { DemSourceConfig } from '@/lib/map/tileSource';
import { TileOutageError } from '../errors';

/**
 * Vector tiles for a vector export, from exactly where the preview gets
 * them: the style's own source (the app's tile route offline, the provider's
 * TileJSON online), and contour tiles made by maplibre-contour from the same
 * DEM with the same thresholds as the browser's contour protocol.
 */
export interface TileKey {
  z: number;
  x: number;
  y: number;
}

export interface LoadedTile extends TileKey {
  tile: VectorTile;
}

export interface TileSet {
  /** Deepest zoom the source has; deeper views over-zoom its tiles. */
  maxzoom: number;
  load(keys: TileKey[]): Promise<{ tiles: LoadedTile[]; failed: number }>;
}

const TIMEOUT_MS = 20_000;

/** A `vector` source of the style: `tiles` templates or a TileJSON `url`. */
export async function vectorSourceTiles(source: SourceSpecification): Promise<TileSet> {
  if (source.type !== 'vector') throw new Error(`source type ${source.type} is not a vector source`);
  let templates = source.tiles;
  let maxzoom = source.maxzoom ?? 22;
  if (!templates && source.url) {
    const tilejson = (await (await fetchOk(source.url)).json()) as { tiles: string[]; maxzoom?: number };
    templates = tilejson.tiles;
    maxzoom = tilejson.maxzoom ?? maxzoom;
  }
  if (!templates?.length) throw new Error('the vector source names no tiles');
  const template = templates[0];
  return {
    maxzoom,
    load: (keys) =>
      loadAll(keys, async (key) => {
        const url = template.replace('{z}', String(key.z)).replace('{x}', String(key.x)).replace('{y}', String(key.y));
        const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
        // A tile outside the data is 204/404 to MapLibre too: an empty tile, not a failure.
        if (response.status === 204 || response.status === 404) return new Uint8Array();
        if (!response.ok) throw new Error(`tile ${url} answered HTTP ${response.status}`);
        return new Uint8Array(await response.arrayBuffer());
      }),
  };
}

/** Contour tiles as the browser's `maplibre-contour` protocol makes them (same DEM, thresholds, layer and keys). */
export async function contourTiles(dem: DemSourceConfig): Promise<TileSet> {
  const { default: mlcontour } = await import('maplibre-contour');
  const manager = new mlcontour.LocalDemManager({
    demUrlPattern: dem.url,
    cacheSize: 100,
    encoding: dem.encoding,
    maxzoom: dem.maxzoom,
    timeoutMs: TIMEOUT_MS,
    // The browser decodes DEM PNGs with createImageBitmap; here sharp gives the same RGBA bytes.
    decodeImage: async (blob, encoding) => {
      const { data, info } = await sharp(Buffer.from(await blob.arrayBuffer())).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      return mlcontour.decodeParsedImage(info.width, info.height, encoding, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
    },
  });
  return {
    maxzoom: 15,
    load: (keys) =>
      loadAll(keys, async (key) => {
        const levels = thresholdsAt(key.z);
        if (!levels) return new Uint8Array();
        const tile = await manager.fetchContourTile(
          key.z,
          key.x,
          key.y,
          { levels, multiplier: 1, contourLayer: CONTOUR_SOURCE_LAYER, elevationKey: CONTOUR_ELEVATION_KEY, levelKey: CONTOUR_LEVEL_KEY },
          new AbortController(),
        );
        return new Uint8Array(tile.arrayBuffer);
      }),
  };
}

/** The source layer a GeoJSON source's features sit in once cut into tiles (MapLibre's own name). */
export const GEOJSON_LAYER = '_geojsonTileLayer';

/** A `geojson` source (a poster's routes) cut into tiles as MapLibre cuts it: geojson-vt, 4096 units, maxzoom 18. */
export function geojsonTiles(data: unknown): TileSet {
  const maxzoom = 18;
  const index = new GeoJSONVT(data as ConstructorParameters<typeof GeoJSONVT>[0], { maxZoom: maxzoom, extent: 4096, buffer: 64, tolerance: 0.375 });
  return {
    maxzoom,
    load: async (keys) => ({
      failed: 0,
      tiles: keys.map((key) => {
        const tile = index.getTile(key.z, key.x, key.y);
        const bytes = tile ? fromGeojsonVt({ [GEOJSON_LAYER]: tile }, { version: 2, extent: 4096 }) : new Uint8Array();
        return { ...key, tile: new VectorTile(new PbfReader(bytes)) };
      }),
    }),
  };
}

/** The thresholds maplibre-contour uses at zoom z: those of the deepest listed zoom at or below it. */
function thresholdsAt(z: number): number[] | undefined {
  const zooms = Object.keys(CONTOUR_THRESHOLDS).map(Number).filter((k) => k <= z);
  return zooms.length ? CONTOUR_THRESHOLDS[Math.max(...zooms)] : undefined;
}

async function loadAll(keys: TileKey[], get: (key: TileKey) => Promise<Uint8Array>): Promise<{ tiles: LoadedTile[]; failed: number }> {
  let failed = 0;
  const tiles: LoadedTile[] = [];
  // A few at a time: the app's tile route cuts tiles on demand on the same two cores.
  for (let i = 0; i < keys.length; i += 6) {
    const batch = await Promise.allSettled(keys.slice(i, i + 6).map(async (key) => ({ ...key, bytes: await get(key) })));
    for (const result of batch) {
      if (result.status === 'rejected') failed++;
      else tiles.push({ z: result.value.z, x: result.value.x, y: result.value.y, tile: new VectorTile(new PbfReader(result.value.bytes)) });
    }
  }
  if (keys.length > 0 && failed / keys.length > 0.5) throw new TileOutageError(failed, keys.length);
  return { tiles, failed };
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response;
}
