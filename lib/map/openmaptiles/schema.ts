/**
 * The OpenMapTiles vector tile schema (v3.16), as data: each layer's fields,
 * their types and allowed values, and the zooms at which the schema fills it.
 * Transcribed from the schema's own definitions, `layers/<id>/<id>.yaml` in
 * github.com/openmaptiles/openmaptiles (schema © OpenMapTiles, CC-BY 4.0).
 * The offline basemap writes its tiles to it, its TileJSON lists it, and the
 * tests check decoded tiles against it.
 */
export type FieldType = 'String' | 'Number';
export interface FieldSpec {
  type: FieldType;
  /** Enumerated values, where the schema has them. */
  values?: readonly (string | number)[];
  description: string;
}
export interface LayerSpec {
  id: string;
  description: string;
  minzoom: number;
  maxzoom: number;
  fields: Record<string, FieldSpec>;
  /** First zoom at which the schema puts a feature of a class in the layer (classes not listed: the layer's minzoom). */
  classMinzoom?: Record<string, number>;
}

const str = (description: string, values?: readonly string[]): FieldSpec => ({ type: 'String', description, ...(values ? { values } : {}) });
const num = (description: string, values?: readonly number[]): FieldSpec => ({ type: 'Number', description, ...(values ? { values } : {}) });

/** Name fields of the layers with names: the local name, its Latin form, and the (deprecated, still used by styles) English and German. */
const NAMES: Record<string, FieldSpec> = {
  name: str('Name in the local language'),
  'name:latin': str('Name in Latin script'),
  'name:nonlatin': str('Name in non-Latin script, where the name has one'),
  name_int: str('International name: English where known, else the Latin name'),
  name_en: str('English name, or name (deprecated)'),
  name_de: str('German name, or name (deprecated)'),
};

export const TRANSPORTATION_CLASSES = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'minor', 'path', 'service', 'track', 'raceway', 'busway', 'bus_guideway', 'ferry', 'rail', 'transit',
  'motorway_construction', 'trunk_construction', 'primary_construction', 'secondary_construction', 'tertiary_construction', 'minor_construction', 'path_construction', 'service_construction', 'track_construction', 'raceway_construction'] as const;

/** Road classes by the zoom the schema starts them at (planetiler's OpenMapTiles profile): no residential streets at zoom 4. */
const ROAD_MINZOOM: Record<string, number> = { motorway: 4, trunk: 5, primary: 7, secondary: 9, tertiary: 11, minor: 13, service: 13, track: 13, path: 13, raceway: 12, busway: 11, rail: 8, transit: 11, ferry: 6 };

export const POI_CLASS_OF_SUBCLASS: Record<string, string> = Object.fromEntries(
  Object.entries({
    town_hall: ['townhall', 'public_building', 'courthouse', 'community_centre'],
    golf: ['golf', 'golf_course', 'miniature_golf'],
    fast_food: ['fast_food', 'food_court'],
    park: ['park', 'bbq'],
    bus: ['bus_stop', 'bus_station'],
    entrance: ['subway_entrance', 'train_station_entrance'],
    campsite: ['camp_site', 'caravan_site'],
    laundry: ['laundry', 'dry_cleaning'],
    grocery: ['supermarket', 'deli', 'delicatessen', 'department_store', 'greengrocer', 'marketplace'],
    library: ['books', 'library'],
    college: ['university', 'college'],
    lodging: ['hotel', 'motel', 'bed_and_breakfast', 'guest_house', 'hostel', 'chalet', 'alpine_hut', 'dormitory'],
    ice_cream: ['ice_cream'],
    post: ['post_box', 'post_office', 'parcel_locker'],
    cafe: ['cafe'],
    school: ['school', 'kindergarten'],
    alcohol_shop: ['alcohol', 'beverages', 'wine'],
    bar: ['bar', 'nightclub'],
    harbor: ['marina', 'dock'],
    car: ['car', 'car_repair', 'car_parts', 'taxi'],
    hospital: ['hospital', 'nursing_home', 'clinic'],
    cemetery: ['grave_yard', 'cemetery'],
    attraction: ['attraction', 'viewpoint'],
    beer: ['biergarten', 'pub'],
    music: ['music', 'musical_instrument'],
    stadium: ['american_football', 'stadium', 'soccer'],
    art_gallery: ['art', 'artwork', 'gallery', 'arts_centre'],
    clothing_store: ['bag', 'clothes'],
    swimming: ['swimming_area', 'swimming'],
    castle: ['castle', 'ruins'],
    atm: ['atm'],
    fuel: ['fuel', 'charging_station'],
  }).flatMap(([cls, subclasses]) => subclasses.map((s) => [s, cls])),
);
/** Shop values the schema groups as class `shop` (others keep their own value as class). */
export const POI_SHOP_SUBCLASSES = new Set(['accessories', 'antiques', 'beauty', 'bed', 'boutique', 'camera', 'carpet', 'charity', 'chemist', 'chocolate', 'coffee', 'computer', 'convenience', 'confectionery', 'copyshop', 'cosmetics', 'garden_centre', 'doityourself', 'erotic', 'electronics', 'fabric', 'florist', 'frozen_food', 'furniture', 'video_games', 'video', 'general', 'gift', 'hardware', 'hearing_aids', 'hifi', 'interior_decoration', 'jewelry', 'kiosk', 'locksmith', 'lamps', 'mall', 'massage', 'motorcycle', 'mobile_phone', 'newsagent', 'optician', 'outdoor', 'paint', 'perfumery', 'perfume', 'pet', 'photo', 'second_hand', 'shoes', 'sports', 'stationery', 'tailor', 'tattoo', 'ticket', 'tobacco', 'toys', 'travel_agency', 'watches', 'weapons', 'wholesale']);

