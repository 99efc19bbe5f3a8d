import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { MIN_ZOOM_KEY, type LayerFeatures } from './features';

/**
 * The world of the offline basemap, from Natural Earth (public domain), in the
 * OpenMapTiles schema: the ocean and seas (one polygon set, cut at the
 * antimeridian, so no landmass is flooded and no sea is a rectangle), lakes,
 * rivers, glaciers, country and state borders, US national parks, and labels
 * for countries, states, cities (by population), seas, lakes, peaks and airports.
 *
 * `deriveNaturalEarth` turns Natural Earth's own GeoJSON (as published in
 * github.com/martynafford/natural-earth-geojson) into the compact file that
 * ships in the repository, `data/natural-earth/openmaptiles-world.json.gz`;
 * `loadNaturalEarth` reads that file. Rules per layer follow OpenMapTiles'
 * use of Natural Earth at small scales.
 */
export const NATURAL_EARTH_FILE = path.join('data', 'natural-earth', 'openmaptiles-world.json.gz');

export async function loadNaturalEarth(file = path.join(process.cwd(), NATURAL_EARTH_FILE)): Promise<LayerFeatures> {
  // The file is listed in next.config.js for the routes that read it; a default path from cwd would trace the whole project.
  return JSON.parse(gunzipSync(await readFile(/*turbopackIgnore: true*/ file)).toString('utf8')) as LayerFeatures;
}

/** The Natural Earth files `deriveNaturalEarth` reads, by the name Natural Earth gives them. */
export const NATURAL_EARTH_SOURCES = [
  'ne_50m_ocean', 'ne_50m_lakes', 'ne_50m_rivers_lake_centerlines_scale_rank', 'ne_50m_glaciated_areas',
  'ne_50m_admin_0_boundary_lines_land', 'ne_50m_admin_0_boundary_lines_maritime_indicator', 'ne_50m_admin_0_boundary_lines_disputed_areas',
  'ne_50m_admin_1_states_provinces_lines', 'ne_50m_admin_1_states_provinces', 'ne_50m_admin_0_countries', 'ne_10m_admin_1_label_points', 'ne_10m_populated_places_simple',
  'ne_50m_geography_marine_polys', 'ne_50m_geography_regions_elevation_points', 'ne_10m_airports', 'ne_10m_parks_and_protected_lands_area',
] as const;
type SourceName = (typeof NATURAL_EARTH_SOURCES)[number];
type Props = Record<string, unknown>;

