// Set before the environment is first read (lazily, by env()).
process.env.API_KEY_RATE_LIMIT = '7';
process.env.API_KEY_MAX_ACTIVE = '9';

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { withUser } from '@/lib/db/session';
import { authenticateApiKey, generateApiKey } from '@/lib/auth/apiKeys';
import { applyApiKeySettings, apiKeySettingsFromEnv, getApiKeySettings } from '@/lib/auth/apiKeySettings';
import { verifyAccessToken } from '@/lib/auth/tokens';
import { apiExportListSchema } from '@/types/api';
import { apiKeyCreatedSchema, apiKeyListSchema, apiKeySchema, type ApiKeyCreated } from '@/types/apiKeys';
import { GET as listKeys, POST as createKey } from '@/app/api/v1/keys/route';
import { DELETE as revokeKey } from '@/app/api/v1/keys/[id]/route';
import { GET as listExports, POST as createExport } from '@/app/api/v1/exports/route';
import { DELETE as cancelExport, GET as exportStatus } from '@/app/api/v1/exports/[id]/route';
import { GET as download } from '@/app/api/v1/exports/[id]/download/route';
import { apiRequest, asExport, exportRequest, finishJob, params, signIn } from '../api/helpers';

afterAll(closeSql);

const DEFAULTS = { rateLimit: 60, rateWindowSeconds: 60, maxActiveKeys: 20 };
afterEach(async () => {
  await applyApiKeySettings(DEFAULTS);
});

type ErrorBody = { error: { code: string; message: string; details?: { path: string; message: string }[] } };
const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

async function newKey(token: string, name = 'print shop'): Promise<ApiKeyCreated> {
  const res = await createKey(apiRequest('POST', '/api/v1/keys', { token, body: { name } }));
  expect(res.status).toBe(201);
  return apiKeyCreatedSchema.parse(await res.json());
}

async function keysOf(token: string) {
  const res = await listKeys(apiRequest('GET', '/api/v1/keys', { token }));
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, keys: apiKeyListSchema.parse(JSON.parse(text)).keys };
}

const historyWith = (key: string) => listExports(apiRequest('GET', '/api/v1/exports', { token: key }));

describe('key lifecycle', () => {
  it('is shown once, works as a Bearer on the export API, records its use, and stops at once when revoked', async () => {
    const { token, userId } = await signIn();
    const created = await newKey(token);
    expect(created.key).toMatch(/^cek_[0-9A-Za-z]{8}_[0-9A-Za-z]{43}$/);
    expect(created.key.startsWith(created.apiKey.prefix)).toBe(true);
    expect(created.apiKey).toMatchObject({ name: 'print shop', status: 'active', lastUsedAt: null, revokedAt: null });

    // Only a hash is stored, and no list shows the secret or the hash.
    const [stored] = await sql()<{ hash: string }[]>`select hash from public.api_keys where id = ${created.apiKey.id}`;
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.hash).not.toContain(created.key.slice(13));
    const listed = await keysOf(token);
    expect(listed.keys).toEqual([created.apiKey]);
    expect(listed.text).not.toContain(created.key.slice(13));
    expect(listed.text).not.toContain(stored.hash);

    // The key acts as its owner: it queues an export and sees it in the history.
    const queued = await createExport(apiRequest('POST', '/api/v1/exports', { token: created.key, body: exportRequest() }));
    expect(queued.status).toBe(202);
    const job = await asExport(queued);
    const [row] = await sql()<{ user_id: string }[]>`select user_id from public.export_jobs where id = ${job.id}`;
    expect(row.user_id).toBe(userId);
    const history = await historyWith(created.key);
    expect(history.status).toBe(200);
    expect(apiExportListSchema.parse(await history.json()).exports.map((e) => e.id)).toEqual([job.id]);

    const used = (await keysOf(token)).keys[0];
    expect(used.lastUsedAt).not.toBeNull();
    expect(Date.parse(used.lastUsedAt!)).toBeGreaterThanOrEqual(Date.parse(used.createdAt));

    const revoked = await revokeKey(apiRequest('DELETE', `/api/v1/keys/${created.apiKey.id}`, { token }), params({ id: created.apiKey.id }));
    expect(revoked.status).toBe(200);
    const revokedKey = apiKeySchema.parse(await revoked.json());
    expect(revokedKey).toMatchObject({ status: 'revoked', id: created.apiKey.id });

    const refused = await historyWith(created.key);
    expect(refused.status).toBe(401);
    expect(await errorOf(refused)).toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(/invalid or has been revoked/) });

    // Revoking again changes nothing; the key stays listed as revoked.
    const again = await revokeKey(apiRequest('DELETE', `/api/v1/keys/${created.apiKey.id}`, { token }), params({ id: created.apiKey.id }));
    expect(again.status).toBe(200);
    expect(apiKeySchema.parse(await again.json()).revokedAt).toBe(revokedKey.revokedAt);
    expect((await keysOf(token)).keys).toEqual([expect.objectContaining({ id: created.apiKey.id, status: 'revoked' })]);
  });

  it('stands for the same claims a session has, so row-level security sees the same user', async () => {
    const { token, userId } = await signIn();
    const { key } = await newKey(token);
    const claims = await authenticateApiKey(key);
    expect(claims).toMatchObject({ sub: userId, role: 'authenticated', email: (await verifyAccessToken(token)).email });
    expect(await withUser(claims, async (tx) => (await tx`select auth.uid() as u`)[0].u)).toBe(userId);
  });

  it('caps active keys per person, race-free; a revoked key frees its slot', async () => {
    await applyApiKeySettings({ maxActiveKeys: 2 });
    const { token } = await signIn();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => createKey(apiRequest('POST', '/api/v1/keys', { token, body: { name: `k${i}` } }))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(await errorOf(refused)).toMatchObject({ code: 'api_key_limit', message: expect.stringMatching(/revoke one/) });

    const [first] = (await keysOf(token)).keys;
    await revokeKey(apiRequest('DELETE', `/api/v1/keys/${first.id}`, { token }), params({ id: first.id }));
    await newKey(token, 'replacement');
  });
});

