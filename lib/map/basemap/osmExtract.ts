import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Geometry, Position } from 'geojson';
import { LANDCOVER_CLASS_OF_SUBCLASS, LANDUSE_CLASSES, POI_CLASS_OF_SUBCLASS, POI_SHOP_SUBCLASSES } from '@/lib/map/openmaptiles/schema';
import { MIN_ZOOM_KEY, type LayerFeatures } from './features';
import { labelPoint } from './naturalEarth';

/**
 * Street-level detail of the offline basemap: the OpenStreetMap extract of
 * Three Rivers, Michigan in `@openstreetmap/id` (`data/intro_graph.json`,
 * ODbL, © OpenStreetMap contributors), turned into the OpenMapTiles schema
 * one layer rule at a time, as OpenMapTiles' imposm mappings and planetiler's
 * profile do: which tags make a feature of which layer and class, its fields,
 * and the first zoom it shows at.
 */
interface OsmEntity {
  id: string;
  loc?: [number, number];
  nodes?: string[];
  tags?: Record<string, string>;
  members?: { id: string; role: string; type: string }[];
}
type Tags = Record<string, string>;
type Props = Record<string, unknown>;

const ROAD_CLASS: Record<string, string> = {
  motorway: 'motorway', motorway_link: 'motorway', trunk: 'trunk', trunk_link: 'trunk',
  primary: 'primary', primary_link: 'primary', secondary: 'secondary', secondary_link: 'secondary',
  tertiary: 'tertiary', tertiary_link: 'tertiary',
  residential: 'minor', unclassified: 'minor', living_street: 'minor', road: 'minor',
  service: 'service', track: 'track', raceway: 'raceway', busway: 'busway',
  footway: 'path', path: 'path', cycleway: 'path', steps: 'path', bridleway: 'path', pedestrian: 'path', corridor: 'path',
};
const ROAD_MINZOOM: Record<string, number> = { motorway: 4, trunk: 5, primary: 7, secondary: 9, tertiary: 11, minor: 13, service: 13, track: 13, path: 13, raceway: 12, busway: 11 };
const PAVED = new Set(['paved', 'asphalt', 'cobblestone', 'concrete', 'concrete:lanes', 'concrete:plates', 'metal', 'paving_stones', 'sett', 'unhewn_cobblestone', 'wood', 'chipseal']);
const UNPAVED = new Set(['unpaved', 'compacted', 'dirt', 'earth', 'fine_gravel', 'grass', 'grass_paver', 'gravel', 'gravel_turf', 'ground', 'ice', 'mud', 'pebblestone', 'salt', 'sand', 'snow', 'woodchips']);
const SERVICE_VALUES = new Set(['spur', 'yard', 'siding', 'crossover', 'driveway', 'alley', 'parking_aisle']);
const POI_KEYS = ['amenity', 'shop', 'tourism', 'leisure', 'office', 'historic', 'sport', 'railway'] as const;

