import { cleanupExports } from '@/lib/worker/cleanup';
import { assertOperator } from '@/lib/http/access';
import { errorResponse } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';
export const maxDuration = 300;

/** Vercel cron (and the local scheduler): remove expired files, files of failed jobs, orphans; purge old rows. */
export async function GET(request: Request) {
  try {
    assertOperator(request, 'GET /api/cron/cleanup-exports');
    const report = await cleanupExports({ budgetMs: (maxDuration - 30) * 1000 });
    return Response.json(report, { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    return errorResponse(e);
  }
}
