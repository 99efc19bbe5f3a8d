import { assertOperator } from '@/lib/http/access';
import { errorResponse } from '@/lib/http/respond';
import { metricsText } from '@/lib/metrics';
import { PROMETHEUS_CONTENT_TYPE } from '@/lib/metrics/prometheus';

export const dynamic = 'force-dynamic';

/** Prometheus scrape target, for the operator only (bearer METRICS_SECRET or CRON_SECRET). */
export async function GET(request: Request) {
  try {
    assertOperator(request, 'GET /api/metrics');
    return new Response(await metricsText(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' } });
  } catch (e) {
    return errorResponse(e);
  }
}
