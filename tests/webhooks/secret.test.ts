import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Tx } from '@/lib/db/client';
import { closeSql, sql } from '@/lib/db/client';
import { asAnon, asService, withUser } from '@/lib/db/session';
import { GET as getSecret } from '@/app/api/v1/webhook-secret/route';
import { POST as rotate } from '@/app/api/v1/webhook-secret/rotate/route';
import type { JwtClaims } from '@/types/auth';
import { apiWebhookSecretSchema } from '@/types/webhooks';
import { applyWebhookSettings, webhookSettingsFromEnv } from '@/lib/webhooks/settings';
import { apiRequest, signIn } from '../api/helpers';
import { createUser, rejection } from '../queue/helpers';

/** The signing secret: one per user, made on first need, readable and rotatable by its owner only. */

afterAll(closeSql);

const secretOf = async (token?: string) => {
  const res = await getSecret(apiRequest('GET', '/api/v1/webhook-secret', { token }));
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
};

describe('GET /api/v1/webhook-secret and POST …/rotate', () => {
  it('make a secret on first request, return the same one after, and rotation replaces it', async () => {
    const { token } = await signIn();
    const first = await secretOf(token);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const a = apiWebhookSecretSchema.parse(first.body);
    expect(a.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(apiWebhookSecretSchema.parse((await secretOf(token)).body)).toEqual(a);

    const res = await rotate(apiRequest('POST', '/api/v1/webhook-secret/rotate', { token }));
    expect(res.status).toBe(200);
    const b = apiWebhookSecretSchema.parse(await res.json());
    expect(b.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(b.secret).not.toBe(a.secret);
    expect(apiWebhookSecretSchema.parse((await secretOf(token)).body)).toEqual(b);
  });

  it('give each user their own secret, and a caller without credentials a 401', async () => {
    const one = apiWebhookSecretSchema.parse((await secretOf((await signIn()).token)).body);
    const two = apiWebhookSecretSchema.parse((await secretOf((await signIn()).token)).body);
    expect(one.secret).not.toBe(two.secret);
    expect((await secretOf()).status).toBe(401);
    expect((await rotate(apiRequest('POST', '/api/v1/webhook-secret/rotate'))).status).toBe(401);
  });
});

/** 'ok:<rows>', 'denied' for a privilege error, or the SQLSTATE; always rolled back. */
async function outcome(as: 'anon' | 'owner' | 'other' | 'service', owner: JwtClaims, other: JwtClaims, op: (tx: Tx) => Promise<readonly unknown[]>) {
  const rollback = new Error('rollback');
  let result = '';
  const run = async (tx: Tx) => {
    result = `ok:${(await op(tx)).length}`;
    throw rollback;
  };
  try {
    if (as === 'anon') await asAnon(run);
    else if (as === 'service') await asService(run);
    else await withUser(as === 'owner' ? owner : other, run);
  } catch (e) {
    if (e === rollback) return result;
    const code = (e as { code?: string }).code;
    return code === '42501' ? 'denied' : String(code);
  }
  throw new Error('unreachable');
}

describe('who may touch secrets and deliveries', () => {
  it('follows the matrix: owners read their own secret only; only the service role claims and records deliveries', async () => {
    const owner = await createUser();
    const other = await createUser();
    await withUser(owner, (tx) => tx`select * from public.webhook_secret()`);
    await withUser(other, (tx) => tx`select * from public.webhook_secret()`);
    const none = randomUUID();
    const cases: [string, (tx: Tx) => Promise<readonly unknown[]>, Record<string, string>][] = [
      ['select secrets', (tx) => tx`select user_id, secret from public.webhook_secrets where user_id in (${owner.sub}, ${other.sub})`, { anon: 'denied', owner: 'ok:1', other: 'ok:1', service: 'ok:2' }],
      ['select the owner’s secret', (tx) => tx`select secret from public.webhook_secrets where user_id = ${owner.sub}`, { anon: 'denied', owner: 'ok:1', other: 'ok:0', service: 'ok:1' }],
      ['update a secret', (tx) => tx`update public.webhook_secrets set secret = ${'x'.repeat(40)} where user_id in (${owner.sub}, ${other.sub}) returning 1`, { anon: 'denied', owner: 'denied', other: 'denied', service: 'ok:2' }],
      ['insert a secret', (tx) => tx`insert into public.webhook_secrets (user_id, secret) values (${owner.sub}, ${'y'.repeat(40)}) on conflict do nothing returning 1`, { anon: 'denied', owner: 'denied', other: 'denied', service: 'ok:0' }],
      ['webhook_secret()', (tx) => tx`select * from public.webhook_secret()`, { anon: 'denied', owner: 'ok:1', other: 'ok:1', service: 'denied' }],
      ['rotate_webhook_secret()', (tx) => tx`select * from public.rotate_webhook_secret()`, { anon: 'denied', owner: 'ok:1', other: 'ok:1', service: 'denied' }],
      ['claim_webhook_deliveries()', (tx) => tx`select * from public.claim_webhook_deliveries(1, 60)`, { anon: 'denied', owner: 'denied', other: 'denied', service: 'ok:0' }],
      ['record_webhook_attempt()', (tx) => tx`select * from public.record_webhook_attempt(${none}, ${none}, 1, 'delivered', 200, null)`, { anon: 'denied', owner: 'denied', other: 'denied', service: 'ok:0' }],
      ['new_webhook_secret()', (tx) => tx`select public.new_webhook_secret()`, { anon: 'denied', owner: 'denied', other: 'denied', service: 'denied' }],
      ['select webhook settings', (tx) => tx`select * from public.webhook_settings`, { anon: 'denied', owner: 'denied', other: 'denied', service: 'ok:1' }],
      ['read the owner’s job’s delivery columns', (tx) => tx`select webhook_state, webhook_attempts, webhook_last_error from public.export_jobs`, { anon: 'denied', owner: 'ok:0', other: 'ok:0', service: 'ok:0' }],
    ];
    for (const [name, op, expected] of cases) {
      const got: Record<string, string> = {};
      for (const as of ['anon', 'owner', 'other', 'service'] as const) got[as] = await outcome(as, owner, other, op);
      expect({ name, got }).toEqual({ name, got: expected });
    }
  });

  it('every new function is SECURITY DEFINER with an empty search_path and none is callable by anon', async () => {
    const rows = await sql()<{ name: string; definer: boolean; path: boolean; anon: boolean }[]>`
      select p.proname as name, p.prosecdef as definer, coalesce('search_path=""' = any (p.proconfig), false) as path,
             has_function_privilege('anon', p.oid, 'execute') as anon
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.proname ~ 'webhook' order by 1`;
    expect(rows.map((r) => r.name)).toEqual(['claim_webhook_deliveries', 'new_webhook_secret', 'record_webhook_attempt', 'rotate_webhook_secret', 'schedule_job_webhook', 'webhook_secret']);
    expect(rows.filter((r) => !r.path || r.anon)).toEqual([]);
    expect(rows.filter((r) => !r.definer).map((r) => r.name)).toEqual(['new_webhook_secret']); // a pure helper, callable by no one
    const tables = await sql()`select relname, relrowsecurity from pg_class where relname in ('webhook_secrets', 'webhook_settings') order by 1`;
    expect(tables).toEqual([{ relname: 'webhook_secrets', relrowsecurity: true }, { relname: 'webhook_settings', relrowsecurity: true }]);
  });
});

describe('webhook retry settings', () => {
  it('come from the environment into the database, within their bounds', async () => {
    expect(webhookSettingsFromEnv()).toEqual({ maxAttempts: 8, backoffBaseSeconds: 30, backoffMaxSeconds: 3600 });
    expect(await applyWebhookSettings(webhookSettingsFromEnv())).toEqual({ maxAttempts: 8, backoffBaseSeconds: 30, backoffMaxSeconds: 3600 });
    expect(await applyWebhookSettings({ maxAttempts: 2 })).toEqual({ maxAttempts: 2, backoffBaseSeconds: 30, backoffMaxSeconds: 3600 });
    expect((await rejection(applyWebhookSettings({ maxAttempts: 0 }))).code).toBe('invalid_request');
    // The database keeps its own bounds: a cap below the base is refused there.
    expect((await rejection(applyWebhookSettings({ backoffBaseSeconds: 100, backoffMaxSeconds: 10 }))).code).toBe('23514');
  });
});
