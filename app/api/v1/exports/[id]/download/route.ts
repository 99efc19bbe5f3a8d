import type { NextRequest } from 'next/server';
import { signedDownloadUrl, signedThumbnailUrl } from '@/lib/exports/download';
import { personCalling } from '@/lib/http/access';
import { errorResponse } from '@/lib/http/respond';
import { NO_STORE } from '../../../_lib/http';

/**
 * 302 to a signed URL of the export's file, valid a few minutes, after the
 * owner and expiry checks; counts the download. `?thumbnail=1` redirects to
 * the history thumbnail instead, uncounted. 410 once expired, 409 before done.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const claims = await personCalling(request, 'GET /api/v1/exports/[id]/download');
    const { id } = await params;
    const thumbnail = request.nextUrl.searchParams.get('thumbnail') === '1';
    const url = thumbnail ? await signedThumbnailUrl(claims, id) : await signedDownloadUrl(claims, id);
    return new Response(null, { status: 302, headers: { ...NO_STORE, location: url } });
  } catch (e) {
    return errorResponse(e);
  }
}
