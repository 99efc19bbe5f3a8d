// One pooled connection, so every transaction below runs on the same connection as the one before.
process.env.DATABASE_POOL_MAX = '1';

import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { withUser } from '@/lib/db/session';

afterAll(closeSql);

describe('withUser on a pooled connection', () => {
  it('leaks neither identity nor role to the next transaction on the same pool', async () => {
    const id = randomUUID();
    for (let i = 0; i < 3; i++) {
      await withUser({ sub: id, role: 'authenticated' }, async (tx) => tx`select 1`);
      const [after] = await sql()`select auth.uid() as uid, current_user as role, current_setting('request.jwt.claims', true) as claims`;
      expect(after.uid).toBeNull();
      expect(after.role).not.toBe('authenticated');
      expect(after.claims ?? '').toBe('');
    }
  });

  it('uses one connection throughout', async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 3; i++) pids.add((await sql()`select pg_backend_pid() as p`)[0].p);
    expect(pids.size).toBe(1);
  });
});
