import type { NextRequest } from 'next/server';
import { requestExportBatch } from '@/lib/exports/queue';
import { presentExport } from '@/lib/exports/present';
import { personCalling } from '@/lib/http/access';
import { z } from 'zod';
import { errorResponse, parseJsonBody, parseWith } from '@/lib/http/respond';
import { withPlacesResolved } from '@/lib/places/resolve';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { MAX_BATCH_REQUEST_BYTES } from '@/lib/overlays/limits';
import { apiExportBatchCreateSchema, type ApiExportBatch } from '@/types/api';
import { idempotencyKeyOf, NO_STORE } from '../../_lib/http';
import { kickWorker } from '@/lib/worker/kick';

export const maxDuration = 300;

/** Queues up to 10 exports, all or none: an invalid entry is a 400 naming its index and field, and queues nothing. */
export async function POST(request: NextRequest): Promise<Response> {
  try {
    const claims = await personCalling(request, 'POST /api/v1/exports/batch');
    const json = withPlacesResolved(await parseJsonBody(request, z.unknown(), MAX_BATCH_REQUEST_BYTES), DEFAULT_POSTER);
    const { exports, idempotencyKey: bodyKey } = parseWith(apiExportBatchCreateSchema, json);
    const idempotencyKey = idempotencyKeyOf(request.headers.get('idempotency-key'), bodyKey);
    const queued = await requestExportBatch(claims, exports, { idempotencyKey });
    const created = queued.filter((q) => q.created).length;
    if (created) kickWorker();
    const body: ApiExportBatch = { exports: queued.map(({ job }) => presentExport(job)) };
    return Response.json(body, { status: 202, headers: { ...NO_STORE, ...(created ? {} : { 'idempotent-replayed': 'true' }) } });
  } catch (e) {
    return errorResponse(e);
  }
}
