import { errorResponse } from '@/lib/http/respond';
import { CORS_HEADERS, servedTile } from '@/lib/map/tiles/serve';

/** A vector tile in the OpenMapTiles schema: the offline basemap's, or TILES_FILE's. */
export async function GET(_request: Request, { params }: { params: Promise<{ z: string; x: string; y: string }> }) {
  const { z, x, y } = await params;
  try {
    const tile = await servedTile(Number(z), Number(x), Number(y.replace(/\.(pbf|mvt)$/, '')));
    return new Response(tile as Uint8Array<ArrayBuffer>, {
      headers: { ...CORS_HEADERS, 'content-type': 'application/x-protobuf', 'cache-control': 'public, max-age=86400' },
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export function OPTIONS() {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}