export async function osmExtractFeatures(): Promise<LayerFeatures> {
  const file = path.join(process.cwd(), 'node_modules', '@openstreetmap/id/data/intro_graph.json');
  const graph = JSON.parse(await readFile(file, 'utf8')) as Record<string, OsmEntity>;
  const out: LayerFeatures = {};
  const add = (layer: string, minzoom: number, properties: Props, geometry: Geometry) =>
    (out[layer] ??= []).push({ type: 'Feature', properties: { ...properties, [MIN_ZOOM_KEY]: minzoom }, geometry });
  const coordinatesOf = (way: OsmEntity): Position[] => (way.nodes ?? []).map((id) => graph[id]?.loc).filter((loc): loc is [number, number] => Boolean(loc));
  const pois: { rank: number; props: Props; minzoom: number; geometry: Geometry }[] = [];

  for (const entity of Object.values(graph)) {
    const tags = entity.tags ?? {};
    if (entity.id.startsWith('n') && entity.loc) {
      const point: Geometry = { type: 'Point', coordinates: entity.loc };
      if (tags['addr:housenumber']) add('housenumber', 14, { housenumber: tags['addr:housenumber'] }, point);
      const poi = poiOf(tags);
      if (poi) pois.push({ ...poi, geometry: point });
      if (tags.place && tags.name) add('place', placeMinzoom(tags.place), { class: tags.place, rank: 10, ...names(tags) }, point);
      continue;
    }
    if (entity.id.startsWith('r')) {
      const outers = (entity.members ?? []).filter((m) => m.type === 'way' && m.role === 'outer').map((m) => coordinatesOf(graph[m.id] ?? { id: m.id })).filter((r) => r.length >= 4);
      const inners = (entity.members ?? []).filter((m) => m.type === 'way' && m.role === 'inner').map((m) => coordinatesOf(graph[m.id] ?? { id: m.id })).filter((r) => r.length >= 4);
      if (!outers.length) continue;
      if (tags.boundary === 'administrative' && tags.admin_level) {
        add('boundary', 12, { admin_level: Number(tags.admin_level), maritime: 0, disputed: 0 }, { type: 'MultiLineString', coordinates: outers });
      }
      const polygon: Geometry = { type: 'Polygon', coordinates: [outers[0]!, ...inners] };
      if (tags.type === 'multipolygon') areaFeatures(tags, outers.length === 1 ? polygon : { type: 'MultiPolygon', coordinates: outers.map((o) => [o]) }, add, pois);
      if (tags.place && tags.name) add('place', placeMinzoom(tags.place), { class: tags.place, rank: 10, ...names(tags) }, labelPoint({ type: 'Polygon', coordinates: [outers[0]!] }));
      continue;
    }
    const coords = coordinatesOf(entity);
    if (coords.length < 2) continue;
    const closed = coords.length >= 4 && entity.nodes![0] === entity.nodes!.at(-1);
    const line: Geometry = { type: 'LineString', coordinates: coords };
    const area: Geometry = { type: 'Polygon', coordinates: [coords] };
    const isArea = closed && tags.area !== 'no' && !(tags.highway && tags.area !== 'yes') && !(tags.aeroway === 'runway' || tags.aeroway === 'taxiway') && !tags.barrier;

    if (tags.highway && ROAD_CLASS[tags.highway]) {
      roadFeatures(tags, line, add);
    } else if (tags.railway && ['rail', 'narrow_gauge', 'preserved', 'funicular', 'subway', 'light_rail', 'monorail', 'tram'].includes(tags.railway)) {
      const cls = ['rail', 'narrow_gauge', 'preserved', 'funicular'].includes(tags.railway) ? 'rail' : 'transit';
      const service = SERVICE_VALUES.has(tags.service ?? '') ? { service: tags.service } : {};
      add('transportation', tags.service ? 14 : cls === 'rail' ? 8 : 11, { class: cls, subclass: tags.railway, ...brunnel(tags), ...layerOf(tags), ...service }, line);
    } else if (tags.waterway && ['river', 'stream', 'canal', 'drain', 'ditch'].includes(tags.waterway) && !isArea) {
      const minzoom = tags.waterway === 'river' ? 9 : tags.waterway === 'canal' ? 12 : 13;
      add('waterway', minzoom, { class: tags.waterway, intermittent: tags.intermittent === 'yes' ? 1 : 0, ...brunnel(tags), ...names(tags) }, line);
    } else if ((tags.aeroway === 'runway' || tags.aeroway === 'taxiway') && !isArea) {
      add('aeroway', tags.aeroway === 'runway' ? 10 : 12, { class: tags.aeroway, ...(tags.ref ? { ref: tags.ref } : {}) }, line);
    } else if (isArea) {
      areaFeatures(tags, area, add, pois);
    }
    if (tags['addr:housenumber']) add('housenumber', 14, { housenumber: tags['addr:housenumber'] }, closed ? labelPoint(area) : { type: 'Point', coordinates: coords[0]! });
  }

  // Most important first: rank is the order a style's labels should win collisions in.
  pois.sort((a, b) => a.rank - b.rank);
  pois.forEach((poi, i) => add('poi', poi.minzoom, { ...poi.props, rank: i + 1 }, poi.geometry));
  return out;
}

type Add = (layer: string, minzoom: number, properties: Props, geometry: Geometry) => void;

