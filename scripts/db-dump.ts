/**
 * `npm run db:dump`: applies every migration to a fresh, throwaway embedded
 * Postgres and writes the schema as it is now to migrations/schema.sql
 * (lib/db/schemaDump.ts). Touches no other database.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { freePort, startEmbeddedPostgres } from '@/lib/db/embedded';
import { MIGRATIONS_DIR, migrate } from '@/lib/db/migrate';
import { dumpSchema } from '@/lib/db/schemaDump';

export const SCHEMA_FILE = path.join(MIGRATIONS_DIR, 'schema.sql');

async function main() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'carto-dump-'));
  chmodSync(root, 0o755); // mkdtemp makes 0700, which the postgres user cannot enter
  const pg = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: await freePort(), password: randomBytes(12).toString('hex'), database: 'carto_dump', ephemeral: true });
  const sql = postgres(pg.url, { max: 1, prepare: false, onnotice: () => {} });
  try {
    await migrate(sql);
    writeFileSync(SCHEMA_FILE, await dumpSchema(sql));
    console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
  } finally {
    await sql.end();
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
