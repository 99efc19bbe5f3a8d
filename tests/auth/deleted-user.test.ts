import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { POST as createExport } from '@/app/api/v1/exports/route';
import { POST as createKey } from '@/app/api/v1/keys/route';
import { GET as webhookSecret } from '@/app/api/v1/webhook-secret/route';
import { apiRequest, exportRequest, signIn } from '../api/helpers';

afterAll(closeSql);

/**
 * A token outlives its user: Supabase's until it expires, the local sign-in's
 * for a week. Every route that writes a row referencing auth.users answered
 * such a token with 500 (foreign key 23503); it is a 401 before anything runs.
 */
describe('a signed-in user whose account was deleted', () => {
  it.each([
    ['POST /api/v1/exports', (token: string) => createExport(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest() }))],
    ['GET /api/v1/webhook-secret', (token: string) => webhookSecret(apiRequest('GET', '/api/v1/webhook-secret', { token }))],
    ['POST /api/v1/keys', (token: string) => createKey(apiRequest('POST', '/api/v1/keys', { token, body: { name: 'ci' } }))],
  ])('gets 401 from %s, not 500, and nothing is written', async (_, call) => {
    const { token, userId } = await signIn();
    await sql()`delete from auth.users where id = ${userId}`;
    const res = await call(token);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(/no longer exists/) });
    const [{ n }] = await sql()<{ n: number }[]>`
      select (select count(*) from public.export_jobs where user_id = ${userId})
           + (select count(*) from public.api_keys where user_id = ${userId})::int as n`;
    expect(Number(n)).toBe(0);
  });
});
