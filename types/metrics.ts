import { z } from 'zod';
import { EXPORT_STATUSES } from '@/types/vocabulary';

/**
 * What the database's `export_metrics()` answers (migrations/0009): live job
 * counts, counters summed over their shards, and histograms with every finite
 * bucket (not cumulative) plus sum and count. Counts arrive as JSON numbers.
 */

const labelsSchema = z.record(z.string(), z.string());

export const metricsSnapshotSchema = z.object({
  jobs: z.record(z.enum(EXPORT_STATUSES), z.number().nonnegative()),
  oldestQueuedSeconds: z.number().nonnegative(),
  counters: z.array(z.object({ metric: z.string(), labels: labelsSchema, value: z.number().nonnegative() })),
  histograms: z.array(
    z.object({
      metric: z.string(),
      labels: labelsSchema,
      /** [upper bound, observations in this bucket only], ascending; +Inf is `count`. */
      buckets: z.array(z.tuple([z.number(), z.number().nonnegative()])),
      sum: z.number(),
      count: z.number().nonnegative(),
    }),
  ),
});
export type MetricsSnapshot = z.infer<typeof metricsSnapshotSchema>;

/** Counters only a process can observe, recorded through `record_export_metric`. */
export const browserRestartReasonSchema = z.enum(['crash', 'recycle', 'unhealthy']);
export type BrowserRestartReason = z.infer<typeof browserRestartReasonSchema>;
