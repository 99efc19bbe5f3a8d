import 'server-only';
import { hasBearer } from '@/lib/cron/auth';
import { env } from '@/lib/env';
import { queueCall } from '@/lib/exports/errors';
import { jsonb, serviceQuery } from '@/lib/db/serviceQuery';
import { log } from '@/lib/log';
import { formatPrometheus } from '@/lib/metrics/prometheus';
import { metricsSnapshotSchema, type MetricsSnapshot } from '@/types/metrics';

/**
 * Operational metrics. The database counts the queue's transitions itself
 * (a trigger in migrations/0009), so every worker — cron, kick, `npm run
 * worker` — is counted without a process keeping state; this module reads
 * them for /api/metrics and records the few things only a process sees.
 */

export class MetricsUnauthorized extends Error {
  readonly code = 'unauthenticated';
  constructor(message = 'Metrics need `Authorization: Bearer $METRICS_SECRET` (or $CRON_SECRET when METRICS_SECRET is unset).') {
    super(message);
  }
}

/** Metrics are for the operator's scraper only: METRICS_SECRET, or CRON_SECRET when that is unset; none set refuses all. */
export function assertMetricsRequest(headers: Headers): void {
  const e = env();
  const secret = e.METRICS_SECRET ?? e.CRON_SECRET;
  if (!secret) throw new MetricsUnauthorized('Neither METRICS_SECRET nor CRON_SECRET is set, so /api/metrics refuses every call. Set one and redeploy.');
  if (!hasBearer(headers, secret)) throw new MetricsUnauthorized();
}

/** Every metric in one round trip. */
export async function readMetrics(): Promise<MetricsSnapshot> {
  return queueCall(async () => {
    const [row] = await serviceQuery`select public.export_metrics() as m`;
    return metricsSnapshotSchema.parse(row.m);
  });
}

/** The Prometheus text of GET /api/metrics. */
export async function metricsText(): Promise<string> {
  return formatPrometheus(await readMetrics());
}

/** Adds to a process-observed counter (name ending in `_total`). */
export async function recordMetric(metric: string, labels: Record<string, string> = {}, delta = 1): Promise<void> {
  await queueCall(() => serviceQuery`select public.record_export_metric(${metric}, ${jsonb(labels)}, ${delta})`);
}

/** recordMetric for callers that must not fail or wait for it (a browser restart inside a render): a lost count is logged. */
export function recordMetricInBackground(metric: string, labels: Record<string, string> = {}): void {
  recordMetric(metric, labels).catch((err) => log().warn({ event: 'metric_lost', metric, labels, err }, 'could not record a metric'));
}