function roadFeatures(tags: Tags, line: Geometry, add: Add) {
  const highway = tags.highway!;
  const cls = ROAD_CLASS[highway]!;
  const subclass = cls === 'path' ? { subclass: highway } : {};
  const ramp = highway.endsWith('_link') || highway === 'steps' ? { ramp: 1 } : {};
  const oneway = ['yes', '1', 'true'].includes(tags.oneway ?? '') ? { oneway: 1 } : tags.oneway === '-1' ? { oneway: -1 } : {};
  const service = cls === 'service' && SERVICE_VALUES.has(tags.service ?? '') ? { service: tags.service } : {};
  const surface = PAVED.has(tags.surface ?? '') ? { surface: 'paved' } : UNPAVED.has(tags.surface ?? '') ? { surface: 'unpaved' } : {};
  const access = tags.access === 'no' || tags.access === 'private' ? { access: 'no' } : {};
  const toll = tags.toll === 'yes' ? { toll: 1 } : {};
  const expressway = tags.expressway === 'yes' ? { expressway: 1 } : {};
  const passThrough = Object.fromEntries(['bicycle', 'foot', 'horse'].filter((k) => tags[k]).map((k) => [k, tags[k]]));
  // A sidewalk is drawn only at the deepest zoom, as the schema does.
  const minzoom = tags.footway === 'sidewalk' || tags.footway === 'crossing' ? 14 : ROAD_MINZOOM[cls]!;
  const network = networkOf(tags.ref);
  add('transportation', minzoom, { class: cls, ...subclass, ...brunnel(tags), ...oneway, ...ramp, ...service, ...access, ...toll, ...expressway, ...layerOf(tags), ...surface, ...passThrough, ...(network ? { network } : {}) }, line);
  if (tags.name || tags.ref) {
    const ref = tags.ref ? { ref: tags.ref, ref_length: tags.ref.length } : {};
    add('transportation_name', Math.max(minzoom, cls === 'motorway' || cls === 'trunk' ? 6 : cls === 'primary' ? 8 : cls === 'secondary' ? 10 : cls === 'tertiary' ? 12 : 13), {
      class: cls, ...subclass, ...names(tags), ...ref, network: network ?? 'road', ...brunnel(tags), ...layerOf(tags),
    }, line);
  }
}

/** A closed way or multipolygon: water, landcover, park, landuse, building, aeroway, and the labels that go with them. */
function areaFeatures(tags: Tags, area: Geometry, add: Add, pois: { rank: number; props: Props; minzoom: number; geometry: Geometry }[]) {
  const water = waterClass(tags);
  if (water) {
    add('water', water === 'swimming_pool' ? 14 : water === 'pond' ? 12 : 6, { class: water, intermittent: tags.intermittent === 'yes' ? 1 : 0, ...brunnel(tags) }, area);
    if (tags.name && (water === 'lake' || water === 'pond')) add('water_name', 12, { class: 'lake', intermittent: 0, ...names(tags) }, labelPoint(area));
  }
  const landcoverSubclass = [tags.wetland && tags.natural === 'wetland' ? tags.wetland : null, tags.natural, tags.landuse, tags.leisure].find((v) => v && LANDCOVER_CLASS_OF_SUBCLASS[v]);
  if (landcoverSubclass) add('landcover', 10, { class: LANDCOVER_CLASS_OF_SUBCLASS[landcoverSubclass], subclass: landcoverSubclass }, area);

  if (tags.leisure === 'nature_reserve' || tags.boundary === 'national_park' || tags.boundary === 'protected_area') {
    add('park', 8, { class: tags.boundary === 'national_park' ? 'national_park' : tags.leisure === 'nature_reserve' ? 'nature_reserve' : tags.protect_class ? `protected_area` : 'protected_area', ...names(tags) }, area);
  }
  const landuse = landuseClass(tags);
  if (landuse) add('landuse', landuse === 'residential' ? 6 : ['pitch', 'playground', 'track', 'parking', 'garages'].includes(landuse) ? 13 : 9, { class: landuse, ...(landuse === 'parking' && tags.parking ? { subclass: tags.parking } : {}) }, area);

  if (tags.building && tags.building !== 'no') {
    const levels = Number.parseFloat(tags['building:levels'] ?? '');
    const minLevel = Number.parseFloat(tags['building:min_level'] ?? '');
    const height = Number.parseFloat(tags.height ?? '') || (Number.isFinite(levels) ? levels * 3.66 : 5);
    const minHeight = Number.parseFloat(tags.min_height ?? '') || (Number.isFinite(minLevel) ? minLevel * 3.66 : 0);
    add('building', 13, { render_height: Math.round(height * 10) / 10, render_min_height: Math.round(minHeight * 10) / 10, ...(tags['building:colour'] ? { colour: tags['building:colour'] } : {}) }, area);
  }
  if (tags.aeroway && ['aerodrome', 'heliport', 'runway', 'helipad', 'taxiway', 'apron', 'gate'].includes(tags.aeroway)) {
    add('aeroway', 10, { class: tags.aeroway, ...(tags.ref ? { ref: tags.ref } : {}) }, area);
    if (tags.aeroway === 'aerodrome' && tags.name) {
      const codes = { ...(tags.iata ? { iata: tags.iata } : {}), ...(tags.icao ? { icao: tags.icao } : {}) };
      const ele = Number.parseFloat(tags.ele ?? '');
      add('aerodrome_label', 10, { class: aerodromeClass(tags), ...names(tags), ...codes, ...(Number.isFinite(ele) ? { ele: Math.round(ele), ele_ft: Math.round(ele * 3.28084) } : {}) }, labelPoint(area));
    }
  }
  const poi = poiOf(tags);
  if (poi) pois.push({ ...poi, geometry: labelPoint(area) });
}

