import { cpSync, mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSql } from '@/lib/db/client';
import { MIGRATIONS_DIR, migrate, MigrationError, readMigrations } from '@/lib/db/migrate';
import { createEmptyDatabase } from '../support/db';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function emptyDb() {
  const db = await createEmptyDatabase();
  cleanups.push(db.drop);
  return db;
}

function copyOfMigrations(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('migrations', () => {
  it('apply every file once on an empty database, and nothing on a second run', async () => {
    const { sql } = await emptyDb();
    const all = readMigrations();
    const first = await migrate(sql);
    expect(first.applied).toEqual(all.map((m) => m.file));
    expect(first.version).toBe(all.at(-1)!.version);

    const second = await migrate(sql);
    expect(second.applied).toEqual([]);
    const rows = await sql`select version from public.schema_migrations`;
    expect(rows).toHaveLength(all.length);
  });

  it('refuse to run when an applied migration file was changed', async () => {
    const { sql } = await emptyDb();
    const dir = copyOfMigrations();
    await migrate(sql, dir);
    appendFileSync(path.join(dir, readMigrations(dir)[0].file), '\n-- edited after release\n');
    const err = await migrate(sql, dir).catch((e) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.code).toBe('migration_changed');
    expect(err.message).toMatch(/was changed after it was applied/);
  });

  it('apply a new file added later, and roll back a failing one completely', async () => {
    const { sql } = await emptyDb();
    const dir = copyOfMigrations();
    await migrate(sql, dir);
    writeFileSync(path.join(dir, '9000_add_probe.sql'), 'create table public.probe_ok (id int);');
    writeFileSync(path.join(dir, '9001_broken.sql'), 'create table public.probe_half (id int);\nselect no_such_function();');
    const err = await migrate(sql, dir).catch((e) => e);
    expect(err.code).toBe('migration_failed');
    expect(err.message).toContain('9001_broken.sql');
    const [t] = await sql`select to_regclass('public.probe_ok') as ok, to_regclass('public.probe_half') as half`;
    expect(t.ok).toBe('probe_ok');
    expect(t.half).toBeNull();
    const versions = (await sql`select version from public.schema_migrations`).map((r) => r.version);
    expect(versions).toContain(9000);
    expect(versions).not.toContain(9001);
  });

  it('are applied by exactly one of two runners started at once', async () => {
    const { url, sql } = await emptyDb();
    const other = createSql(url, 2);
    cleanups.push(() => other.end());
    const [a, b] = await Promise.all([migrate(sql), migrate(other)]);
    const total = readMigrations().length;
    expect(a.applied.length + b.applied.length).toBe(total);
    expect(new Set([...a.applied, ...b.applied]).size).toBe(total);
    const [{ n }] = await sql`select count(*)::int as n from public.schema_migrations`;
    expect(n).toBe(total);
  });

  it('create the Supabase roles and auth functions only where they are missing', async () => {
    const { sql } = await emptyDb();
    // Pre-existing auth.uid() with a marker comment stands in for Supabase's own.
    await sql.unsafe(`create schema auth; create function auth.uid() returns uuid language sql stable as $$ select null::uuid $$; comment on function auth.uid() is 'preexisting';`).simple();
    await migrate(sql);
    const [row] = await sql`select obj_description('auth.uid()'::regprocedure) as c, to_regprocedure('auth.jwt()') is not null as jwt, to_regclass('auth.users') is not null as users`;
    expect(row).toEqual({ c: 'preexisting', jwt: true, users: true });
    const roles = (await sql`select rolname from pg_roles where rolname in ('anon','authenticated','service_role') order by 1`).map((r) => r.rolname);
    expect(roles).toEqual(['anon', 'authenticated', 'service_role']);
  });
});