export async function deriveNaturalEarth(dir: string): Promise<LayerFeatures> {
  const read = async (name: SourceName) => (JSON.parse(await readFile(path.join(dir, `${name}.json`), 'utf8')) as FeatureCollection).features;
  const out: LayerFeatures = {};
  const add = (layer: string, minzoom: number, properties: Props, geometry: Geometry) =>
    (out[layer] ??= []).push({ type: 'Feature', properties: { ...properties, [MIN_ZOOM_KEY]: Math.max(0, Math.floor(minzoom)) }, geometry: rounded(geometry) });
  const names = (name: unknown, nameEn?: unknown): Props => {
    if (typeof name !== 'string' || !name) return {};
    const en = typeof nameEn === 'string' && nameEn ? nameEn : name;
    return { name, 'name:latin': name, name_int: en, name_en: en, name_de: name };
  };
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

  // Water: the ocean (with the Caspian) and lakes at every zoom; their names at Natural Earth's label zooms.
  for (const f of await read('ne_50m_ocean')) add('water', 0, { class: 'ocean' }, f.geometry);
  for (const f of await read('ne_50m_lakes')) {
    const p = f.properties ?? {};
    add('water', 0, { class: 'lake', intermittent: 0 }, f.geometry);
    if (p.name) add('water_name', num(p.min_label, 4) - 1, { class: 'lake', intermittent: 0, ...names(p.name) }, labelPoint(f.geometry));
  }
  const MARINE_CLASS: Record<string, string> = { ocean: 'ocean', sea: 'sea', bay: 'bay', gulf: 'bay', sound: 'bay', strait: 'strait', channel: 'strait' };
  for (const f of await read('ne_50m_geography_marine_polys')) {
    const p = f.properties ?? {};
    const cls = MARINE_CLASS[String(p.featurecla)];
    if (cls && p.name) add('water_name', cls === 'ocean' ? 0 : num(p.min_label, 3) - 1, { class: cls, ...names(titleCase(String(p.name))) }, labelPoint(f.geometry));
  }
  // Rivers from zoom 3 (as the schema starts them); a lake's centreline is not a river.
  for (const f of await read('ne_50m_rivers_lake_centerlines_scale_rank')) {
    const p = f.properties ?? {};
    if (p.featurecla !== 'River') continue;
    add('waterway', Math.max(3, num(p.min_zoom, 5)), { class: 'river', intermittent: 0, ...names(p.name, p.name_en) }, f.geometry);
  }
  for (const f of await read('ne_50m_glaciated_areas')) add('landcover', 0, { class: 'ice', subclass: 'glacier' }, f.geometry);
  for (const f of await read('ne_10m_parks_and_protected_lands_area')) {
    const p = f.properties ?? {};
    add('park', 4, { class: p.unit_type === 'National Park' ? 'national_park' : 'protected_area', ...names(p.unit_name ?? p.name) }, f.geometry);
  }

  // Borders: countries at every zoom, maritime and disputed lines marked as the schema marks them, states from zoom 3.
  for (const f of await read('ne_50m_admin_0_boundary_lines_land')) add('boundary', 0, { admin_level: 2, maritime: 0, disputed: 0 }, f.geometry);
  for (const f of await read('ne_50m_admin_0_boundary_lines_maritime_indicator')) add('boundary', 4, { admin_level: 2, maritime: 1, disputed: 0 }, f.geometry);
  for (const f of await read('ne_50m_admin_0_boundary_lines_disputed_areas')) add('boundary', 0, { admin_level: 2, maritime: 0, disputed: 1 }, f.geometry);
  for (const f of await read('ne_50m_admin_1_states_provinces_lines')) add('boundary', 3, { admin_level: 4, maritime: 0, disputed: 0 }, f.geometry);

  // Places, most important first: a renderer places a tile's labels in order, so big cities win collisions.
  const places: { rank: number; pop: number; minzoom: number; props: Props; geometry: Geometry }[] = [];
  for (const f of await read('ne_50m_admin_0_countries')) {
    const p = f.properties ?? {};
    if (p.TYPE === 'Dependency' && num(p.LABELRANK, 9) > 4) continue;
    const rank = Math.min(6, Math.max(1, num(p.LABELRANK, 6)));
    const iso = typeof p.ISO_A2 === 'string' && /^[A-Z]{2}$/.test(p.ISO_A2) ? { iso_a2: p.ISO_A2 } : {};
    places.push({ rank, pop: num(p.POP_EST, 0), minzoom: 0, props: { class: 'country', rank, ...iso, ...names(p.NAME) }, geometry: labelPoint(f.geometry) });
  }
  const STATE_COUNTRIES = new Set(['US', 'AU', 'BR', 'MX', 'IN', 'NG', 'DE', 'AT', 'MY', 'VE', 'SS', 'SD', 'MM']);
  // One label per state. Natural Earth's 50m states (US, Canada, Australia, Brazil) carry a label position; its 10m
  // label points elsewhere come one per island of a state, so of those the point nearest the state's middle is kept.
  const stateLabel = (name: unknown, sr: number, iso: unknown, geometry: Geometry) =>
    places.push({ rank: sr, pop: 0, minzoom: Math.max(3, sr + 1), props: { class: STATE_COUNTRIES.has(String(iso)) ? 'state' : 'province', rank: Math.max(1, sr - 1), ...names(name) }, geometry });
  const labelled = new Set<string>();
  for (const f of await read('ne_50m_admin_1_states_provinces')) {
    const p = f.properties ?? {};
    labelled.add(`${p.admin}/${p.name}`);
    stateLabel(p.name, Math.min(6, num(p.labelrank, 4)), p.iso_a2, { type: 'Point', coordinates: [num(p.longitude, 0), num(p.latitude, 0)] });
  }
  const pointsByState = new Map<string, Feature[]>();
  for (const f of await read('ne_10m_admin_1_label_points')) {
    const p = f.properties ?? {};
    const key = `${p.admin}/${p.name}`;
    if (num(p.scalerank, 11) > 6 || !p.name || labelled.has(key)) continue;
    pointsByState.set(key, [...(pointsByState.get(key) ?? []), f]);
  }
  for (const points of pointsByState.values()) {
    const coords = points.map((f) => (f.geometry as Point).coordinates);
    const mid = [coords.reduce((a, c) => a + c[0]!, 0) / coords.length, coords.reduce((a, c) => a + c[1]!, 0) / coords.length];
    const nearest = points.reduce((best, f) => (distance((f.geometry as Point).coordinates, mid) < distance((best.geometry as Point).coordinates, mid) ? f : best));
    const p = nearest.properties ?? {};
    stateLabel(p.name, num(p.scalerank, 6), p.iso_a2, nearest.geometry);
  }
  for (const f of await read('ne_10m_populated_places_simple')) {
    const p = f.properties ?? {};
    const pop = num(p.pop_max, 0);
    const rank = Math.min(10, num(p.scalerank, 9) + 1);
    const capital = p.adm0cap === 1 ? { capital: 2 } : String(p.featurecla).startsWith('Admin-1 capital') ? { capital: 4 } : {};
    const cls = pop >= 100_000 || p.adm0cap === 1 ? 'city' : pop >= 10_000 ? 'town' : 'village';
    places.push({ rank: 10 + rank, pop, minzoom: Math.max(2, num(p.min_zoom, 8) - 1), props: { class: cls, rank, ...capital, ...names(p.name) }, geometry: f.geometry });
  }
  places.sort((a, b) => a.rank - b.rank || b.pop - a.pop);
  for (const place of places) add('place', place.minzoom, place.props, place.geometry);

  const peaks = (await read('ne_50m_geography_regions_elevation_points')).filter((f) => f.properties?.featurecla === 'mountain');
  peaks.sort((a, b) => num(b.properties?.elevation, 0) - num(a.properties?.elevation, 0));
  peaks.forEach((f, i) => {
    const ele = Math.round(num(f.properties?.elevation, 0));
    add('mountain_peak', 7, { class: 'peak', ele, ele_ft: Math.round(ele * 3.28084), rank: i + 1, ...names(f.properties?.name) }, f.geometry);
  });

  for (const f of await read('ne_10m_airports')) {
    const p = f.properties ?? {};
    const type = String(p.type);
    const cls = type.includes('major') ? 'international' : type.includes('military') ? 'military' : type.includes('mid') ? 'public' : 'other';
    add('aerodrome_label', cls === 'international' ? 8 : 10, { class: cls, ...names(p.name), ...(p.iata_code ? { iata: p.iata_code } : {}), ...(p.gps_code ? { icao: p.gps_code } : {}) }, f.geometry);
  }
  return out;
}

