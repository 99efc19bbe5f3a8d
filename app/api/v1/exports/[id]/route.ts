import type { NextRequest } from 'next/server';
import { cancelExport, getExport } from '@/lib/exports/queue';
import { presentExport } from '@/lib/exports/present';
import { personCalling } from '@/lib/http/access';
import { errorResponse } from '@/lib/http/respond';
import type { ApiExport } from '@/types/api';
import { NO_STORE } from '../../_lib/http';

type Context = { params: Promise<{ id: string }> };

/** Status, progress, stage, error and result of one of the caller's exports (another user's is 404). */
export async function GET(request: NextRequest, { params }: Context): Promise<Response> {
  try {
    const claims = await personCalling(request, 'GET /api/v1/exports/[id]');
    const body: ApiExport = presentExport(await getExport(claims, (await params).id));
    return Response.json(body, { headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}

/** Cancels: 200 when the export is cancelled at once, 202 when a running render was asked to stop. */
export async function DELETE(request: NextRequest, { params }: Context): Promise<Response> {
  try {
    const claims = await personCalling(request, 'DELETE /api/v1/exports/[id]');
    const body: ApiExport = presentExport(await cancelExport(claims, (await params).id));
    return Response.json(body, { status: body.status === 'cancelled' ? 200 : 202, headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}
