import { featureFilter, type FilterSpecification } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { basemapTile } from '@/lib/map/basemap/tiles';
import { OFFLINE_MAXZOOM } from '@/lib/map/tileSource';
import style from './fixtures/openmaptiles-style-subset.json';
import { decodeTile } from './support/decode';
import { tileOf } from './support/tiles';

/**
 * A style written for OpenMapTiles data (the OpenMapTiles project's own,
 * fixture cites it) finds in our tiles what it looks for: each of its layers'
 * filters, evaluated at the layer's zoom as MapLibre evaluates them, selects
 * features — rivers, parks, runways, roads, buildings and labels in Three
 * Rivers, and the world's borders, capitals, airports and peaks.
 */
// Three Rivers by its corners (every tile of the extract), the world by Washington and the US–Canada border.
const PLACES: Record<string, [number, number][]> = {
  town: [[-85.6516, 41.9984], [-85.5812, 41.9254]],
  jfk: [[-73.78, 40.64]],
  everest: [[86.925, 27.988]],
  greenland: [[-40, 72]],
  world: [[-77.04, 38.9], [-98, 49]],
};
const TYPE_CODE = { Unknown: 0, Point: 1, LineString: 2, Polygon: 3 } as const;

interface StyleLayer { id: string; 'source-layer': string; minzoom?: number; where: string; filter?: FilterSpecification }

async function featuresFor(layer: StyleLayer) {
  // The style's zoom; beyond our deepest tiles MapLibre over-zooms the z14 tile, as here.
  const zoom = Math.max(layer.minzoom ?? 0, layer.where === 'town' ? 14 : layer.where === 'world' ? 4 : 8);
  const z = Math.min(zoom, OFFLINE_MAXZOOM);
  const points = PLACES[layer.where]!;
  const tiles = new Map<string, { x: number; y: number }>();
  if (layer.where === 'town') {
    const [a, b] = [tileOf(...points[0]!, z), tileOf(...points[1]!, z)];
    for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) tiles.set(`${x}/${y}`, { x, y });
  } else {
    for (const p of points) tiles.set(`${tileOf(...p, z).x}/${tileOf(...p, z).y}`, tileOf(...p, z));
  }
  const filter = featureFilter(layer.filter, `layers[${(style.layers as StyleLayer[]).indexOf(layer)}].filter`);
  const decoded = (await Promise.all([...tiles.values()].map(async (t) => decodeTile(await basemapTile(z, t.x, t.y))))).flat();
  return decoded
    .filter((f) => f.layer === layer['source-layer'])
    .filter((f) => filter.filter({ zoom }, { type: TYPE_CODE[f.type], properties: f.properties } as Parameters<typeof filter.filter>[1]));
}

describe('a third-party OpenMapTiles style over our tiles', () => {
  it('finds what every one of its layers looks for: rivers, parks, runways, roads, buildings and labels', async () => {
    const empty: string[] = [];
    for (const layer of style.layers as StyleLayer[]) if (!(await featuresFor(layer)).length) empty.push(layer.id);
    expect(empty).toEqual([]);
  });

  it('labels Three Rivers’ river, its state highway by its ref and the town itself', async () => {
    const layer = (id: string) => (style.layers as StyleLayer[]).find((l) => l.id === id)!;
    expect((await featuresFor(layer('River labels'))).map((f) => f.properties.name)).toContain('Rocky River');
    expect((await featuresFor(layer('Secondary road shield'))).map((f) => f.properties.ref)).toContain('M 60');
    expect((await featuresFor(layer('City labels'))).map((f) => f.properties.name)).toContain('Three Rivers');
  });
});
