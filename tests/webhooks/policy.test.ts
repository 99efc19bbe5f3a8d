import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { withUser } from '@/lib/db/session';
import { env, parseEnv } from '@/lib/env';
import { cancelExport } from '@/lib/exports/queue';
import { deliverDueWebhooks } from '@/lib/worker/deliverWebhooks';
import { isSpecialAddress, webhookPolicy, webhookUrlProblem } from '@/lib/webhooks/policy';
import { POST as create } from '@/app/api/v1/exports/route';
import { POST as createBatch } from '@/app/api/v1/exports/batch/route';
import { apiRequest, exportRequest, rowCount, signIn } from '../api/helpers';
import { createUser, posterRequest, rejection } from '../queue/helpers';
import { startReceiver, type Receiver } from './helpers';

/**
 * Which addresses a webhook may reach. This file runs under production's
 * rule (WEBHOOK_ALLOW_PRIVATE=false, read on first use of env()); the
 * policy functions also take the rule as a parameter.
 */
process.env.WEBHOOK_ALLOW_PRIVATE = 'false';

const PRODUCTION = { allowPrivate: false };
const DEVELOPMENT = { allowPrivate: true };

const receivers: Receiver[] = [];
afterEach(async () => {
  while (receivers.length) await receivers.pop()!.close();
});
afterAll(closeSql);

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; details?: { path: string; message: string }[] } }).error;
}

describe('the address policy', () => {
  it('is production’s here (the environment says so), and development allows private targets', () => {
    expect(env().WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(webhookPolicy()).toEqual(PRODUCTION);
    expect(webhookPolicy({ ...env(), WEBHOOK_ALLOW_PRIVATE: undefined, NODE_ENV: 'production' })).toEqual(PRODUCTION);
    expect(webhookPolicy({ ...env(), WEBHOOK_ALLOW_PRIVATE: undefined, NODE_ENV: 'development' })).toEqual(DEVELOPMENT);
    expect(webhookPolicy({ ...env(), WEBHOOK_ALLOW_PRIVATE: true, NODE_ENV: 'production' })).toEqual(DEVELOPMENT);
    expect(() => parseEnv({ WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE: expected true or false/);
  });

  it.each([
    'http://127.0.0.1/hook', 'http://127.1.2.3:8080/', 'http://10.0.0.1/', 'http://172.16.5.4/', 'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[::1]/', 'http://[::]/',
    'http://[fd00::1]/', 'http://[fe80::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/', 'http://[64:ff9b::a00:1]/',
    'http://2130706433/', 'http://0x7f.1/', 'http://localhost:3000/', 'http://LOCALHOST./', 'http://api.localhost/',
  ])('refuses %s in production, allows it in development', (url) => {
    expect(webhookUrlProblem(url, PRODUCTION)).toMatch(/public address/);
    expect(webhookUrlProblem(url, DEVELOPMENT)).toBeNull();
  });

  it.each(['https://example.com/hooks/carto', 'http://93.184.215.14/', 'https://[2606:4700:4700::1111]/', 'https://hooks.example.org:8443/x?y=1'])(
    'allows the public target %s',
    (url) => expect(webhookUrlProblem(url, PRODUCTION)).toBeNull(),
  );

  it.each([
    ['ftp://example.com/hook', /not ftp:/],
    ['not a url', /absolute http or https URL/],
    ['/relative/path', /absolute http or https URL/],
    ['https://user:secret@example.com/', /user name or password/],
    ['javascript:alert(1)', /not javascript:/],
  ])('refuses %s under any policy', (url, why) => {
    expect(webhookUrlProblem(url, PRODUCTION)).toMatch(why);
    expect(webhookUrlProblem(url, DEVELOPMENT)).toMatch(why);
  });

  it('tells special addresses from public ones, IPv4-mapped IPv6 included', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '::1', 'fc00::1', '::ffff:10.0.0.1', '::ffff:7f00:1']) expect(isSpecialAddress(a)).toBe(true);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '172.32.0.1', '100.128.0.1']) expect(isSpecialAddress(a)).toBe(false);
  });
});

