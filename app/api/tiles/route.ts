import { basemapTileJson } from '@/lib/map/basemap/tiles';

/** TileJSON of the offline basemap. */
export function GET(request: Request) {
  return Response.json(basemapTileJson(new URL(request.url).origin), { headers: { 'cache-control': 'public, max-age=3600' } });
}
