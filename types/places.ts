import { z } from 'zod';

/** Place search (GET /api/places, the editor's search box, `--place`, an export's `place`). */

export const PLACE_KINDS = ['city', 'region', 'country'] as const;
export const placeKindSchema = z.enum(PLACE_KINDS);
export type PlaceKind = z.infer<typeof placeKindSchema>;

export const MAX_PLACE_QUERY = 200;
export const MAX_PLACE_LIMIT = 50;

// Control characters (C0, DEL, C1) never belong in a place name; refusing them keeps them out of logs and caches.
 
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A place name as a person types it: "Paris", "Springfield, Illinois", "東京". */
export const placeQuerySchema = z
  .string({ message: 'expected a place name, e.g. "Paris" or "Springfield, Illinois"' })
  .max(MAX_PLACE_QUERY, `a place name can be at most ${MAX_PLACE_QUERY} characters`)
  .refine((q) => !CONTROL.test(q), 'a place name cannot contain control characters')
  .transform((q) => q.trim())
  .refine((q) => q.length > 0, 'type a place name, e.g. "Paris" or "Springfield, Illinois"');

/** The query of GET /api/places. */
export const placeSearchQuerySchema = z.object({
  q: placeQuerySchema,
  limit: z.coerce.number({ message: `expected a whole number from 1 to ${MAX_PLACE_LIMIT}` }).int(`expected a whole number from 1 to ${MAX_PLACE_LIMIT}`).min(1, `expected a whole number from 1 to ${MAX_PLACE_LIMIT}`).max(MAX_PLACE_LIMIT, `expected a whole number from 1 to ${MAX_PLACE_LIMIT}`).default(10),
  /** `online`: ask the configured geocoder (GEOCODER_URL) instead of the offline gazetteer. */
  source: z.enum(['offline', 'online']).default('offline'),
});

const lngLat = z.object({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) });
/** `[west, south, east, north]`; west > east when the box crosses the antimeridian (as in GeoJSON). */
export const bboxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const placeResultSchema = z.object({
  /** `geonames:2988507`, `region:US.TX`, `country:FR`, or the geocoder's id. */
  id: z.string(),
  kind: placeKindSchema,
  /** The place's usual (English) name. */
  name: z.string(),
  /** The name the query matched when it was another one ("Wien" for Vienna). */
  matchedName: z.string().optional(),
  /** State, province or region; absent for regions and countries. */
  region: z.string().optional(),
  country: z.string(),
  /** ISO 3166-1 alpha-2. */
  countryCode: z.string(),
  center: lngLat,
  bbox: bboxSchema,
  population: z.number().int().nonnegative().optional(),
  source: z.enum(['offline', 'online']),
});
export type PlaceResult = z.infer<typeof placeResultSchema>;

export const placeSearchResponseSchema = z.object({
  results: z.array(placeResultSchema),
  /** On an offline answer: whether an online geocoder is configured, i.e. worth asking with `source=online`. */
  online: z.boolean().optional(),
  /** When nothing matched: the closest names, to offer as "did you mean". */
  suggestions: z.array(z.string()).optional(),
});
export type PlaceSearchResponse = z.infer<typeof placeSearchResponseSchema>;
