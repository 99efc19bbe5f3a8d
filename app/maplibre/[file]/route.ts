import { errorResponse } from '@/lib/http/respond';
import { maplibreWorkerScript } from '@/lib/map/maplibreWorkerFile';

/** MapLibre's worker script, served by the app (see lib/map/maplibreWorker.ts for why). */
export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  try {
    const script = await maplibreWorkerScript(file);
    return new Response(script as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' } });
  } catch (error) {
    return errorResponse(error);
  }
}
