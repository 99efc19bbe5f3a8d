import { errorResponse } from '@/lib/http/respond';
import { CORS_HEADERS, requestOrigin, servedTileJson } from '@/lib/map/tiles/serve';

/** TileJSON of the tiles served at /api/tiles/{z}/{x}/{y}: the offline basemap or TILES_FILE. */
export async function GET(request: Request) {
  try {
    return Response.json(await servedTileJson(requestOrigin(request)), { headers: { ...CORS_HEADERS, 'cache-control': 'public, max-age=3600' } });
  } catch (error) {
    return errorResponse(error);
  }
}

export function OPTIONS() {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}
