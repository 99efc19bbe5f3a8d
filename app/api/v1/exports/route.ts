import type { NextRequest } from 'next/server';
import { listExports, requestExport } from '@/lib/exports/queue';
import { presentExport } from '@/lib/exports/present';
import { personCalling } from '@/lib/http/access';
import { z } from 'zod';
import { MAX_EXPORT_REQUEST_BYTES } from '@/lib/overlays/limits';
import { errorResponse, parseJsonBody, parseWith } from '@/lib/http/respond';
import { withPlaceResolved } from '@/lib/places/resolve';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { apiExportCreateSchema, apiExportListQuerySchema, type ApiExport, type ApiExportList } from '@/types/api';
import { idempotencyKeyOf, NO_STORE } from '../_lib/http';
import { kickWorker } from '@/lib/worker/kick';

// The worker kick (after()) runs within this function's time.
export const maxDuration = 300;

/** Queues one export: 202 with the status object and its URL. Replaying an idempotency key returns the first job. */
export async function POST(request: NextRequest): Promise<Response> {
  try {
    const claims = await personCalling(request, 'POST /api/v1/exports');
    // `"place": "Kyoto"` frames the poster (or the default one) on that place before the body is checked.
    const json = withPlaceResolved(await parseJsonBody(request, z.unknown(), MAX_EXPORT_REQUEST_BYTES), DEFAULT_POSTER);
    const { idempotencyKey: bodyKey, ...exportRequest } = parseWith(apiExportCreateSchema, json);
    const idempotencyKey = idempotencyKeyOf(request.headers.get('idempotency-key'), bodyKey);
    const { job, created } = await requestExport(claims, exportRequest, { idempotencyKey });
    if (created) kickWorker();
    const body: ApiExport = presentExport(job);
    return Response.json(body, {
      status: 202,
      headers: { ...NO_STORE, location: body.statusUrl, ...(created ? {} : { 'idempotent-replayed': 'true' }) },
    });
  } catch (e) {
    return errorResponse(e);
  }
}

/** The caller's exports, newest first: `?cursor=&limit=&status=`. */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const claims = await personCalling(request, 'GET /api/v1/exports');
    // An empty parameter (`?status=`) means "not set", as a form would send it.
    const params = Object.fromEntries([...request.nextUrl.searchParams].filter(([, v]) => v !== ''));
    const query = parseWith(apiExportListQuerySchema, params);
    const page = await listExports(claims, query);
    const body: ApiExportList = { exports: page.jobs.map((job) => presentExport(job)), nextCursor: page.nextCursor };
    return Response.json(body, { headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}
