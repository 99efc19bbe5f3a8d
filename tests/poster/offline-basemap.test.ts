import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GET as tileRoute } from '@/app/api/tiles/[z]/[x]/[y]/route';
import { GET as tileJsonRoute } from '@/app/api/tiles/route';
import { basemapFile, basemapTile } from '@/lib/map/basemap/tiles';

/** The tile containing a point, as MapLibre asks for it. */
function tileOf(lng: number, lat: number, z: number) {
  const n = 2 ** z;
  const x = Math.floor(((lng + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}

async function fetchTile(t: { z: number; x: number; y: number }) {
  const response = await tileRoute(new Request(`http://test/api/tiles/${t.z}/${t.x}/${t.y}`), { params: Promise.resolve({ z: String(t.z), x: String(t.x), y: String(t.y) }) });
  return { response, tile: response.ok ? new VectorTile(new PbfReader(new Uint8Array(await response.arrayBuffer()))) : null };
}

const classesOf = (tile: VectorTile, layer: string) => {
  const l = tile.layers[layer];
  return new Set(Array.from({ length: l?.length ?? 0 }, (_, i) => l!.feature(i).properties.class));
};

describe('the offline basemap', () => {
  it('builds itself on first use in a fresh data folder, then serves Three Rivers street by street', async () => {
    expect(existsSync(basemapFile())).toBe(false); // each test file has its own, empty DATA_DIR
    const { response, tile } = await fetchTile(tileOf(-85.6325, 41.9437, 14));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect(existsSync(basemapFile())).toBe(true);
    for (const layer of ['transportation', 'building', 'water', 'waterway', 'transportation_name']) expect(Object.keys(tile!.layers)).toContain(layer);
    const roads = classesOf(tile!, 'transportation');
    for (const c of ['primary', 'secondary', 'minor', 'service', 'path']) expect(roads).toContain(c);
  });

  it('still serves tiles where the data folder cannot be written (as on Vercel), building the basemap in memory', async () => {
    // sysfs refuses new folders even to root (EPERM), as Vercel's read-only file system does (EROFS).
    const file = basemapFile('/sys/carto-export-read-only');
    const { z, x, y } = tileOf(-85.6325, 41.9437, 14);
    const tile = new VectorTile(new PbfReader(await basemapTile(z, x, y, file)));
    expect(Object.keys(tile.layers)).toContain('transportation');
    expect(existsSync(file)).toBe(false);
  });

  it('serves the world at small scales: the ocean and country borders', async () => {
    const { tile } = await fetchTile({ z: 2, x: 1, y: 1 }); // North Atlantic and North America
    expect(classesOf(tile!, 'water')).toContain('ocean');
    expect(tile!.layers.boundary?.length).toBeGreaterThan(0);
    expect(tile!.layers.boundary!.feature(0).properties.admin_level).toBe(2);
  });

  it('has no streets where the extract has none, but still the ocean', async () => {
    const { tile } = await fetchTile(tileOf(-30, 40, 8)); // mid-Atlantic
    expect(tile!.layers.transportation).toBeUndefined();
    expect(classesOf(tile!, 'water')).toContain('ocean');
  });

  it('answers 404 for tiles outside the pyramid', async () => {
    expect((await fetchTile({ z: 15, x: 0, y: 0 })).response.status).toBe(404);
    expect((await fetchTile({ z: 2, x: 4, y: 0 })).response.status).toBe(404);
  });

  it('describes itself as TileJSON with the OpenStreetMap credit', async () => {
    const response = await tileJsonRoute(new Request('http://localhost:3000/api/tiles'));
    expect(response.headers.get('access-control-allow-origin')).toBe('*'); // a style on another origin may read it
    const body = await response.json();
    expect(body.tiles).toEqual(['http://localhost:3000/api/tiles/{z}/{x}/{y}']);
    expect(body.attribution).toContain('© OpenStreetMap contributors');
    expect(body.vector_layers.map((l: { id: string }) => l.id)).toEqual(expect.arrayContaining(['water', 'transportation', 'building', 'boundary']));
  });
});
