import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { asAnon, asService, withUser } from '@/lib/db/session';

afterAll(closeSql);

describe('withUser', () => {
  it('runs as `authenticated` with auth.uid() the caller', async () => {
    const id = randomUUID();
    const row = await withUser({ sub: id, role: 'authenticated' }, async (tx) => {
      const [r] = await tx`select auth.uid() as uid, current_user as role, auth.role() as claim_role, auth.jwt() ->> 'sub' as jwt_sub`;
      return r;
    });
    expect(row).toEqual({ uid: id, role: 'authenticated', claim_role: 'authenticated', jwt_sub: id });
  });

  it('keeps two users in concurrent transactions apart', async () => {
    const ids = Array.from({ length: 8 }, () => randomUUID());
    const seen = await Promise.all(
      ids.map((id) => withUser({ sub: id, role: 'authenticated' }, async (tx) => {
        await tx`select pg_sleep(0.02)`;
        const [r] = await tx`select auth.uid() as uid`;
        return r.uid;
      })),
    );
    expect(seen).toEqual(ids);
  });

  it('rolls back on error and leaves no identity behind', async () => {
    const id = randomUUID();
    await expect(withUser({ sub: id, role: 'authenticated' }, async (tx) => {
      await tx`select 1/0`;
    })).rejects.toThrow(/division by zero/);
    const [r] = await sql()`select auth.uid() as uid`;
    expect(r.uid).toBeNull();
  });
});

describe('asService and asAnon', () => {
  it('run as service_role and anon, with no user id', async () => {
    expect(await asService(async (tx) => (await tx`select current_user as r, auth.uid() as u`)[0])).toEqual({ r: 'service_role', u: null });
    expect(await asAnon(async (tx) => (await tx`select current_user as r, auth.uid() as u`)[0])).toEqual({ r: 'anon', u: null });
  });
});