describe('isolation', () => {
  it("another person's key sees, cancels and downloads none of my exports (404, as for a session)", async () => {
    const a = await signIn();
    const b = await signIn();
    const job = await asExport(await createExport(apiRequest('POST', '/api/v1/exports', { token: a.token, body: exportRequest() })));
    const done = await asExport(await createExport(apiRequest('POST', '/api/v1/exports', { token: a.token, body: exportRequest({ format: 'jpeg' }) })));
    await finishJob(done.id, a.userId);
    const { key: bKey } = await newKey(b.token);

    expect((await exportStatus(apiRequest('GET', `/api/v1/exports/${job.id}`, { token: bKey }), params({ id: job.id }))).status).toBe(404);
    expect((await cancelExport(apiRequest('DELETE', `/api/v1/exports/${job.id}`, { token: bKey }), params({ id: job.id }))).status).toBe(404);
    expect((await download(apiRequest('GET', `/api/v1/exports/${done.id}/download`, { token: bKey }), params({ id: done.id }))).status).toBe(404);
    expect(apiExportListSchema.parse(await (await historyWith(bKey)).json()).exports).toEqual([]);
    const [{ status }] = await sql()<{ status: string }[]>`select status from public.export_jobs where id = ${job.id}`;
    expect(status).toBe('queued');
  });

  it("I cannot revoke another person's key, and my list shows only my keys", async () => {
    const a = await signIn();
    const b = await signIn();
    const aKey = await newKey(a.token, 'a');
    const bKey = await newKey(b.token, 'b');

    const res = await revokeKey(apiRequest('DELETE', `/api/v1/keys/${aKey.apiKey.id}`, { token: b.token }), params({ id: aKey.apiKey.id }));
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('api_key_not_found');
    expect((await historyWith(aKey.key)).status).toBe(200);
    const notAnId = await revokeKey(apiRequest('DELETE', '/api/v1/keys/nope', { token: b.token }), params({ id: 'nope' }));
    expect(notAnId.status).toBe(404);

    expect((await keysOf(a.token)).keys.map((k) => k.id)).toEqual([aKey.apiKey.id]);
    expect((await keysOf(b.token)).keys.map((k) => k.id)).toEqual([bKey.apiKey.id]);
  });

  it('a signed-in person can read neither the hash nor the limiter state, write no row directly, nor call the server-side check', async () => {
    const a = await signIn();
    const { key } = await newKey(a.token);
    const claims = await verifyAccessToken(a.token);
    const denied = (q: (tx: Parameters<Parameters<typeof withUser>[1]>[0]) => Promise<unknown>) =>
      expect(withUser(claims, q)).rejects.toMatchObject({ code: '42501' });
    await denied((tx) => tx`select hash from public.api_keys`);
    await denied((tx) => tx`select rate_tat from public.api_keys`);
    await denied((tx) => tx`select * from public.api_key_settings`);
    const { prefix, hash } = generateApiKey();
    await denied((tx) => tx`insert into public.api_keys (user_id, name, prefix, hash) values (${a.userId}, 'x', ${prefix}, ${hash})`);
    await denied((tx) => tx`update public.api_keys set revoked_at = null`);
    await denied((tx) => tx`select * from public.authenticate_api_key(${key.slice(0, 12)}, 'x')`);
  });
});