export const LANDCOVER_CLASS_OF_SUBCLASS: Record<string, string> = Object.fromEntries(
  Object.entries({
    farmland: ['farmland', 'farm', 'orchard', 'vineyard', 'plant_nursery'],
    ice: ['glacier', 'ice_shelf'],
    wood: ['wood', 'forest'],
    rock: ['bare_rock', 'scree'],
    grass: ['fell', 'flowerbed', 'grassland', 'heath', 'scrub', 'shrubbery', 'tundra', 'grass', 'meadow', 'allotments', 'park', 'village_green', 'recreation_ground', 'garden', 'golf_course'],
    wetland: ['wetland', 'bog', 'swamp', 'wet_meadow', 'marsh', 'reedbed', 'saltern', 'tidalflat', 'saltmarsh', 'mangrove'],
    sand: ['beach', 'sand', 'dune'],
  }).flatMap(([cls, subclasses]) => subclasses.map((s) => [s, cls])),
);

export const LANDUSE_CLASSES = ['railway', 'cemetery', 'military', 'residential', 'commercial', 'industrial', 'garages', 'retail', 'bus_station', 'school', 'university', 'kindergarten', 'college', 'library', 'hospital', 'stadium', 'pitch', 'playground', 'track', 'theme_park', 'zoo', 'suburb', 'quarter', 'neighbourhood', 'dam', 'quarry', 'parking'] as const;

const layer = (spec: LayerSpec) => spec;