function waterClass(tags: Tags): string | null {
  if (tags.leisure === 'swimming_pool') return 'swimming_pool';
  if (tags.waterway === 'dock') return 'dock';
  if (tags.waterway === 'riverbank') return 'river';
  if (tags.natural === 'water' || tags.landuse === 'reservoir' || tags.landuse === 'basin' || tags.landuse === 'salt_pond') {
    const water = tags.water ?? (tags.landuse === 'basin' || tags.landuse === 'salt_pond' ? tags.landuse : '');
    if (['river', 'stream', 'canal', 'ditch', 'drain'].includes(water)) return 'river';
    if (['pond', 'basin', 'wastewater', 'salt_pond'].includes(water)) return 'pond';
    return 'lake';
  }
  return null;
}

function landuseClass(tags: Tags): string | null {
  const candidates = [tags.landuse, tags.amenity, tags.leisure, tags.tourism, tags.place, tags.waterway === 'dam' ? 'dam' : undefined];
  return (candidates.find((v) => v && (LANDUSE_CLASSES as readonly string[]).includes(v)) as string | undefined) ?? null;
}

function aerodromeClass(tags: Tags): string {
  const kind = tags['aerodrome:type'] ?? tags.aerodrome ?? '';
  return ['international', 'public', 'regional', 'military', 'private'].includes(kind) ? kind : 'other';
}

/** Named points of interest only: a poster labels places people know, not every bench and hydrant. */
function poiOf(tags: Tags): { rank: number; props: Props; minzoom: number } | null {
  if (!tags.name) return null;
  const key = POI_KEYS.find((k) => tags[k] && !(k === 'railway' && tags.railway !== 'station') && !(k === 'leisure' && ['swimming_pool', 'pitch', 'track'].includes(tags.leisure!)));
  if (!key) return null;
  const subclass = tags[key]!;
  const cls = key === 'shop' && POI_SHOP_SUBCLASSES.has(subclass) ? 'shop' : key === 'office' ? 'office' : key === 'railway' ? 'railway' : (POI_CLASS_OF_SUBCLASS[subclass] ?? subclass);
  const important = ['town_hall', 'college', 'hospital', 'stadium', 'park', 'school', 'railway', 'library'].includes(cls);
  return { rank: important ? 1 : 2, minzoom: important ? 13 : 14, props: { class: cls, subclass, ...names(tags), ...layerOf(tags) } };
}

function placeMinzoom(place: string): number {
  return place === 'city' || place === 'town' ? 7 : place === 'village' ? 10 : 12;
}

function names(tags: Tags): Props {
  if (!tags.name) return {};
  const en = tags['name:en'] ?? tags.name;
  return { name: tags.name, 'name:latin': tags.name, name_int: en, name_en: en, name_de: tags['name:de'] ?? tags.name };
}

function brunnel(tags: Tags): Props {
  if (tags.bridge && tags.bridge !== 'no') return { brunnel: 'bridge' };
  if (tags.tunnel && tags.tunnel !== 'no') return { brunnel: 'tunnel' };
  if (tags.ford && tags.ford !== 'no') return { brunnel: 'ford' };
  return {};
}

function layerOf(tags: Tags): Props {
  const layer = Number.parseInt(tags.layer ?? '', 10);
  return Number.isFinite(layer) && layer !== 0 ? { layer } : {};
}

/** The route network a ref names, as OpenMapTiles derives it from route relations (this extract has none). */
function networkOf(ref: string | undefined): string | null {
  if (!ref) return null;
  if (/^I[- ]?\d/.test(ref)) return 'us-interstate';
  if (/^US[- ]?\d/.test(ref)) return 'us-highway';
  if (/^[A-Z]{1,2}[- ]?\d/.test(ref)) return 'us-state';
  return null;
}
