import { env } from '@/lib/env';
import { log } from '@/lib/log';
import type { PlaceSearchResponse } from '@/types/places';
import { GeocoderUnavailable } from './errors';
import { searchOnline } from './online';
import { searchPlaces, suggestPlaceNames } from './search';

/**
 * GET /api/places: the offline gazetteer answers at once; `source=online`
 * asks the configured geocoder, which the editor does beside it and merges
 * after the offline results, so a slow network never holds the list back.
 */
export async function answerPlaceSearch(query: { q: string; limit: number; source: 'offline' | 'online' }): Promise<{ body: PlaceSearchResponse; maxAgeSeconds: number }> {
  const { GEOCODER_URL, GEOCODER_TIMEOUT_MS } = env();
  if (query.source === 'online') {
    if (!GEOCODER_URL) return { body: { results: [], online: false }, maxAgeSeconds: 3600 };
    try {
      return { body: { results: await searchOnline(query.q, query.limit, { url: GEOCODER_URL, timeoutMs: GEOCODER_TIMEOUT_MS }), online: true }, maxAgeSeconds: 3600 };
    } catch (e) {
      // The query is a person's search: never logged, only why the geocoder failed.
      if (e instanceof GeocoderUnavailable) log().warn({ event: 'geocoder_failed', reason: e.message }, 'online geocoder failed');
      throw e;
    }
  }
  const results = searchPlaces(query.q, query.limit);
  return {
    body: { results, online: Boolean(GEOCODER_URL), ...(results.length === 0 ? { suggestions: suggestPlaceNames(query.q) } : {}) },
    // The gazetteer changes only with a deploy.
    maxAgeSeconds: 86_400,
  };
}
