import { localStorageFromEnv, StorageError } from '@/lib/storage';

/** Serves objects of the local storage driver to holders of a signed, unexpired URL. */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await params;
  try {
    const download = await localStorageFromEnv().openSignedDownload(path.join('/'), new URL(request.url).searchParams);
    return new Response(download.body, { headers: download.headers });
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    return Response.json({ error: { code: error.code, message: error.message } }, { status: STATUS[error.code] ?? 500 });
  }
}

const STATUS: Record<string, number> = {
  invalid_signature: 403,
  invalid_object_path: 400,
  url_expired: 410,
  object_not_found: 404,
  storage_forbidden: 503,
};
