import 'server-only';
import { sql } from '@/lib/db/client';
import { migrationsVersion } from '@/lib/db/version';

export type HealthReport = {
  status: 'ok' | 'degraded';
  database: { ok: boolean; migrationsVersion?: number; error?: string };
};

/** What `/api/health` reports; `ok` is false only when the database is unreachable. */
export async function checkHealth(): Promise<HealthReport> {
  try {
    const version = await withTimeout(migrationsVersion(sql()), 5_000);
    return { status: 'ok', database: { ok: true, migrationsVersion: version } };
  } catch (e) {
    return { status: 'degraded', database: { ok: false, error: describe(e) } };
  }
}

function describe(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'database refused the connection (is Postgres running?)';
  if (code === 'timeout') return 'database did not answer within 5 s';
  if (code === '42P01') return 'database has no migrations applied yet';
  return 'database unreachable';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'timeout' })), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
