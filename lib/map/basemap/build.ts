import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { feature, mesh } from 'topojson-client';
import type { Feature, FeatureCollection, Geometry, Polygon, Position } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';

/**
 * Builds the offline basemap's data in the OpenMapTiles schema from data that
 * ships in npm packages: Natural Earth (`world-atlas`) for the ocean and
 * country borders, and the OpenStreetMap extract of Three Rivers, Michigan
 * in `@openstreetmap/id` (ODbL) for streets, buildings, water and parks.
 * The result is one GeoJSON collection per source layer; `tiles.ts` cuts it
 * into vector tiles.
 */
export const BASEMAP_VERSION = 1;
export const BASEMAP_LAYERS = ['water', 'waterway', 'landcover', 'landuse', 'park', 'building', 'transportation', 'transportation_name', 'boundary', 'place'] as const;
export type BasemapLayer = (typeof BASEMAP_LAYERS)[number];
export type BasemapData = { version: number; layers: Record<BasemapLayer, FeatureCollection> };

export async function buildBasemapData(): Promise<BasemapData> {
  const layers = Object.fromEntries(BASEMAP_LAYERS.map((l) => [l, [] as Feature[]])) as Record<BasemapLayer, Feature[]>;
  await addNaturalEarth(layers);
  await addOsmExtract(layers);
  return {
    version: BASEMAP_VERSION,
    layers: Object.fromEntries(Object.entries(layers).map(([k, features]) => [k, { type: 'FeatureCollection', features }])) as BasemapData['layers'],
  };
}

/** Reads a data file of an installed package (read, not imported: type-checking megabytes of JSON is slow). */
async function readJson<T>(specifier: string): Promise<T> {
  return JSON.parse(await readFile(path.join(process.cwd(), 'node_modules', specifier), 'utf8')) as T;
}

async function addNaturalEarth(layers: Record<BasemapLayer, Feature[]>) {
  const land = await readJson<Topology>('world-atlas/land-50m.json');
  const countries = await readJson<Topology>('world-atlas/countries-50m.json');
  const landGeometry = feature(land, land.objects.land as GeometryCollection).features.map((f) => f.geometry);
  const polygons: Position[][][] = landGeometry.flatMap((g) => (g.type === 'MultiPolygon' ? g.coordinates : g.type === 'Polygon' ? [g.coordinates] : []));

  // OpenMapTiles has no land layer: the ocean is a water polygon. It is the world with every landmass cut out
  // (outer rings as holes); lakes inside a landmass (its holes) become water polygons of their own.
  const world: Position[] = [[-180, -85.06], [180, -85.06], [180, 85.06], [-180, 85.06], [-180, -85.06]];
  const ocean: Polygon = { type: 'Polygon', coordinates: [world, ...polygons.map((p) => p[0]!)] };
  layers.water.push({ type: 'Feature', properties: { class: 'ocean' }, geometry: ocean });
  for (const p of polygons) for (const hole of p.slice(1)) layers.water.push({ type: 'Feature', properties: { class: 'lake' }, geometry: { type: 'Polygon', coordinates: [hole] } });

  const borders = mesh(countries, countries.objects.countries as GeometryCollection, (a, b) => a !== b);
  layers.boundary.push({ type: 'Feature', properties: { admin_level: 2, maritime: 0 }, geometry: borders });
}

interface OsmEntity {
  id: string;
  loc?: [number, number];
  nodes?: string[];
  tags?: Record<string, string>;
  members?: { id: string; role: string; type: string }[];
}

const HIGHWAY_CLASS: Record<string, string> = {
  motorway: 'motorway', motorway_link: 'motorway', trunk: 'trunk', trunk_link: 'trunk',
  primary: 'primary', primary_link: 'primary', secondary: 'secondary', secondary_link: 'secondary',
  tertiary: 'tertiary', tertiary_link: 'tertiary',
  residential: 'minor', unclassified: 'minor', living_street: 'minor', road: 'minor',
  service: 'service', track: 'track',
  footway: 'path', path: 'path', cycleway: 'path', steps: 'path', bridleway: 'path', pedestrian: 'path',
};
const LANDCOVER_CLASS: Record<string, string> = { wood: 'wood', scrub: 'scrub', wetland: 'wetland', grassland: 'grass', farmland: 'farmland', forest: 'wood', meadow: 'grass' };

