import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PlaceKind } from '@/types/places';
import { bboxCenter, cityExtent, type Bbox } from './extent';
import { fold, innerWordStarts, spellingVariants } from './fold';
import { readGeoNamesCities, GEONAMES_FILE } from './geonames';
import type { CountryRecord, RegionRecord } from './records';
import { StringTable } from './stringTable';

/**
 * The offline gazetteer: every populated place of 500 people or more
 * (GeoNames), every country (Natural Earth, with its names in 78 languages
 * from `i18n-iso-countries`) and every first-level region (GeoNames admin-1),
 * in one sorted table of folded names. Built once (see `indexCache.ts`).
 *
 * Layout: places are rows of parallel typed arrays; `keys` holds each distinct
 * folded name once, sorted by UTF-16 code unit, so a prefix is a binary-searched
 * range and the table doubles as a trie for the typo-tolerant walk
 * (`fuzzy.ts`); postings map a key to the places that carry it.
 */

export const KIND_CODE: Record<PlaceKind, number> = { city: 0, region: 1, country: 2 };
export const KIND_NAMES: PlaceKind[] = ['city', 'region', 'country'];

/** Which of a place's names a posting is: the primary name, a spelling of it, or alternate n (coded n + ALTERNATE). */
export const PRIMARY = 0;
export const PRIMARY_SPELLING = 1;
export const ALTERNATE = 2;
/** Set on a posting whose key starts at a later word of the name ("york" in "new york"). */
export const INNER = 1 << 14;
// Joins a place's alternate names; no name contains it (country names contain commas: "Korea, Republic of").
const ALT_SEPARATOR = '\u001f';

export type Gazetteer = {
  size: number;
  kind: Uint8Array;
  names: StringTable;
  /** A place's alternate names, joined (see `alternatesOf`; split only for the few results shown). */
  alternates: StringTable;
  lat: Float64Array;
  lng: Float64Array;
  population: Float64Array;
  /** Index into `countries`, or -1. */
  country: Int16Array;
  /** Index into `regions` (a city's region, a region itself), or -1. */
  region: Int32Array;
  /** Ranking weight: log10 of population, adjusted by kind (see `importanceOf`). */
  importance: Float32Array;
  /** Every place, most important first: short queries scan it instead of a sixth of the index. */
  byImportance: Int32Array;
  /** GeoNames id for cities; index into countries/regions otherwise. */
  sourceId: Int32Array;
  bbox: (Bbox | undefined)[];
  keys: StringTable;
  /** postings of keys[i] are postingPlace/postingName[postingStart[i] .. postingStart[i+1]). */
  postingStart: Int32Array;
  postingPlace: Int32Array;
  /** PRIMARY, PRIMARY_SPELLING or ALTERNATE + an alternate's index, with INNER set for a later-word key. */
  postingName: Int16Array;
  countries: (CountryRecord & { place: number })[];
  regions: (RegionRecord & { place: number; country: number })[];
  countryByCode: Map<string, number>;
  buildMs: number;
};

const DATA_DIR = path.join(process.cwd(), 'lib', 'places', 'data');

export function readCountries(): CountryRecord[] {
  return JSON.parse(readFileSync(path.join(DATA_DIR, 'countries.json'), 'utf8')) as CountryRecord[];
}
export function readRegions(): RegionRecord[] {
  return JSON.parse(readFileSync(path.join(DATA_DIR, 'regions.json'), 'utf8')) as RegionRecord[];
}

/** Country names in the 78 languages `i18n-iso-countries` ships ("Deutschland", "日本", "Italia"), by alpha-2 code. */
function countryNamesInAllLanguages(): Map<string, Set<string>> {
  const dir = path.join(process.cwd(), 'node_modules', 'i18n-iso-countries', 'langs');
  const out = new Map<string, Set<string>>();
  for (const file of readdirJson(dir)) {
    const { countries } = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { countries: Record<string, string | string[]> };
    for (const [code, names] of Object.entries(countries)) {
      let set = out.get(code);
      if (!set) out.set(code, (set = new Set()));
      for (const n of Array.isArray(names) ? names : [names]) set.add(n);
    }
  }
  return out;
}

function readdirJson(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json'));
}

/**
 * Larger places first: log10(population), a capital a little more, a region
 * or a country a little less than a city of its population (so "par" lists
 * Paris before Paraguay and Paraná, "mexico" the country before its capital,
 * which matches only by another name).
 */
