import type { MetricsSnapshot } from '@/types/metrics';

/**
 * The Prometheus text exposition format (version 0.0.4) of a metrics
 * snapshot: one HELP and TYPE line per family, then its samples; histogram
 * buckets cumulative with `le`, ending in `+Inf` (= `_count`), then `_sum`
 * and `_count`. https://prometheus.io/docs/instrumenting/exposition_formats/
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Family = { type: 'counter' | 'gauge' | 'histogram'; help: string; /** Labels every sample carries. */ labels?: string[] };

/** Every family /api/metrics can show; a counter the database knows but this table does not still appears, with a generic help. */
export const METRIC_FAMILIES: Record<string, Family> = {
  carto_export_jobs: { type: 'gauge', help: 'Export jobs by status (queued and running are the queue depth).', labels: ['status'] },
  carto_export_oldest_queued_seconds: { type: 'gauge', help: 'Seconds the oldest due queued export has waited (0 when none).' },
  carto_export_claims_total: { type: 'counter', help: 'Export attempts claimed by a worker (completed + failed + cancelled attempts + running now).' },
  carto_export_completions_total: { type: 'counter', help: 'Exports that succeeded.' },
  carto_export_cancelled_attempts_total: { type: 'counter', help: 'Running export attempts that ended because the user cancelled.' },
  carto_export_failures_total: { type: 'counter', help: 'Failed export attempts (retried or final) by error code.', labels: ['code'] },
  carto_export_render_seconds: { type: 'histogram', help: 'Time of the successful attempt from claim to completion, by size preset.', labels: ['size'] },
  carto_export_result_bytes: { type: 'histogram', help: 'Size of finished export files in bytes, by size preset.', labels: ['size'] },
  carto_browser_restarts_total: { type: 'counter', help: 'Chromium browsers replaced by a worker: after a crash, recycled after N jobs, or unhealthy.', labels: ['reason'] },
};

export function formatPrometheus(snapshot: MetricsSnapshot): string {
  const out: string[] = [];
  const family = (name: string, fallback: Family['type']) => {
    const f = METRIC_FAMILIES[name] ?? { type: fallback, help: name.replace(/_/g, ' ') };
    out.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`);
  };

  family('carto_export_jobs', 'gauge');
  for (const [status, n] of Object.entries(snapshot.jobs)) out.push(sample('carto_export_jobs', { status }, n));
  family('carto_export_oldest_queued_seconds', 'gauge');
  out.push(sample('carto_export_oldest_queued_seconds', {}, snapshot.oldestQueuedSeconds));

  // Families that have seen nothing yet still declare themselves, so dashboards find them.
  const counters = groupBy(snapshot.counters, (c) => c.metric);
  for (const [name, f] of Object.entries(METRIC_FAMILIES)) if (f.type === 'counter' && !counters.has(name)) counters.set(name, []);
  for (const [name, series] of [...counters].sort(([a], [b]) => (a < b ? -1 : 1))) {
    family(name, 'counter');
    // A labelled counter has no series until its first event; an unlabelled one starts at 0.
    if (!series.length && !METRIC_FAMILIES[name]?.labels) out.push(sample(name, {}, 0));
    for (const c of series) out.push(sample(name, c.labels, c.value));
  }

  const histograms = groupBy(snapshot.histograms, (h) => h.metric);
  for (const [name, f] of Object.entries(METRIC_FAMILIES)) if (f.type === 'histogram' && !histograms.has(name)) histograms.set(name, []);
  for (const [name, series] of [...histograms].sort(([a], [b]) => (a < b ? -1 : 1))) {
    family(name, 'histogram');
    for (const h of series) {
      let cumulative = 0;
      for (const [le, n] of h.buckets) {
        cumulative += n;
        out.push(sample(`${name}_bucket`, { ...h.labels, le: formatNumber(le) }, cumulative));
      }
      out.push(sample(`${name}_bucket`, { ...h.labels, le: '+Inf' }, h.count));
      out.push(sample(`${name}_sum`, h.labels, h.sum));
      out.push(sample(`${name}_count`, h.labels, h.count));
    }
  }
  return out.join('\n') + '\n';
}

function sample(name: string, labels: Record<string, string>, value: number): string {
  const entries = Object.entries(labels);
  const body = entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
  return `${name}${body} ${formatNumber(value)}`;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

/** Label values escape backslash, double quote and newline. */
export const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
/** HELP text escapes backslash and newline. */
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}
