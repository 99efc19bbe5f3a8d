import { afterAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/health/route';
import { closeSql } from '@/lib/db/client';
import { readMigrations } from '@/lib/db/migrate';

afterAll(closeSql);

describe('GET /api/health', () => {
  it('answers 200 with the migrations version against the embedded database', async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.database).toEqual({ ok: true, migrationsVersion: readMigrations().at(-1)!.version });
  });
});