/** "NORTH ATLANTIC OCEAN" → "North Atlantic Ocean"; names already in mixed case stay as they are. */
function titleCase(name: string): string {
  return name === name.toUpperCase() ? name.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase()) : name;
}

/** Five decimals (about a metre) keep Natural Earth's detail and a third of the file size. */
function rounded(geometry: Geometry): Geometry {
  const r = (p: Position): Position => [Math.round(p[0]! * 1e5) / 1e5, Math.round(p[1]! * 1e5) / 1e5];
  switch (geometry.type) {
    case 'Point': return { type: 'Point', coordinates: r(geometry.coordinates) };
    case 'LineString': return { type: 'LineString', coordinates: geometry.coordinates.map(r) };
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: geometry.coordinates.map((l) => l.map(r)) };
    case 'Polygon': return { type: 'Polygon', coordinates: geometry.coordinates.map((l) => l.map(r)) };
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((p) => p.map((l) => l.map(r))) };
    default: return geometry;
  }
}

/** A point well inside a polygon (of its largest part) for its label: the grid point farthest from every edge. */
export function labelPoint(geometry: Geometry): Geometry {
  const polygons: Position[][][] = geometry.type === 'Polygon' ? [(geometry as Polygon).coordinates] : geometry.type === 'MultiPolygon' ? (geometry as MultiPolygon).coordinates : [];
  const largest = polygons.map((p) => ({ p, a: Math.abs(ringArea(p[0]!)) })).sort((a, b) => b.a - a.a)[0]?.p;
  if (!largest) return geometry;
  const xs = largest[0]!.map((c) => c[0]!);
  const ys = largest[0]!.map((c) => c[1]!);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best: Position = largest[0]![0]!;
  let bestDistance = -1;
  const steps = 24;
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) {
      const point: Position = [minX + ((maxX - minX) * i) / steps, minY + ((maxY - minY) * j) / steps];
      if (!insidePolygon(point, largest)) continue;
      const d = Math.min(...largest.map((ring) => distanceToRing(point, ring)));
      if (d > bestDistance) [best, bestDistance] = [point, d];
    }
  }
  return { type: 'Point', coordinates: [Math.round(best[0]! * 1e4) / 1e4, Math.round(best[1]! * 1e4) / 1e4] };
}

function distance(a: Position, b: Position): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);
}

function ringArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return sum / 2;
}

function insidePolygon([x, y]: Position, rings: Position[][]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi! > y! !== yj! > y! && x! < ((xj! - xi!) * (y! - yi!)) / (yj! - yi!) + xi!) inside = !inside;
    }
  }
  return inside;
}

function distanceToRing([x, y]: Position, ring: Position[]): number {
  let best = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [ax, ay] = ring[j]!;
    const [bx, by] = ring[i]!;
    const dx = bx! - ax!;
    const dy = by! - ay!;
    const t = dx || dy ? Math.max(0, Math.min(1, ((x! - ax!) * dx + (y! - ay!) * dy) / (dx * dx + dy * dy))) : 0;
    best = Math.min(best, Math.hypot(x! - (ax! + t * dx), y! - (ay! + t * dy)));
  }
  return best;
}