export const OPENMAPTILES_LAYERS: readonly LayerSpec[] = [
  layer({
    id: 'water', description: 'Oceans, seas, lakes, rivers and pools as polygons', minzoom: 0, maxzoom: 14,
    fields: {
      id: num('OSM id of the lake, where known'),
      class: str('Kind of water body', ['dock', 'river', 'pond', 'lake', 'ocean', 'swimming_pool']),
      intermittent: num('1 for an intermittent water polygon', [0, 1]),
      brunnel: str('Bridge or tunnel', ['bridge', 'tunnel']),
    },
  }),
  layer({
    id: 'waterway', description: 'Rivers, streams, canals and ditches as lines', minzoom: 3, maxzoom: 14,
    fields: { ...NAMES, class: str('Value of the waterway tag', ['stream', 'river', 'canal', 'drain', 'ditch']), brunnel: str('Bridge or tunnel', ['bridge', 'tunnel']), intermittent: num('1 for an intermittent waterway', [0, 1]) },
    classMinzoom: { river: 3, canal: 12, stream: 13, drain: 13, ditch: 13 },
  }),
  layer({
    id: 'landcover', description: 'Natural land cover: ice, wood, grass, farmland, wetland, sand, rock', minzoom: 0, maxzoom: 14,
    fields: {
      class: str('Natural colour class', ['farmland', 'ice', 'wood', 'rock', 'grass', 'wetland', 'sand']),
      subclass: str('Original natural/landuse/leisure/wetland value', Object.keys(LANDCOVER_CLASS_OF_SUBCLASS)),
    },
    classMinzoom: { ice: 0, wood: 7, grass: 7, farmland: 7, wetland: 7, sand: 7, rock: 7 },
  }),
  layer({
    id: 'landuse', description: 'Land use: residential, industrial, schools, pitches…', minzoom: 4, maxzoom: 14,
    fields: { class: str('Value of landuse, amenity, leisure, tourism, place or waterway', LANDUSE_CLASSES), subclass: str('Value of the parking tag'), access: str('Access restriction', ['no']) },
  }),
  layer({
    id: 'mountain_peak', description: 'Peaks and other natural points with an elevation', minzoom: 7, maxzoom: 14,
    fields: {
      ...NAMES,
      class: str('Kind of natural point', ['peak', 'volcano', 'saddle', 'ridge', 'cliff', 'arete']),
      ele: num('Elevation in metres'),
      ele_ft: num('Elevation in feet'),
      customary_ft: num('1 where feet are the customary unit (USA)', [1]),
      rank: num('Rank of the peak within its tile, 1 the most important'),
    },
  }),
  layer({
    id: 'park', description: 'National parks, nature reserves and protected areas', minzoom: 4, maxzoom: 14,
    fields: { ...NAMES, class: str('Kind of protected area (national_park, nature_reserve, protected_area…)'), rank: num('Rank of the park within its tile (points only)') },
  }),
  layer({
    id: 'boundary', description: 'Country and state borders', minzoom: 0, maxzoom: 14,
    fields: {
      class: str('Kind of boundary (aboriginal_lands)'),
      name: str('Name (area features only)'),
      admin_level: num('OSM admin_level: 2 country, 4 state or province'),
      adm0_l: str('Country on the left of the border'),
      adm0_r: str('Country on the right of the border'),
      disputed: num('1 if the border is disputed', [0, 1]),
      disputed_name: str('Name of the disputed area'),
      claimed_by: str('ISO code of the country claiming it'),
      maritime: num('1 for a maritime border', [0, 1]),
    },
    classMinzoom: {},
  }),
  layer({
    id: 'aeroway', description: 'Runways, taxiways, aprons and helipads', minzoom: 10, maxzoom: 14,
    fields: { ref: str('Runway or taxiway ref'), class: str('Value of the aeroway tag', ['aerodrome', 'heliport', 'runway', 'helipad', 'taxiway', 'apron', 'gate']) },
  }),
  layer({
    id: 'transportation', description: 'Roads, railways, paths and ferries as lines', minzoom: 4, maxzoom: 14,
    fields: {
      class: str('Road or railway class', TRANSPORTATION_CLASSES),
      subclass: str('Railway or path subclass', ['rail', 'narrow_gauge', 'preserved', 'funicular', 'subway', 'light_rail', 'monorail', 'tram', 'pedestrian', 'path', 'footway', 'cycleway', 'steps', 'bridleway', 'corridor', 'platform']),
      network: str('Route network type'),
      brunnel: str('Bridge, tunnel or ford', ['bridge', 'tunnel', 'ford']),
      oneway: num('1 one way along the line, -1 against it', [1, -1]),
      ramp: num('1 for a ramp (link or steps)', [1]),
      service: str('Value of the service tag', ['spur', 'yard', 'siding', 'crossover', 'driveway', 'alley', 'parking_aisle']),
      access: str('Access restriction', ['no']),
      toll: num('1 for a toll road', [0, 1]),
      expressway: num('1 for an expressway', [1]),
      layer: num('Value of the layer tag'),
      level: num('Value of the level tag'),
      indoor: num('1 for an indoor way', [1]),
      bicycle: str('Value of the bicycle tag'),
      foot: str('Value of the foot tag'),
      horse: str('Value of the horse tag'),
      mtb_scale: str('Value of the mtb:scale tag'),
      official: num('1 for an official path', [0, 1]),
      surface: str('Paved or unpaved', ['paved', 'unpaved']),
    },
    classMinzoom: ROAD_MINZOOM,
  }),
  layer({
    id: 'building', description: 'Building footprints with heights for 3D', minzoom: 13, maxzoom: 14,
    fields: { render_height: num('Height in metres'), render_min_height: num('Height of the bottom in metres'), colour: str('Colour'), hide_3d: str('true where the building should not be drawn in 3D') },
  }),
  layer({
    id: 'water_name', description: 'Names of oceans, seas, bays, straits and lakes as points', minzoom: 0, maxzoom: 14,
    fields: { ...NAMES, class: str('Kind of water body', ['lake', 'bay', 'strait', 'sea', 'ocean']), intermittent: num('1 for an intermittent lake', [0, 1]) },
  }),
  layer({
    id: 'transportation_name', description: 'Names and refs of roads as lines', minzoom: 6, maxzoom: 14,
    fields: {
      ...NAMES,
      ref: str('Road ref'),
      ref_length: num('Length of the ref'),
      network: str('Route network', ['us-interstate', 'us-highway', 'us-state', 'ca-transcanada', 'ca-provincial-arterial', 'ca-provincial', 'gb-motorway', 'gb-trunk', 'gb-primary', 'ie-motorway', 'ie-national', 'ie-regional', 'road']),
      class: str('Road class', [...TRANSPORTATION_CLASSES, 'motorway_junction']),
      subclass: str('Path subclass', ['pedestrian', 'path', 'footway', 'cycleway', 'steps', 'bridleway', 'corridor', 'platform', 'junction']),
      brunnel: str('Bridge, tunnel or ford', ['bridge', 'tunnel', 'ford']),
      level: num('Value of the level tag'),
      layer: num('Value of the layer tag'),
      indoor: num('1 for an indoor way', [1]),
    },
    classMinzoom: { ...ROAD_MINZOOM, motorway: 6, trunk: 6, primary: 8, secondary: 10, tertiary: 12 },
  }),
  layer({
    id: 'place', description: 'Continents, countries, states, cities, towns and villages as points', minzoom: 0, maxzoom: 14,
    fields: {
      ...NAMES,
      capital: num('Admin level the place is the capital of', [2, 3, 4, 5, 6]),
      class: str('Kind of place', ['continent', 'country', 'state', 'province', 'city', 'town', 'village', 'hamlet', 'borough', 'suburb', 'quarter', 'neighbourhood', 'isolated_dwelling', 'island', 'aboriginal_lands']),
      iso_a2: str('ISO 3166-1 alpha-2 country code (countries only)'),
      rank: num('Importance: 1 the most important'),
    },
  }),
  layer({
    id: 'housenumber', description: 'House numbers as points', minzoom: 14, maxzoom: 14,
    fields: { housenumber: str('Value of addr:housenumber') },
  }),
  layer({
    id: 'poi', description: 'Points of interest: shops, schools, parks, restaurants…', minzoom: 12, maxzoom: 14,
    fields: {
      ...NAMES,
      class: str('General class of the point (the subclass itself where the schema has no class for it)'),
      subclass: str('Original amenity, shop, leisure, tourism… value'),
      rank: num('Importance within its grid cell, 1 the most important'),
      agg_stop: num('1 for the main platform of a stop', [1]),
      level: num('Value of the level tag'),
      layer: num('Value of the layer tag'),
      indoor: num('1 for an indoor point', [1]),
    },
  }),
  layer({
    id: 'aerodrome_label', description: 'Airports as points', minzoom: 8, maxzoom: 14,
    fields: {
      ...NAMES,
      class: str('Importance of the aerodrome', ['international', 'public', 'regional', 'military', 'private', 'other']),
      iata: str('IATA code'),
      icao: str('ICAO code'),
      ele: num('Elevation in metres'),
      ele_ft: num('Elevation in feet'),
    },
    classMinzoom: { international: 8, public: 10, regional: 10, military: 10, private: 10, other: 10 },
  }),
];

export const OPENMAPTILES_LAYER_IDS = OPENMAPTILES_LAYERS.map((l) => l.id);
export const layerSpec = (id: string): LayerSpec | undefined => OPENMAPTILES_LAYERS.find((l) => l.id === id);

/** The first zoom the schema puts a feature of this class in this layer. */
export function classMinzoom(layerId: string, cls: unknown): number {
  const spec = layerSpec(layerId);
  if (!spec) return 0;
  return Math.max(spec.minzoom, (typeof cls === 'string' && spec.classMinzoom?.[cls]) || spec.minzoom);
}

/** TileJSON `vector_layers` for the schema: each layer's fields (name → type) and zoom range. */
export function vectorLayers(ids: readonly string[] = OPENMAPTILES_LAYER_IDS) {
  return OPENMAPTILES_LAYERS.filter((l) => ids.includes(l.id)).map((l) => ({
    id: l.id,
    description: l.description,
    minzoom: l.minzoom,
    maxzoom: l.maxzoom,
    fields: Object.fromEntries(Object.entries(l.fields).map(([name, f]) => [name, f.type])),
  }));
}
