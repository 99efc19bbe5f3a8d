import { z } from 'zod';
import {
  exportFormatSchema,
  exportRequestSchema,
  exportSizeSchema,
  exportStatusSchema,
  MAX_BATCH,
  requestOptionsSchema,
} from '@/types/exports';
import { clientText } from '@/types/text';
import { webhookEventTypeSchema, webhookStateSchema } from '@/types/webhooks';

/**
 * What the HTTP API returns for an export: the one status object shared by
 * GET /api/v1/exports/:id, the history list, the SSE stream and webhooks, and
 * read by the export panel (stores/exportStore.ts). Dates are ISO strings.
 */
export const apiExportSchema = z.object({
  id: z.uuid(),
  status: exportStatusSchema,
  /** 0–100 and what the worker is doing, e.g. "rendering tile 3/12". */
  progress: z.number().int().min(0).max(100),
  stage: z.string().nullable(),
  format: exportFormatSchema,
  size: exportSizeSchema,
  /** Poster title, for lists. */
  title: z.string(),
  /** Pixel size and print size the export will have. */
  width: z.number().int(),
  height: z.number().int(),
  dpi: z.number().int(),
  /** "A4 portrait · bleed 3 mm", or the screen preset's name. */
  sizeLabel: z.string(),
  /** The trim (as designed) and bleed of a paper size, in mm; null for a screen preset. */
  paper: z.object({ widthMm: z.number(), heightMm: z.number(), bleedMm: z.number(), cropMarks: z.boolean() }).nullable(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  /** Set when the job failed, or on the attempt that will be retried. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Set once succeeded (and kept, without URLs, once expired). */
  result: z
    .object({
      bytes: z.number().int(),
      contentType: z.string(),
      expiresAt: z.string(),
      downloadCount: z.number().int(),
      missingMapTiles: z.number().int().optional(),
      /** App URL that checks ownership and expiry and redirects to a short-lived signed URL; null once expired. */
      downloadUrl: z.string().nullable(),
      thumbnailUrl: z.string().nullable(),
    })
    .nullable(),
  cancelRequested: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Seconds until done, roughly, while queued or running. */
  estimatedSeconds: z.number().int().nullable(),
  statusUrl: z.string(),
  /** The request's webhook and how its delivery went; null without a webhookUrl. State null: the export has not ended yet. */
  webhook: z
    .object({
      url: z.string(),
      state: webhookStateSchema.nullable(),
      attempts: z.number().int(),
      lastStatus: z.number().int().nullable(),
      lastError: z.string().nullable(),
      lastAttemptAt: z.string().nullable(),
      nextAttemptAt: z.string().nullable(),
      deliveredAt: z.string().nullable(),
    })
    .nullable(),
});
export type ApiExport = z.infer<typeof apiExportSchema>;

/**
 * What a webhook POSTs: one event per terminal state of an export, `id`
 * unchanged across retries (dedupe on it), `data` the status object with
 * absolute URLs.
 */
export const apiWebhookEventSchema = z.object({
  id: z.uuid(),
  type: webhookEventTypeSchema,
  createdAt: z.string(),
  data: apiExportSchema,
});
export type ApiWebhookEvent = z.infer<typeof apiWebhookEventSchema>;

export const apiExportListSchema = z.object({ exports: z.array(apiExportSchema), nextCursor: z.string().nullable() });
export type ApiExportList = z.infer<typeof apiExportListSchema>;

export type ApiError = { error: { code: string; message: string; details?: unknown } };

/** Body of POST /api/v1/exports; the idempotency key may come as the `Idempotency-Key` header instead. */
export const apiExportCreateSchema = exportRequestSchema.safeExtend({ idempotencyKey: requestOptionsSchema.shape.idempotencyKey });
export type ApiExportCreate = z.input<typeof apiExportCreateSchema>;

/** Body of POST /api/v1/exports/batch: 1 to 10 exports, queued all or none. */
export const apiExportBatchCreateSchema = z.strictObject({
  exports: z.array(exportRequestSchema).min(1, 'send at least one export').max(MAX_BATCH, `send at most ${MAX_BATCH} exports at once`),
  idempotencyKey: requestOptionsSchema.shape.idempotencyKey,
});
export type ApiExportBatchCreate = z.input<typeof apiExportBatchCreateSchema>;

/** What POST /api/v1/exports/batch returns, in the order of the request. */
export const apiExportBatchSchema = z.object({ exports: z.array(apiExportSchema) });
export type ApiExportBatch = z.infer<typeof apiExportBatchSchema>;

/** Query of GET /api/v1/exports. */
export const apiExportListQuerySchema = z.strictObject({
  cursor: clientText().optional(),
  status: exportStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
