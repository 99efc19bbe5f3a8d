import type { Bbox } from './extent';

/** A row of data/countries.json (Natural Earth admin-0, derived by data/derive.ts). */
export type CountryRecord = {
  /** ISO 3166-1 alpha-2. */
  code: string;
  iso3: string;
  /** English short name. */
  name: string;
  /** Long and formal names, other spellings. */
  alt: string[];
  population: number;
  bbox: Bbox;
};

/** A row of data/regions.json (GeoNames admin-1 with bounds, derived by data/derive.ts). */
export type RegionRecord = {
  /** GeoNames admin-1 code, `US.TX`, `DE.02`. */
  code: string;
  name: string;
  alt: string[];
  /** A postal abbreviation other than the code's own part (`ON` for `CA.08`). */
  abbrev?: string;
  /** Sum of its places' populations (places of 500 people or more). */
  population: number;
  bbox: Bbox;
  /** Natural Earth polygons, or the box around its GeoNames places. */
  boundsFrom: 'natural-earth' | 'places';
};