async function addOsmExtract(layers: Record<BasemapLayer, Feature[]>) {
  const graph = await readJson<Record<string, OsmEntity>>('@openstreetmap/id/data/intro_graph.json');
  const wayCoordinates = (way: OsmEntity): Position[] =>
    (way.nodes ?? []).map((id) => graph[id]?.loc).filter((loc): loc is [number, number] => Boolean(loc));
  const add = (layer: BasemapLayer, properties: Record<string, unknown>, geometry: Geometry) => layers[layer].push({ type: 'Feature', properties, geometry });

  for (const entity of Object.values(graph)) {
    const tags = entity.tags ?? {};
    if (entity.id.startsWith('w')) {
      const coords = wayCoordinates(entity);
      if (coords.length < 2) continue;
      const closed = coords.length >= 4 && entity.nodes![0] === entity.nodes!.at(-1);
      const area: Geometry = { type: 'Polygon', coordinates: [coords] };
      const line: Geometry = { type: 'LineString', coordinates: coords };
      const highway = tags.highway && HIGHWAY_CLASS[tags.highway];
      if (highway && !closed) {
        add('transportation', { class: highway, ...(tags.bridge === 'yes' ? { brunnel: 'bridge' } : {}) }, line);
        if (tags.name) add('transportation_name', { class: highway, name: tags.name }, line);
      } else if (highway && closed) {
        add('transportation', { class: highway }, line);
      } else if (tags.railway === 'rail') {
        add('transportation', { class: 'rail' }, line);
      } else if (tags.waterway && ['river', 'stream', 'canal', 'ditch', 'drain'].includes(tags.waterway) && !closed) {
        add('waterway', { class: tags.waterway, ...(tags.name ? { name: tags.name } : {}) }, line);
      } else if (closed && tags.building) {
        add('building', {}, area);
      } else if (closed && (tags.natural === 'water' || tags.landuse === 'reservoir' || tags.water)) {
        add('water', { class: tags.water === 'river' ? 'river' : 'lake' }, area);
      } else if (closed && (tags.leisure === 'park' || tags.leisure === 'nature_reserve')) {
        add('park', { class: tags.leisure, ...(tags.name ? { name: tags.name } : {}) }, area);
      } else if (closed && (LANDCOVER_CLASS[tags.natural ?? ''] || LANDCOVER_CLASS[tags.landuse ?? ''])) {
        add('landcover', { class: LANDCOVER_CLASS[tags.natural ?? ''] ?? LANDCOVER_CLASS[tags.landuse ?? ''] }, area);
      } else if (closed && (tags.landuse || tags.leisure || tags.amenity === 'school')) {
        add('landuse', { class: tags.landuse ?? tags.leisure ?? tags.amenity }, area);
      }
    } else if (entity.id.startsWith('r')) {
      const outers = (entity.members ?? []).filter((m) => m.type === 'way' && m.role === 'outer').map((m) => wayCoordinates(graph[m.id] ?? { id: m.id }));
      if (tags.natural === 'water' && outers.length) {
        add('water', { class: tags.water === 'river' ? 'river' : 'lake' }, { type: 'MultiPolygon', coordinates: outers.map((ring) => [ring]) });
      }
      if (tags.place && tags.name && outers[0]?.length) {
        add('place', { class: tags.place, name: tags.name, rank: 1 }, { type: 'Point', coordinates: centroid(outers[0]) });
      }
    } else if (entity.tags?.place && entity.tags.name && entity.loc) {
      add('place', { class: entity.tags.place, name: entity.tags.name, rank: 5 }, { type: 'Point', coordinates: entity.loc });
    }
  }
}

/** Mean of a ring's vertices: good enough to place a town label inside its boundary. */
function centroid(ring: Position[]): Position {
  const sum = ring.reduce((acc, [x, y]) => [acc[0]! + x!, acc[1]! + y!], [0, 0]);
  return [sum[0]! / ring.length, sum[1]! / ring.length];
}
