import { describe, expect, it } from 'vitest';
import { basemapTile } from '@/lib/map/basemap/tiles';
import { classMinzoom, layerSpec, OPENMAPTILES_LAYER_IDS } from '@/lib/map/openmaptiles/schema';
import { decodeTile, type DecodedFeature } from './support/decode';
import { tileOf } from './support/tiles';

/**
 * Our tiles as a user of the OpenMapTiles schema sees them: every layer,
 * field, type, class value and zoom is the schema's (lib/map/openmaptiles/
 * schema.ts, transcribed from the schema's layers/*.yaml), and every layer
 * our data can fill is there, with the fields styles filter on.
 */
const THREE_RIVERS = { west: -85.6516, south: 41.9254, east: -85.5812, north: 41.9984 };

function tilesToCheck() {
  const tiles: { z: number; x: number; y: number }[] = [];
  for (let z = 0; z <= 3; z++) for (let x = 0; x < 2 ** z; x++) for (let y = 0; y < 2 ** z; y++) tiles.push({ z, x, y });
  for (let z = 4; z <= 14; z++) {
    const a = tileOf(THREE_RIVERS.west, THREE_RIVERS.north, z);
    const b = tileOf(THREE_RIVERS.east, THREE_RIVERS.south, z);
    for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) tiles.push({ z, x, y });
  }
  // World features beyond the town: Everest (peaks), Yellowstone (a national park), New York (airports, cities).
  for (const [lng, lat] of [[86.925, 27.988], [-110.6, 44.6], [-73.78, 40.64]] as const) for (let z = 4; z <= 10; z++) tiles.push(tileOf(lng, lat, z));
  return tiles;
}

describe('tiles in the OpenMapTiles schema', () => {
  it('hold only the schema’s layers, fields, types, class values and zooms, and fill every layer our data can', async () => {
    const problems = new Set<string>();
    const seen: Record<string, Set<string>> = {};
    const features: (DecodedFeature & { z: number })[] = [];
    for (const t of tilesToCheck()) {
      for (const f of decodeTile(await basemapTile(t.z, t.x, t.y))) {
        features.push({ ...f, z: t.z });
        const spec = layerSpec(f.layer);
        if (!spec) {
          problems.add(`layer ${f.layer} is not in the schema`);
          continue;
        }
        if (t.z < spec.minzoom || t.z > spec.maxzoom) problems.add(`${f.layer} at z${t.z}, outside z${spec.minzoom}-${spec.maxzoom}`);
        if (t.z < classMinzoom(f.layer, f.properties.class)) problems.add(`${f.layer} class ${f.properties.class} at z${t.z}, before the schema's z${classMinzoom(f.layer, f.properties.class)}`);
        for (const [key, value] of Object.entries(f.properties)) {
          (seen[f.layer] ??= new Set()).add(key);
          const field = spec.fields[key];
          if (!field) problems.add(`${f.layer}.${key} is not a field of the schema`);
          else if (typeof value !== (field.type === 'Number' ? 'number' : 'string')) problems.add(`${f.layer}.${key} is ${typeof value}, the schema says ${field.type}`);
          else if (field.values && !field.values.includes(value as string | number)) problems.add(`${f.layer}.${key} = ${value} is not one of the schema's values`);
        }
      }
    }
    expect([...problems]).toEqual([]);

    // Every layer is filled somewhere (the town at street level, the world at small scales).
    expect(Object.keys(seen).sort()).toEqual([...OPENMAPTILES_LAYER_IDS].sort());
    // The fields third-party styles filter and label on.
    const expectFields = (layer: string, fields: string[]) => expect([...(seen[layer] ?? [])]).toEqual(expect.arrayContaining(fields));
    expectFields('transportation', ['class', 'subclass', 'brunnel', 'oneway', 'ramp', 'service', 'layer', 'surface', 'access']);
    expectFields('transportation_name', ['class', 'name', 'name:latin', 'name_en', 'ref', 'ref_length', 'network']);
    expectFields('building', ['render_height', 'render_min_height']);
    expectFields('place', ['class', 'name', 'name:latin', 'name_en', 'rank', 'capital', 'iso_a2']);
    expectFields('water', ['class', 'intermittent']);
    expectFields('mountain_peak', ['class', 'name', 'ele', 'ele_ft', 'rank']);
    expectFields('aerodrome_label', ['class', 'name', 'iata', 'icao']);
    expectFields('aeroway', ['class', 'ref']);
    expectFields('poi', ['class', 'subclass', 'name', 'rank']);
    expectFields('housenumber', ['housenumber']);

    // Features land in the layer and class the schema gives them.
    const has = (layer: string, pred: (p: DecodedFeature['properties']) => boolean) => features.some((f) => f.layer === layer && pred(f.properties));
    expect(has('landcover', (p) => p.class === 'grass' && p.subclass === 'park')).toBe(true); // leisure=park
    expect(has('water', (p) => p.class === 'swimming_pool')).toBe(true);
    expect(has('water', (p) => p.class === 'pond')).toBe(true);
    expect(has('water', (p) => p.class === 'river')).toBe(true);
    expect(has('aeroway', (p) => p.class === 'runway')).toBe(true);
    expect(has('landcover', (p) => p.class === 'ice')).toBe(true);
    expect(has('boundary', (p) => p.admin_level === 4)).toBe(true);
    expect(has('place', (p) => p.class === 'city' && p.capital === 2 && p.name === 'Washington, D.C.')).toBe(true);
    // Per-zoom selection: no residential street or building before the schema's zoom.
    expect(features.filter((f) => f.layer === 'transportation' && f.properties.class === 'minor' && f.z < 13)).toEqual([]);
  });
});
