import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate } from '@/lib/db/migrate';
import { dumpSchema } from '@/lib/db/schemaDump';
import { createEmptyDatabase } from '../support/db';

let drop: (() => Promise<void>) | undefined;
afterAll(() => drop?.());

describe('migrations/schema.sql', () => {
  it('is the schema the migrations build on a fresh database (run npm run db:dump after changing a migration)', async () => {
    const db = await createEmptyDatabase();
    drop = db.drop;
    await migrate(db.sql);
    const fresh = await dumpSchema(db.sql);
    expect(fresh).toContain('create table public.export_jobs');
    expect(fresh).toContain('CREATE OR REPLACE FUNCTION public.claim_export_jobs');
    const committed = readFileSync(path.join(MIGRATIONS_DIR, 'schema.sql'), 'utf8');
    // Compared whole, so the failure shows the lines that changed.
    expect(committed, 'migrations/schema.sql is stale: run npm run db:dump and commit it').toBe(fresh);
  });
});
