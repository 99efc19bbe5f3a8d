import { basemapTile } from '@/lib/map/basemap/tiles';
import { errorResponse } from '@/lib/http/respond';

/** A vector tile of the offline basemap (OpenMapTiles schema). */
export async function GET(_request: Request, { params }: { params: Promise<{ z: string; x: string; y: string }> }) {
  const { z, x, y } = await params;
  try {
    const tile = await basemapTile(Number(z), Number(x), Number(y.replace(/\.pbf$/, '')));
    return new Response(tile as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': 'application/x-protobuf', 'cache-control': 'public, max-age=86400' },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
