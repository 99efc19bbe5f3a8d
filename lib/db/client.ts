import postgres from 'postgres';
import { env } from '@/lib/env';
import { embeddedUrl } from '@/lib/db/embedded';
import { loadDevSecrets } from '@/lib/devSecrets';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/** Where this process's database is: DATABASE_URL, or the embedded instance the start script runs. */
export function databaseUrl(): string {
  const e = env();
  if (e.DATABASE_URL) return e.DATABASE_URL;
  return embeddedUrl(e.EMBEDDED_PG_PORT, loadDevSecrets(e.DATA_DIR).pgPassword);
}

export function createSql(url: string, max = env().DATABASE_POOL_MAX): Sql {
  return postgres(url, {
    max,
    // Supabase's transaction pooler cannot keep prepared statements across transactions.
    prepare: false,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    // Timestamps and bigints stay exact; parsing into types happens at the zod edge.
    types: { bigint: postgres.BigInt },
  });
}

// One pool per process; kept on globalThis so Next's dev reloads do not leak pools.
const g = globalThis as unknown as { __cartoSql?: Sql };

export function sql(): Sql {
  g.__cartoSql ??= createSql(databaseUrl());
  return g.__cartoSql;
}

export async function closeSql(): Promise<void> {
  const s = g.__cartoSql;
  g.__cartoSql = undefined;
  await s?.end({ timeout: 5 });
}
