import type { Sql } from '@/lib/db/client';

/** The newest applied migration; kept apart from the runner so routes do not pull migration files into their bundle. */
export async function migrationsVersion(sql: Sql): Promise<number> {
  const [row] = await sql<{ v: number | null }[]>`select max(version) as v from public.schema_migrations`;
  return row?.v ?? 0;
}
