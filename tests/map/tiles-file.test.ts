import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { errorResponse } from '@/lib/http/respond';
import { basemapTile } from '@/lib/map/basemap/tiles';
import { vectorLayers } from '@/lib/map/openmaptiles/schema';
import { requestOrigin, servedTile, servedTileJson } from '@/lib/map/tiles/serve';
import { decodeTile } from './support/decode';
import { tileOf } from './support/tiles';
import { writeMbtiles, writePmtiles, type TileBytes } from './support/tilesFiles';

/**
 * Your own tiles: an OpenMapTiles MBTiles or PMTiles file (here built from our
 * own basemap's tiles, as planetiler would write them) is served at the same
 * route, with the same kind of TileJSON, as the offline basemap.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'tiles-file-'));
const files = { mbtiles: path.join(dir, 'three-rivers.mbtiles'), pmtiles: path.join(dir, 'three-rivers.pmtiles') };
const info = { name: 'Three Rivers test extract', attribution: '© OpenMapTiles © OpenStreetMap contributors', vectorLayers: vectorLayers(), minzoom: 0, maxzoom: 14 };
const town = tileOf(-85.6325, 41.9437, 14);
let tiles: TileBytes[] = [];

beforeAll(async () => {
  const coords = [{ z: 0, x: 0, y: 0 }, ...[10, 12, 13, 14].map((z) => tileOf(-85.6325, 41.9437, z)), { ...town, x: town.x + 1 }];
  tiles = await Promise.all(coords.map(async (c) => ({ ...c, data: await basemapTile(c.z, c.x, c.y) })));
  writeMbtiles(files.mbtiles, tiles, info);
  writeFileSync(files.pmtiles, writePmtiles(tiles, info));
});

describe.each(['mbtiles', 'pmtiles'] as const)('a %s tiles file', (kind) => {
  it('serves its tiles at the tile route as they were written', async () => {
    for (const t of tiles) {
      const served = decodeTile(await servedTile(t.z, t.x, t.y, files[kind]));
      expect(served).toEqual(decodeTile(t.data));
    }
    const street = decodeTile(await servedTile(town.z, town.x, town.y, files[kind]));
    expect(street.filter((f) => f.layer === 'transportation').length).toBeGreaterThan(10);
  });

  it('answers an empty tile where the file has none, and 404 outside the pyramid', async () => {
    expect((await servedTile(14, 0, 0, files[kind])).length).toBe(0);
    await expect(servedTile(3, 8, 0, files[kind])).rejects.toMatchObject({ code: 'not_found' });
  });

  it('describes itself with TileJSON: its layers and fields, its zooms, URLs on the host the request came to', async () => {
    const origin = requestOrigin(new Request('http://127.0.0.1:3000/api/tiles', { headers: { 'x-forwarded-host': 'maps.example.org', 'x-forwarded-proto': 'https' } }));
    const body = await servedTileJson(origin, files[kind]);
    expect(body.tiles).toEqual(['https://maps.example.org/api/tiles/{z}/{x}/{y}']);
    expect(body.maxzoom).toBe(14);
    expect(body.attribution).toBe(info.attribution);
    expect(body.vector_layers).toEqual(info.vectorLayers);
  });
});

describe('a tiles file that cannot be used', () => {
  it('is refused at start-up unless it is .mbtiles or .pmtiles', () => {
    expect(() => parseEnv({ ...process.env, TILES_FILE: '/data/planet.osm.pbf' })).toThrow(/TILES_FILE: expected a path ending in .mbtiles or .pmtiles/);
  });

  it('answers 503 with what to check when the file is missing', async () => {
    const missing = path.join(dir, 'missing.mbtiles');
    const error = await servedTile(0, 0, 0, missing).catch((e: unknown) => e);
    const response = errorResponse(error);
    expect(response.status).toBe(503);
    expect((await response.json()).error.message).toMatch(/check the path/);
  });
});

describe('the offline basemap’s TileJSON', () => {
  it('lists every schema layer it serves with its fields and zoom range', async () => {
    const body = await servedTileJson('http://localhost:3000', undefined);
    const transportation = body.vector_layers.find((l) => (l as { id: string }).id === 'transportation') as { fields: Record<string, string>; minzoom: number };
    expect(transportation.fields).toMatchObject({ class: 'String', oneway: 'Number', brunnel: 'String', ramp: 'Number' });
    expect(transportation.minzoom).toBe(4);
    expect(body.vector_layers).toHaveLength(16);
  });
});
