import { placeQuerySchema, type PlaceResult } from '@/types/places';
import type { PosterConfig } from '@/types/poster';
import { InvalidPlaceName, PlaceNotFound } from './errors';
import { searchPlaces, suggestPlaceNames } from './search';
import { posterAtPlace } from './view';

/**
 * A place name as the CLI (`--place "Paris, France"`) and the export API
 * (`"place": "Kyoto"`) take it: the offline gazetteer's best match, exactly
 * as the editor's search box would list it first. Throws PlaceNotFound with
 * the closest names when nothing matches.
 */
export function resolvePlace(query: string, path = 'place'): PlaceResult {
  const parsed = placeQuerySchema.safeParse(query);
  if (!parsed.success) throw new InvalidPlaceName(parsed.error.issues[0]!.message, path);
  const [best] = searchPlaces(parsed.data, 1);
  if (!best) throw new PlaceNotFound(parsed.data, suggestPlaceNames(parsed.data), path);
  return best;
}

/**
 * An export request body with `place` resolved into its poster (the default
 * poster when it has none): the map framed on the place, title, subtitle and
 * coordinates filled in. Anything else is left for the request schema to check.
 */
export function withPlaceResolved(body: unknown, defaultPoster: PosterConfig, path = 'place'): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('place' in body)) return body;
  const { place, ...rest } = body as Record<string, unknown>;
  if (typeof place !== 'string') throw new InvalidPlaceName('expected a place name, e.g. "Kyoto"', path);
  const poster = (rest.poster ?? defaultPoster) as PosterConfig;
  // A poster that is not an object is left as it is: the schema then names the problem.
  if (typeof poster !== 'object' || poster === null || typeof poster.format !== 'object' || poster.format === null) return { ...rest, poster };
  return { ...rest, poster: posterAtPlace(poster, resolvePlace(place, path)) };
}

/** A batch body (`{ exports: [...] }`) with each entry's `place` resolved, errors naming the entry. */
export function withPlacesResolved(body: unknown, defaultPoster: PosterConfig): unknown {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { exports?: unknown }).exports)) return body;
  const b = body as { exports: unknown[] };
  return { ...b, exports: b.exports.map((entry, i) => withPlaceResolved(entry, defaultPoster, `exports.${i}.place`)) };
}
