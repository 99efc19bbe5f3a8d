import type { NextRequest } from 'next/server';
import { retryExport } from '@/lib/exports/queue';
import { presentExport } from '@/lib/exports/present';
import { personCalling } from '@/lib/http/access';
import { errorResponse } from '@/lib/http/respond';
import type { ApiExport } from '@/types/api';
import { NO_STORE } from '../../../_lib/http';
import { kickWorker } from '@/lib/worker/kick';

export const maxDuration = 300;

/** Queues a failed or cancelled export again: 202 with its status object. */
export async function POST(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const claims = await personCalling(request, 'POST /api/v1/exports/[id]/retry');
    const body: ApiExport = presentExport(await retryExport(claims, (await params).id));
    kickWorker();
    return Response.json(body, { status: 202, headers: { ...NO_STORE, location: body.statusUrl } });
  } catch (e) {
    return errorResponse(e);
  }
}