describe('grants', () => {
  it('anon may call no key function, users only create and revoke, the server only authenticates; all run as definer with a fixed search_path; RLS on both tables', async () => {
    const functions = await sql()<{ name: string; anon: boolean; authenticated: boolean; service: boolean; definer: boolean; path: boolean }[]>`
      select p.proname as name, has_function_privilege('anon', p.oid, 'execute') as anon,
             has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
             has_function_privilege('service_role', p.oid, 'execute') as service,
             p.prosecdef as definer, coalesce('search_path=""' = any (p.proconfig), false) as path
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.proname ~ 'api_key'
       order by 1`;
    expect(functions).toEqual([
      { name: 'authenticate_api_key', anon: false, authenticated: false, service: true, definer: true, path: true },
      { name: 'create_api_key', anon: false, authenticated: true, service: false, definer: true, path: true },
      { name: 'revoke_api_key', anon: false, authenticated: true, service: false, definer: true, path: true },
    ]);
    const tables = await sql()`select relname, relrowsecurity from pg_class where relname in ('api_keys', 'api_key_settings') order by 1`;
    expect(tables).toEqual([{ relname: 'api_key_settings', relrowsecurity: true }, { relname: 'api_keys', relrowsecurity: true }]);
  });
});

describe('what a key may do', () => {
  it('cannot list, create or revoke keys (403: a leaked key must not mint more), and stays usable', async () => {
    const { token } = await signIn();
    const created = await newKey(token);
    const post = await createKey(apiRequest('POST', '/api/v1/keys', { token: created.key, body: { name: 'more' } }));
    expect(post.status).toBe(403);
    expect((await errorOf(post)).code).toBe('session_required');
    expect((await listKeys(apiRequest('GET', '/api/v1/keys', { token: created.key }))).status).toBe(403);
    const del = await revokeKey(apiRequest('DELETE', `/api/v1/keys/${created.apiKey.id}`, { token: created.key }), params({ id: created.apiKey.id }));
    expect(del.status).toBe(403);
    expect((await keysOf(token)).keys).toEqual([expect.objectContaining({ id: created.apiKey.id, status: 'active', lastUsedAt: null })]);
    expect((await historyWith(created.key)).status).toBe(200);
  });
});

describe('rate limit per key', () => {
  it('answers the request after the limit with 429 and Retry-After; other keys are unaffected', async () => {
    await applyApiKeySettings({ rateLimit: 3, rateWindowSeconds: 60 });
    const { token } = await signIn();
    const one = await newKey(token, 'one');
    const two = await newKey(token, 'two');
    const burstStart = Date.now();
    for (let i = 0; i < 3; i++) expect((await historyWith(one.key)).status).toBe(200);
    const limited = await historyWith(one.key);
    expect(limited.status).toBe(429);
    // 3 per 60 s: the next request is allowed 20 s after the first of the burst (rounded up to whole seconds).
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(20 - Math.ceil((Date.now() - burstStart) / 1000));
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(await errorOf(limited)).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/more than 3 requests in 60 seconds/) });
    expect((await historyWith(two.key)).status).toBe(200);
    // A session is not limited by its keys.
    expect((await listExports(apiRequest('GET', '/api/v1/exports', { token }))).status).toBe(200);
  });

  it('lets exactly the limit through when requests arrive at once', async () => {
    await applyApiKeySettings({ rateLimit: 4, rateWindowSeconds: 3600 });
    const { token } = await signIn();
    const { key } = await newKey(token);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => authenticateApiKey(key)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(4);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'rate_limited', retryAfterSeconds: expect.any(Number) });
      expect((o as PromiseRejectedResult).reason.retryAfterSeconds).toBeGreaterThan(890); // 3600 s / 4
    }
  });

  it('takes its limits from the environment, written to the database at start-up', async () => {
    await applyApiKeySettings(apiKeySettingsFromEnv());
    expect(await getApiKeySettings()).toEqual({ rateLimit: 7, rateWindowSeconds: 60, maxActiveKeys: 9 });
  });
});

describe('bad input', () => {
  it.each([
    ['an empty name', { name: '  ' }],
    ['a name over 100 characters', { name: 'x'.repeat(101) }],
    ['no name', {}],
  ])('refuses %s with 400 naming the field', async (_, body) => {
    const { token } = await signIn();
    const res = await createKey(apiRequest('POST', '/api/v1/keys', { token, body }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details).toEqual([expect.objectContaining({ path: 'name' })]);
    expect((await keysOf(token)).keys).toEqual([]);
  });

  it.each([
    ['not Bearer', 'Token cek_abc'],
    ['a short key', 'Bearer cek_abc'],
    ['a well-formed key nobody made', `Bearer ${generateApiKey().key}`],
    ['a key with a changed secret', null],
  ])('answers %s with 401', async (_, header) => {
    let authorization = header;
    if (authorization === null) {
      const { key } = await newKey((await signIn()).token);
      authorization = `Bearer ${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`;
    }
    const res = await listExports(apiRequest('GET', '/api/v1/exports', { headers: { authorization } }));
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('unauthenticated');
  });
});
