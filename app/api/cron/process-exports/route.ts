import { assertOperator } from '@/lib/http/access';
import { tick } from '@/lib/worker/tick';
import { errorResponse } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';
// Vercel's limit for this function; the worker's lease (WORKER_LEASE_SECONDS) is longer, so a live run is never reaped.
export const maxDuration = 300;
const BUDGET_MS = (maxDuration - 45) * 1000;

/** Vercel cron (and the local scheduler): reap, then claim and render exports while the budget allows. */
export async function GET(request: Request) {
  try {
    assertOperator(request, 'GET /api/cron/process-exports');
    const report = await tick({ budgetMs: BUDGET_MS, signal: request.signal });
    return Response.json(report, { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    return errorResponse(e);
  }
}
