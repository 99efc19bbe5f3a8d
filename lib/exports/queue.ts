import 'server-only';
import { withUser } from '@/lib/db/session';
import type { Tx } from '@/lib/db/client';
import type { JwtClaims } from '@/types/auth';
import {
  exportListQuerySchema,
  exportRequestSchema,
  MAX_BATCH,
  requestOptionsSchema,
  type ExportJob,
  type ExportListQuery,
  type ExportPage,
  type RequestOptions,
} from '@/types/exports';
import { InvalidRequest, NotFound, queueCall } from '@/lib/exports/errors';
import { jsonParam, parseExportJob, USER_COLUMNS } from '@/lib/exports/rows';
import { assertWebhookUrlAllowed } from '@/lib/webhooks/policy';

/**
 * The user's side of the export queue: thin typed wrappers over the SQL
 * functions of migrations/0004, run as the caller (row-level security on).
 * Quotas, idempotency and state checks are decided in SQL, not here.
 */

export type RequestedExport = { job: ExportJob; created: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseRequest(input: unknown, index: number | null = null) {
  const parsed = exportRequestSchema.safeParse(input);
  if (parsed.success) {
    // The address policy needs the environment, so it is checked here rather than in the schema.
    if (parsed.data.webhookUrl) assertWebhookUrlAllowed(parsed.data.webhookUrl, index === null ? 'webhookUrl' : `exports.${index}.webhookUrl`);
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const problem = `${issue.path.join('.') || 'request'}: ${issue.message}`;
  throw new InvalidRequest(problem, index, index === null ? `Fix the export request (${problem}).` : `Fix export ${index + 1} of the batch (${problem}).`);
}

function parseOptions(options: RequestOptions) {
  const parsed = requestOptionsSchema.safeParse(options);
  if (!parsed.success) throw new InvalidRequest(parsed.error.issues[0].message);
  return parsed.data;
}

async function jobsById(tx: Tx, ids: string[]): Promise<ExportJob[]> {
  const rows = await tx`select ${tx(USER_COLUMNS as unknown as string[])} from public.export_jobs where id in ${tx(ids)}`;
  const byId = new Map(rows.map((r) => [r.id as string, parseExportJob(r)]));
  return ids.map((id) => {
    const job = byId.get(id);
    if (!job) throw new NotFound(`Export ${id} was not found.`);
    return job;
  });
}

/** Queues one export for the caller, or returns the job an earlier call with the same idempotency key made. */
export async function requestExport(claims: JwtClaims, input: unknown, options: RequestOptions = {}): Promise<RequestedExport> {
  const request = parseRequest(input);
  const { idempotencyKey, priority } = parseOptions(options);
  return queueCall(() =>
    withUser(claims, async (tx) => {
      const [row] = await tx<{ job_id: string; created: boolean }[]>`
        select job_id, created from public.request_export(${jsonParam(tx, request)}, ${idempotencyKey ?? null}, ${priority ?? 0})`;
      const [job] = await jobsById(tx, [row.job_id]);
      return { job, created: row.created };
    }),
  );
}

/** Queues up to 10 exports, all or nothing (one invalid entry or one over quota queues none). */
export async function requestExportBatch(claims: JwtClaims, inputs: unknown[], options: RequestOptions = {}): Promise<RequestedExport[]> {
  if (inputs.length < 1 || inputs.length > MAX_BATCH) {
    throw new InvalidRequest(`a batch holds 1 to ${MAX_BATCH} exports`, null, `Send between 1 and ${MAX_BATCH} exports at once.`);
  }
  const requests = inputs.map((input, i) => parseRequest(input, i));
  const { idempotencyKey, priority } = parseOptions(options);
  return queueCall(() =>
    withUser(claims, async (tx) => {
      const rows = await tx<{ job_id: string; created: boolean }[]>`
        select job_id, created from public.request_export_batch(${jsonParam(tx, requests)}, ${idempotencyKey ?? null}, ${priority ?? 0})`;
      const jobs = await jobsById(tx, rows.map((r) => r.job_id));
      return jobs.map((job, i) => ({ job, created: rows[i].created }));
    }),
  );
}

/** Cancels a queued export at once, or asks the worker to stop a running one. */
export async function cancelExport(claims: JwtClaims, id: string): Promise<ExportJob> {
  if (!UUID.test(id)) throw new NotFound(`Export ${id} was not found.`);
  return queueCall(() =>
    withUser(claims, async (tx) => {
      await tx`select public.cancel_export(${id})`;
      return (await jobsById(tx, [id]))[0];
    }),
  );
}

/** Queues a failed or cancelled export again (a bounded number of times). */
export async function retryExport(claims: JwtClaims, id: string): Promise<ExportJob> {
  if (!UUID.test(id)) throw new NotFound(`Export ${id} was not found.`);
  return queueCall(() =>
    withUser(claims, async (tx) => {
      await tx`select public.retry_export(${id})`;
      return (await jobsById(tx, [id]))[0];
    }),
  );
}

export async function getExport(claims: JwtClaims, id: string): Promise<ExportJob> {
  if (!UUID.test(id)) throw new NotFound(`Export ${id} was not found.`);
  return queueCall(() => withUser(claims, async (tx) => (await jobsById(tx, [id]))[0]));
}

export type DownloadTarget = { path: string; contentType: string; expiresAt: Date };

/** Counts a download of the caller's unexpired result and returns the object to sign a URL for. */
export async function recordDownload(claims: JwtClaims, id: string): Promise<DownloadTarget> {
  if (!UUID.test(id)) throw new NotFound(`Export ${id} was not found.`);
  return queueCall(() =>
    withUser(claims, async (tx) => {
      const [row] = await tx<{ result_path: string; result_content_type: string; expires_at: Date }[]>`
        select * from public.record_export_download(${id})`;
      return { path: row.result_path, contentType: row.result_content_type, expiresAt: row.expires_at };
    }),
  );
}

// The cursor carries created_at as Postgres text (microseconds), which a JS Date would round to
// milliseconds; it goes back as text too, since postgres.js would pass a timestamptz parameter through a Date.
function encodeCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}

// The text form Postgres gives a timestamptz (what encodeCursor stored), and nothing looser: Date.parse takes "1".
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && PG_TIMESTAMP.test(value[0]) && !Number.isNaN(Date.parse(value[0])) && !value[0].startsWith('0000') && UUID.test(String(value[1]))) {
      return [value[0], String(value[1])];
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidRequest('cursor is not one this API returned', null, 'Start the list again without a cursor.');
}

/** The caller's exports, newest first, a page at a time (keyset on created_at, id: stable while new jobs arrive). */
export async function listExports(claims: JwtClaims, query: ExportListQuery = {}): Promise<ExportPage> {
  const parsed = exportListQuerySchema.safeParse(query);
  if (!parsed.success) throw new InvalidRequest(parsed.error.issues[0].message);
  const { cursor, status, limit } = parsed.data;
  const after = cursor ? decodeCursor(cursor) : null;
  return queueCall(() =>
    withUser(claims, async (tx) => {
      const rows = await tx`
        select ${tx(USER_COLUMNS as unknown as string[])}, created_at::text as sort_key
          from public.export_jobs
         where user_id = ${claims.sub}
           ${status ? tx`and status = ${status}` : tx``}
           ${after ? tx`and (created_at, id) < (${after[0]}::text::timestamptz, ${after[1]}::uuid)` : tx``}
         order by created_at desc, id desc
         limit ${limit + 1}`;
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        jobs: page.map(parseExportJob),
        nextCursor: rows.length > limit && last ? encodeCursor(last.sort_key as string, last.id as string) : null,
      };
    }),
  );
}
