import 'server-only';
import postgres from 'postgres';
import { databaseUrl } from '@/lib/db/client';
import { env } from '@/lib/env';
import { serviceQuery, type SqlValue } from '@/lib/db/serviceQuery';

/**
 * The standalone worker's own connection to the queue. `npm run worker`
 * opens it; the app's request path, the kick and the cron stay on the pooled,
 * unprepared connection of lib/db (Supabase's transaction pooler allows
 * neither LISTEN nor prepared statements). Being direct, it can:
 *
 * - LISTEN on QUEUE_CHANNEL, which a trigger notifies when a job is queued
 *   (migrations/0012), so an idle worker claims at once instead of polling;
 * - keep prepared statements: each worker call is one Bind/Execute round trip
 *   of a statement parsed once.
 *
 * It logs in as service_role through a startup parameter, the role the pooled
 * path sets per call (serviceQuery), so the same grants and RLS apply.
 */

export const QUEUE_CHANNEL = 'carto_export_jobs';

/** Supabase's transaction pooler: no LISTEN, no prepared statements. */
const TRANSACTION_POOLER_PORT = '6543';

/** WORKER_DATABASE_URL, else DATABASE_URL (or the embedded database) unless it is the transaction pooler. */
export function directWorkerUrl(): string | undefined {
  const configured = env().WORKER_DATABASE_URL;
  if (configured) return configured;
  const url = databaseUrl();
  return new URL(url).port === TRANSACTION_POOLER_PORT ? undefined : url;
}

const g = globalThis as unknown as { __cartoWorkerSql?: postgres.Sql };

/** Opens this process's direct connection (idempotent); from then on the worker's queue calls use it. */
export function openDirectWorkerConnection(url: string, max: number): postgres.Sql {
  g.__cartoWorkerSql ??= postgres(url, {
    max,
    connection: { role: 'service_role', application_name: 'carto-export worker' },
    connect_timeout: 10,
    onnotice: () => {},
    // The same parsing as the pooled connection, so rows look the same whichever path read them.
    types: { bigint: postgres.BigInt },
  });
  return g.__cartoWorkerSql;
}

/** The direct connection if this process opened one. */
export function directWorkerSql(): postgres.Sql | undefined {
  return g.__cartoWorkerSql;
}

export async function closeDirectWorkerConnection(): Promise<void> {
  const s = g.__cartoWorkerSql;
  g.__cartoWorkerSql = undefined;
  await s?.end({ timeout: 5 });
}

/** Calls `onQueued` whenever a job is queued; resolves once the LISTEN is in place. */
export async function listenForQueuedJobs(sql: postgres.Sql, onQueued: () => void): Promise<{ unlisten: () => Promise<void> }> {
  const { unlisten } = await sql.listen(QUEUE_CHANNEL, onQueued);
  return { unlisten };
}

/**
 * One worker call: on the direct connection as a prepared statement when this
 * process opened one, else as one pooled serviceQuery message. Same SQL, same
 * role, same rows either way.
 */
export async function workerQuery(strings: TemplateStringsArray, ...values: SqlValue[]): Promise<Record<string, unknown>[]> {
  const direct = directWorkerSql();
  if (!direct) return serviceQuery(strings, ...values);
  // As serviceQuery's literals: undefined is null, { json } is jsonb.
  const params = values.map((v) =>
    v === undefined ? null : v !== null && typeof v === 'object' && !Array.isArray(v) ? direct.json((v as { json: unknown }).json as postgres.JSONValue) : v,
  );
  return [...(await direct(strings, ...(params as postgres.ParameterOrFragment<never>[])))];
}
