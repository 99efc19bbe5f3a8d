import { localStorageFromEnv } from '@/lib/storage';
import { errorResponse } from '@/lib/http/respond';

/** Serves objects of the local storage driver to holders of a signed, unexpired URL. */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await params;
  try {
    const download = await localStorageFromEnv().openSignedDownload(path.join('/'), new URL(request.url).searchParams);
    return new Response(download.body, { headers: download.headers });
  } catch (e) {
    return errorResponse(e);
  }
}