describe('POST /api/v1/exports with a webhookUrl', () => {
  it.each([
    ['ftp://example.com/hook', /not ftp:/],
    ['not a url', /absolute http or https URL/],
    [`https://example.com/${'a'.repeat(2100)}`, /at most 2048/],
    ['http://127.0.0.1/hook', /loopback, private or reserved/],
    ['http://10.0.0.1/', /loopback, private or reserved/],
    ['http://[::1]/', /loopback, private or reserved/],
    ['http://169.254.169.254/', /loopback, private or reserved/],
    ['http://localhost:3000/', /this machine/],
  ])('%s is a 400 naming the field, and queues nothing', async (url, why) => {
    const { token, userId } = await signIn();
    const res = await create(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest({ webhookUrl: url }) }));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.details).toEqual([{ path: 'webhookUrl', message: expect.stringMatching(why) }]);
    expect(error.message).toContain('webhookUrl');
    expect(await rowCount(userId)).toBe(0);
  });

  it('a public https URL is accepted and shown, not yet delivered, in the status object', async () => {
    const { token } = await signIn();
    const res = await create(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest({ webhookUrl: 'https://example.com/hooks/carto' }) }));
    expect(res.status).toBe(202);
    expect((await res.json()).webhook).toEqual({
      url: 'https://example.com/hooks/carto', state: null, attempts: 0, lastStatus: null, lastError: null, lastAttemptAt: null, nextAttemptAt: null, deliveredAt: null,
    });
  });

  it('in a batch, one refused webhookUrl is a 400 naming its entry, and queues none', async () => {
    const { token, userId } = await signIn();
    for (const [url, why] of [['ftp://example.com/', /not ftp:/], ['http://10.0.0.1/', /private/]] as const) {
      const body = { exports: [exportRequest({ webhookUrl: 'https://example.com/ok' }), exportRequest({ webhookUrl: url })] };
      const res = await createBatch(apiRequest('POST', '/api/v1/exports/batch', { token, body }));
      expect(res.status).toBe(400);
      expect((await errorOf(res)).details).toEqual([{ path: 'exports.1.webhookUrl', message: expect.stringMatching(why) }]);
    }
    expect(await rowCount(userId)).toBe(0);
  });

  it('a request sent straight to the database function (as PostgREST would) with a non-http URL is refused there too', async () => {
    const user = await createUser();
    const err = await rejection(withUser(user, (tx) => tx`select * from public.request_export(${JSON.stringify({ ...posterRequest(), webhookUrl: 'file:///etc/passwd' })}::text::jsonb)`));
    expect(err.code).toBe('CX005');
    expect((err as { hint?: string }).hint).toMatch(/webhookUrl must be an http or https URL/);
  });
});

describe('at delivery time, under production’s policy', () => {
  it('a name that resolves to a loopback or private address is refused after DNS, recorded, not sent and not retried', async () => {
    const rx = await startReceiver();
    receivers.push(rx);
    // This machine's own name resolves to one of its own addresses (here 127.0.0.1 via /etc/hosts; in a container, its private IP).
    const name = hostname();
    const resolved = await lookup(name);
    expect(isSpecialAddress(resolved.address)).toBe(true);
    const url = `http://${name}:${rx.port}/hooks/carto`;
    expect(webhookUrlProblem(url, PRODUCTION)).toBeNull(); // nothing in the URL itself gives it away

    const { token, userId } = await signIn();
    const claims = { sub: userId, role: 'authenticated' } as const;
    const res = await create(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest({ webhookUrl: url }) }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await cancelExport(claims, id);

    const [report] = await deliverDueWebhooks({ policy: PRODUCTION });
    expect(report).toMatchObject({ jobId: id, outcome: 'refused', state: 'refused', httpStatus: null });
    expect(report.error).toContain(`${name} resolves to ${resolved.address}`);
    expect(rx.received).toHaveLength(0);
    const [row] = await sql()`select webhook_state, webhook_next_at, webhook_last_error from public.export_jobs where id = ${id}`;
    expect(row).toMatchObject({ webhook_state: 'refused', webhook_next_at: null });
    expect(await deliverDueWebhooks({ policy: PRODUCTION })).toEqual([]);

    // The same delivery under development's policy would have gone out: the refusal is the policy's doing.
    const job2 = await create(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest({ webhookUrl: url }) }));
    const id2 = ((await job2.json()) as { id: string }).id;
    await cancelExport(claims, id2);
    expect(await deliverDueWebhooks({ policy: DEVELOPMENT })).toEqual([expect.objectContaining({ jobId: id2, outcome: 'delivered' })]);
    expect(rx.received).toHaveLength(1);
  });

  it('a literal private address that reached the database another way is refused without a connection', async () => {
    const rx = await startReceiver();
    receivers.push(rx);
    const user = await createUser();
    const [{ job_id }] = await withUser(user, (tx) => tx<{ job_id: string }[]>`
      select job_id from public.request_export(${JSON.stringify({ ...posterRequest(), webhookUrl: rx.url })}::text::jsonb)`);
    await cancelExport(user, job_id);
    expect(await deliverDueWebhooks()).toEqual([
      expect.objectContaining({ jobId: job_id, outcome: 'refused', state: 'refused', error: expect.stringMatching(/^refused: 127\.0\.0\.1 is a loopback/) }),
    ]);
    expect(rx.received).toHaveLength(0);
  });
});
