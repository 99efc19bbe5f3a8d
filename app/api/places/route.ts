import type { NextRequest } from 'next/server';
import { errorResponse, parseWith } from '@/lib/http/respond';
import { answerPlaceSearch } from '@/lib/places/service';
import { placeSearchQuerySchema } from '@/types/places';

// Public, read-only data: any origin may search (the tile routes' data is public the same way).
const CORS = { 'access-control-allow-origin': '*' } as const;

/** Place search: `?q=Paris&limit=10` (offline gazetteer) or `&source=online` (the configured geocoder). */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const params = request.nextUrl.searchParams;
    const query = parseWith(placeSearchQuerySchema, {
      q: params.get('q') ?? undefined,
      limit: params.get('limit') || undefined,
      source: params.get('source') || undefined,
    });
    const { body, maxAgeSeconds } = await answerPlaceSearch(query);
    return Response.json(body, { headers: { ...CORS, 'cache-control': `public, max-age=${maxAgeSeconds}` } });
  } catch (e) {
    const response = errorResponse(e);
    for (const [k, v] of Object.entries(CORS)) response.headers.set(k, v);
    return response;
  }
}