function importanceOf(kind: PlaceKind, population: number, featureCode = ''): number {
  const base = population > 0 ? Math.log10(population + 1) : 2.5;
  if (kind === 'country') return base - 0.4;
  if (kind === 'region') return base - 0.9;
  return base + (featureCode === 'PPLC' ? 0.6 : featureCode === 'PPLA' ? 0.2 : 0);
}

export function buildGazetteer(file = GEONAMES_FILE): Gazetteer {
  const started = performance.now();
  const countryRecords = readCountries();
  const regionRecords = readRegions();
  const cities = [...readGeoNamesCities(file)];
  const size = cities.length + regionRecords.length + countryRecords.length;

  const g: Gazetteer = {
    size,
    kind: new Uint8Array(size),
    names: StringTable.from([]),
    alternates: StringTable.from([]),
    lat: new Float64Array(size),
    lng: new Float64Array(size),
    population: new Float64Array(size),
    country: new Int16Array(size).fill(-1),
    region: new Int32Array(size).fill(-1),
    importance: new Float32Array(size),
    sourceId: new Int32Array(size),
    byImportance: new Int32Array(0),
    bbox: new Array<Bbox | undefined>(size),
    keys: StringTable.from([]),
    postingStart: new Int32Array(0),
    postingPlace: new Int32Array(0),
    postingName: new Int16Array(0),
    countries: [],
    regions: [],
    countryByCode: new Map(),
    buildMs: 0,
  };

  // Every (key, place, which name) triple: a linked list per key in growable typed arrays
  // (600,000 small JS arrays would cost more memory and time than the index itself).
  const heads = new Map<string, number>();
  let entryPlace = new Int32Array(1 << 20);
  let entryName = new Int16Array(1 << 20);
  let entryNext = new Int32Array(1 << 20);
  let entries = 0;
  const add = (key: string, place: number, nameCode: number) => {
    if (!key) return;
    const head = heads.get(key);
    if (head !== undefined && entryPlace[head] === place) return; // a place's first (best) name for a key wins
    if (entries === entryPlace.length) {
      const grow = <T extends Int32Array | Int16Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      entryPlace = grow(entryPlace);
      entryName = grow(entryName);
      entryNext = grow(entryNext);
    }
    entryPlace[entries] = place;
    entryName[entries] = nameCode;
    entryNext[entries] = head ?? -1;
    heads.set(key, entries++);
  };
  const indexNames = (place: number, primary: string, spellings: string[], alternates: string[]) => {
    const f = fold(primary);
    add(f, place, PRIMARY);
    for (const v of spellingVariants(f)) add(v, place, PRIMARY_SPELLING);
    for (const s of spellings) {
      const fs = fold(s);
      add(fs, place, PRIMARY_SPELLING);
      for (const v of spellingVariants(fs)) add(v, place, PRIMARY_SPELLING);
    }
    for (let i = 0; i < alternates.length; i++) {
      const fa = fold(alternates[i]!);
      add(fa, place, i + ALTERNATE);
      for (const v of spellingVariants(fa)) add(v, place, i + ALTERNATE);
    }
    for (const inner of innerWordStarts(f)) add(inner, place, PRIMARY | INNER);
  };

  const countryNames = countryNamesInAllLanguages();
  const names = new Array<string>(size);
  const alternateNames = new Array<string>(size);
  let p = 0;
  for (const c of countryRecords) {
    const alternates = [...new Set([c.iso3, ...c.alt, ...(countryNames.get(c.code) ?? [])])].filter((n) => n !== c.name);
    g.kind[p] = KIND_CODE.country;
    names[p] = c.name;
    alternateNames[p] = alternates.join(ALT_SEPARATOR);
    g.population[p] = c.population;
    g.importance[p] = importanceOf('country', c.population);
    indexNames(p, c.name, [], alternates);
    p++;
  }
  for (const r of regionRecords) {
    const alternates = r.abbrev ? [...r.alt, r.abbrev] : r.alt;
    g.kind[p] = KIND_CODE.region;
    names[p] = r.name;
    alternateNames[p] = alternates.join(ALT_SEPARATOR);
    g.population[p] = r.population;
    g.importance[p] = importanceOf('region', r.population);
    indexNames(p, r.name, [], alternates);
    p++;
  }
  restoreRecords(g, countryRecords, regionRecords);
  const regionByCode = new Map(g.regions.map((r, i) => [r.code, i]));
  const none: string[] = [];
  for (const c of cities) {
    g.kind[p] = KIND_CODE.city;
    names[p] = c.name;
    alternateNames[p] = c.alternates.join(ALT_SEPARATOR);
    g.lat[p] = c.lat;
    g.lng[p] = c.lng;
    g.population[p] = c.population;
    g.country[p] = g.countryByCode.get(c.country) ?? -1;
    g.region[p] = regionByCode.get(`${c.country}.${c.admin1}`) ?? -1;
    g.importance[p] = importanceOf('city', c.population, c.featureCode);
    g.sourceId[p] = c.id;
    indexNames(p, c.name, c.asciiName !== c.name ? [c.asciiName] : none, c.alternates);
    p++;
  }

  g.names = StringTable.from(names);
  g.alternates = StringTable.from(alternateNames);
  const keys = [...heads.keys()].sort();
  g.keys = StringTable.from(keys);
  g.postingStart = new Int32Array(keys.length + 1);
  g.postingPlace = new Int32Array(entries);
  g.postingName = new Int16Array(entries);
  let at = 0;
  for (let i = 0; i < keys.length; i++) {
    g.postingStart[i] = at;
    for (let e = heads.get(keys[i]!)!; e !== -1; e = entryNext[e]!) {
      g.postingPlace[at] = entryPlace[e]!;
      g.postingName[at] = entryName[e]!;
      at++;
    }
  }
  g.postingStart[keys.length] = at;
  g.byImportance = Int32Array.from({ length: size }, (_, i) => i).sort((a, b) => g.importance[b]! - g.importance[a]! || a - b);
  g.buildMs = performance.now() - started;
  return g;
}

