import { z } from 'zod';
import { posterConfigSchema } from '@/types/poster';
import { clientText } from '@/types/text';
import { printOptionsShape, printSizeSchema, refinePrintOptions } from '@/types/print';
import { EXPORT_STATUSES, OUTPUT_FORMAT_IDS } from '@/types/vocabulary';
import { webhookEventTypeSchema, webhookStateSchema, webhookUrlSchema } from '@/types/webhooks';

/**
 * The export queue's types. Statuses, formats and sizes come from
 * types/vocabulary.ts; the SQL checks repeat them, and
 * tests/foundation/vocabulary.test.ts fails when the two disagree.
 */

export const exportStatusSchema = z.enum(EXPORT_STATUSES);
export type ExportStatus = z.infer<typeof exportStatusSchema>;

/** Raster: png, jpeg, pdf (an image on a page). Vector (lines stay lines): svg, vector-pdf. */
export const exportFormatSchema = z.enum(OUTPUT_FORMAT_IDS);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** Screen presets, paper sizes and custom paper (types/print.ts). */
export const exportSizeSchema = printSizeSchema;
export type ExportSize = z.infer<typeof exportSizeSchema>;

/** What a user asks for, checked in full at the edge (every bad poster field listed); stored as the row's `request`. */
const exportRequestFields = z.strictObject({
  poster: posterConfigSchema,
  format: exportFormatSchema,
  size: exportSizeSchema,
  ...printOptionsShape,
  /** Where to POST the signed status object once the export ends (succeeded, failed or cancelled). */
  webhookUrl: webhookUrlSchema.optional(),
});
export const exportRequestSchema = exportRequestFields.superRefine(refinePrintOptions);
export type ExportRequest = z.infer<typeof exportRequestSchema>;

/**
 * A stored request as read back from a row: the poster stays loose, so a row
 * saved under an older poster schema still lists in the history; the worker
 * parses it with `parsePosterConfig` and fails it as `invalid_poster`.
 */
export const storedExportRequestSchema = exportRequestFields.extend({
  poster: z.record(z.string(), z.unknown()),
  // Read as stored: the sender re-checks it (policy and DNS) before every delivery.
  webhookUrl: z.string().optional(),
}).loose();

export const MAX_BATCH = 10;

export const requestOptionsSchema = z.object({
  /** Replaying a key with the same request returns the first job (a retried POST creates nothing new). */
  idempotencyKey: clientText().min(1).max(196).optional(),
  /** Users may only lower their own priority (e.g. for background batches). */
  priority: z.number().int().min(-10).max(0).optional(),
});
export type RequestOptions = z.infer<typeof requestOptionsSchema>;

const timestamp = z.date();
const nullableTimestamp = z.date().nullable();
// postgres.js returns bigint columns as BigInt (exact); byte counts fit a number.
const bigintAsNumber = z.union([z.bigint(), z.number()]).transform(Number);

/** A job as its owner sees it (rows read under row-level security, camelCased). */
export const exportJobSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  status: exportStatusSchema,
  request: storedExportRequestSchema,
  priority: z.number().int(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  manualRetries: z.number().int(),
  runAt: timestamp,
  leaseExpiresAt: nullableTimestamp,
  heartbeatAt: nullableTimestamp,
  cancelRequestedAt: nullableTimestamp,
  progress: z.number().int().min(0).max(100),
  stage: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  resultPath: z.string().nullable(),
  resultBytes: bigintAsNumber.nullable(),
  resultWidth: z.number().int().nullable(),
  resultHeight: z.number().int().nullable(),
  resultContentType: z.string().nullable(),
  thumbnailPath: z.string().nullable(),
  resultMeta: z.record(z.string(), z.unknown()).nullable(),
  expiresAt: nullableTimestamp,
  downloadCount: z.number().int(),
  idempotencyKey: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  startedAt: nullableTimestamp,
  finishedAt: nullableTimestamp,
  // The webhook delivery of the job's latest terminal event (migrations/0008).
  webhookEventId: z.uuid().nullable(),
  webhookEvent: webhookEventTypeSchema.nullable(),
  webhookState: webhookStateSchema.nullable(),
  webhookAttempts: z.number().int(),
  webhookLastStatus: z.number().int().nullable(),
  webhookLastError: z.string().nullable(),
  webhookLastAttemptAt: nullableTimestamp,
  webhookNextAt: nullableTimestamp,
  webhookDeliveredAt: nullableTimestamp,
});
export type ExportJob = z.infer<typeof exportJobSchema>;

/** A job as the worker holds it: with the lease it must name on every write. */
export const workerJobSchema = exportJobSchema.extend({
  leaseToken: z.uuid().nullable(),
  leaseSeconds: z.number().int().nullable(),
  lockedBy: z.string().nullable(),
  storedPaths: z.array(z.string()),
});
export type WorkerJob = z.infer<typeof workerJobSchema>;
/** A job just claimed: running, with a lease. */
export type ClaimedJob = WorkerJob & { status: 'running'; leaseToken: string; leaseExpiresAt: Date };

export const exportResultSchema = z.object({
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  contentType: z.string().min(1),
  thumbnailPath: z.string().min(1).optional(),
  /** Facts about the render worth keeping, e.g. `{ missingTiles: 3 }`. */
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type ExportResult = z.infer<typeof exportResultSchema>;

export const exportListQuerySchema = z.object({
  cursor: z.string().optional(),
  status: exportStatusSchema.optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export type ExportListQuery = z.input<typeof exportListQuerySchema>;
export type ExportPage = { jobs: ExportJob[]; nextCursor: string | null };

export const quotaLimitSchema = z.enum(['active_jobs', 'daily_exports', 'stored_bytes']);
export type QuotaLimit = z.infer<typeof quotaLimitSchema>;

/** The queue's settings row (migrations/0003), with the same bounds. */
export const queueSettingsSchema = z.object({
  maxActiveJobs: z.number().int().min(1).max(1000),
  maxExportsPerDay: z.number().int().min(1).max(100_000),
  maxStoredBytes: z.number().int().positive(),
  resultTtlSeconds: z.number().int().min(60).max(31_536_000),
  maxAttempts: z.number().int().min(1).max(10),
  backoffBaseSeconds: z.number().int().min(1).max(3600),
  backoffMaxSeconds: z.number().int().min(1).max(86_400),
  maxManualRetries: z.number().int().min(0).max(100),
  maxRequestBytes: z.number().int().min(1024).max(10_485_760),
  historyRetentionDays: z.number().int().min(1).max(3650),
});
export type QueueSettings = z.infer<typeof queueSettingsSchema>;
