import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Sql } from '@/lib/db/client';

/**
 * Applies `migrations/NNNN_name.sql` in order, each once, each in its own
 * transaction, recorded with a checksum. Concurrent runners serialise on a
 * transaction-scoped advisory lock (safe through a transaction pooler) and
 * re-check inside it, so two processes starting at once never both apply one.
 */

export const MIGRATIONS_DIR = path.join(process.cwd(), 'migrations');
const LOCK_KEY = 0x6361_7274; // "cart"

export class MigrationError extends Error {
  constructor(
    readonly code: 'migration_changed' | 'migration_missing' | 'migration_failed' | 'migration_name',
    message: string,
  ) {
    super(message);
  }
}

export type Migration = { version: number; name: string; file: string; sql: string; checksum: string };

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  // schema.sql is the schema as it is now (npm run db:dump), not a step of its history.
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql') && f !== 'schema.sql').sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new MigrationError('migration_name', `Migration file ${file} must be named NNNN_snake_case_name.sql`);
    const version = Number(match[1]);
    if (seen.has(version)) throw new MigrationError('migration_name', `Two migration files share version ${version}`);
    seen.add(version);
    const text = readFileSync(path.join(dir, file), 'utf8');
    return { version, name: match[2], file, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
  });
}

export type MigrateResult = { applied: string[]; version: number };

export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = readMigrations(dir);
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx.unsafe(`
      create table if not exists public.schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      );
      alter table public.schema_migrations enable row level security;
      revoke all on public.schema_migrations from public;
    `).simple();
  });

  const applied: string[] = [];
  for (const m of migrations) {
    const ran = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
      const [row] = await tx<{ checksum: string }[]>`select checksum from public.schema_migrations where version = ${m.version}`;
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new MigrationError(
            'migration_changed',
            `Migration ${m.file} was changed after it was applied. Applied migrations are immutable: ` +
              `restore the file and put the change in a new migration.`,
          );
        }
        return false;
      }
      try {
        await tx.unsafe(m.sql).simple();
      } catch (e) {
        throw new MigrationError('migration_failed', `Migration ${m.file} failed: ${(e as Error).message}`);
      }
      await tx`insert into public.schema_migrations (version, name, checksum) values (${m.version}, ${m.name}, ${m.checksum})`;
      return true;
    });
    if (ran) applied.push(m.file);
  }

  const known = new Set(migrations.map((m) => m.version));
  const rows = await sql<{ version: number; name: string }[]>`select version, name from public.schema_migrations order by version`;
  const missing = rows.filter((r) => !known.has(r.version));
  if (missing.length) {
    throw new MigrationError(
      'migration_missing',
      `The database has migrations this code does not know: ${missing.map((r) => `${r.version}_${r.name}`).join(', ')}. ` +
        'Run a newer version of the app, or restore those files.',
    );
  }
  return { applied, version: rows.at(-1)?.version ?? 0 };
}