/**
 * The country and region rows (places 0 … C+R-1, in the order of the data
 * files) and what is derived from them; shared by a fresh build and a load
 * from the cache, which stores only the per-place arrays.
 */
export function restoreRecords(g: Gazetteer, countryRecords = readCountries(), regionRecords = readRegions()): void {
  g.bbox = new Array<Bbox | undefined>(g.size);
  g.countries = [];
  g.regions = [];
  g.countryByCode = new Map();
  let p = 0;
  for (const c of countryRecords) {
    const index = g.countries.length;
    g.countryByCode.set(c.code, index);
    g.countries.push({ ...c, place: p });
    placeRecord(g, p++, c.bbox, index, -1, index);
  }
  for (const r of regionRecords) {
    const index = g.regions.length;
    const country = g.countryByCode.get(r.code.split('.')[0]!) ?? -1;
    g.regions.push({ ...r, place: p, country });
    placeRecord(g, p++, r.bbox, country, index, index);
  }
}

function placeRecord(g: Gazetteer, p: number, bbox: Bbox, country: number, region: number, sourceId: number) {
  const center = bboxCenter(bbox);
  g.bbox[p] = bbox;
  g.lat[p] = center.lat;
  g.lng[p] = center.lng;
  g.country[p] = country;
  g.region[p] = region;
  g.sourceId[p] = sourceId;
}

const foldedCache = new WeakMap<Gazetteer, Map<number, string[]>>();

/** A country's or region's names, folded: what a qualifier ("…, Deutschland") is compared with. Made on first use. */
export function foldedNamesOf(g: Gazetteer, p: number): string[] {
  let cache = foldedCache.get(g);
  if (!cache) foldedCache.set(g, (cache = new Map()));
  let folded = cache.get(p);
  if (!folded) cache.set(p, (folded = [...new Set([nameOf(g, p), ...alternatesOf(g, p)].map(fold))].filter(Boolean)));
  return folded;
}

export function nameOf(g: Gazetteer, p: number): string {
  return g.names.at(p);
}

export function alternatesOf(g: Gazetteer, p: number): string[] {
  return g.alternates.length(p) ? g.alternates.at(p).split(ALT_SEPARATOR) : [];
}

/** A place's extent: its country's or region's box, or a city's from its population. */
export function extentOf(g: Gazetteer, place: number): Bbox {
  return g.bbox[place] ?? cityExtent({ lng: g.lng[place]!, lat: g.lat[place]! }, g.population[place]!);
}


