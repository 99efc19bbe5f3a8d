import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { appUrl } from '@/lib/env';
import { presentExport } from '@/lib/exports/present';
import { cancelExport, getExport, requestExport, retryExport } from '@/lib/exports/queue';
import { applyQueueSettings } from '@/lib/exports/settings';
import { serviceQuery } from '@/lib/db/serviceQuery';
import { claimJobs, completeJob, failJob } from '@/lib/exports/workerQueue';
import { absoluteUrls, deliverDueWebhooks } from '@/lib/worker/deliverWebhooks';
import { getWebhookSecret } from '@/lib/webhooks/secret';
import { applyWebhookSettings } from '@/lib/webhooks/settings';
import { verifyWebhookSignature } from '@/lib/webhooks/sign';
import type { JwtClaims } from '@/types/auth';
import { createUser, makeDue, posterRequest, sleep } from '../queue/helpers';
import { header, makeWebhookDue, startReceiver, type Receiver } from './helpers';

/**
 * Webhook deliveries over real HTTP to a receiver in this test, from real
 * queue transitions (the SQL functions the worker and the API call), sent
 * by the worker's own delivery code. Rendering is not the point here, so
 * jobs are finished through the queue functions without a render.
 */

const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  while (receivers.length) await receivers.pop()!.close();
  // One test's unfinished retries must not reach the next test's senders.
  await sql()`update public.export_jobs set webhook_state = 'gave_up', webhook_next_at = null where webhook_state in ('pending', 'sending')`;
});
afterAll(closeSql);

beforeAll(async () => {
  await applyQueueSettings({ maxActiveJobs: 100, maxAttempts: 2, backoffBaseSeconds: 1, backoffMaxSeconds: 1 });
  await applyWebhookSettings({ maxAttempts: 3, backoffBaseSeconds: 1, backoffMaxSeconds: 2 });
});

async function requestWithWebhook(user: JwtClaims, url: string) {
  return (await requestExport(user, { ...posterRequest(), webhookUrl: url })).job;
}

/** Claims the user's job and completes it as the worker does after storing its file. */
async function succeed(jobId: string) {
  const [claimed] = await claimJobs('webhook-test', 1, 60);
  expect(claimed.id).toBe(jobId);
  await completeJob(claimed.id, claimed.leaseToken, { path: `x/${jobId}.png`, bytes: 1234, width: 800, height: 1200, contentType: 'image/png', thumbnailPath: `x/${jobId}.thumb.webp` });
}

describe('a webhook', () => {
  it('is POSTed once when the export succeeds, signed with the user’s secret, carrying the status object, and recorded on the job', async () => {
    const rx = await receiver();
    const user = await createUser();
    const job = await requestWithWebhook(user, rx.url);
    expect(await deliverDueWebhooks()).toEqual([]); // queued: nothing is due yet
    await succeed(job.id);

    const reports = await deliverDueWebhooks();
    expect(reports).toEqual([expect.objectContaining({ jobId: job.id, attempt: 1, outcome: 'delivered', httpStatus: 200, state: 'delivered' })]);
    expect(rx.received).toHaveLength(1);
    const [req] = rx.received;

    const { secret } = await getWebhookSecret(user);
    expect(verifyWebhookSignature(secret, header(req, 'Carto-Signature'), req.rawBody)).toEqual({ valid: true, timestamp: expect.any(Number) });
    expect(header(req, 'content-type')).toBe('application/json');
    const [event] = rx.events();
    expect(event.type).toBe('export.succeeded');
    expect(header(req, 'Carto-Webhook-Event')).toBe('export.succeeded');
    expect(header(req, 'Carto-Webhook-Id')).toBe(event.id);
    expect(header(req, 'Carto-Webhook-Attempt')).toBe('1');

    // The body is the status object the API returns, with absolute URLs (the app's download route, never a signed URL).
    const now = await getExport(user, job.id);
    const expected = absoluteUrls(presentExport(now), appUrl());
    expect({ ...event.data, webhook: null }).toEqual({ ...expected, webhook: null });
    expect(event.data).toMatchObject({ id: job.id, status: 'succeeded', statusUrl: `${appUrl()}/api/v1/exports/${job.id}` });
    expect(event.data.result?.downloadUrl).toBe(`${appUrl()}/api/v1/exports/${job.id}/download`);
    expect(req.rawBody).not.toMatch(/signature=|expires=|token=/i);

    // Recorded on the job, and shown in the status object.
    expect(presentExport(now).webhook).toMatchObject({ url: rx.url, state: 'delivered', attempts: 1, lastStatus: 200, lastError: null, nextAttemptAt: null });
    expect(presentExport(now).webhook?.deliveredAt).toEqual(expect.any(String));
    expect(await deliverDueWebhooks()).toEqual([]);
    expect(rx.received).toHaveLength(1);
  });

  it('is retried with backoff while the receiver fails, with the same event id, until it is delivered', async () => {
    const rx = await receiver((n) => (n < 2 ? 500 : 204));
    const user = await createUser();
    const job = await requestWithWebhook(user, rx.url);
    await succeed(job.id);

    const [first] = await deliverDueWebhooks();
    expect(first).toMatchObject({ outcome: 'retry', httpStatus: 500, state: 'pending' });
    expect(first.error).toContain('HTTP 500: receiver says 500');
    const afterFirst = presentExport(await getExport(user, job.id)).webhook!;
    expect(afterFirst).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500, deliveredAt: null });
    // Backoff after attempt 1 with a 1 s base: between 0.5 and 1 s after the attempt (jitter).
    const wait = Date.parse(afterFirst.nextAttemptAt!) - Date.parse(afterFirst.lastAttemptAt!);
    expect(wait).toBeGreaterThanOrEqual(490);
    expect(wait).toBeLessThanOrEqual(1010);
    expect(await deliverDueWebhooks()).toEqual([]); // not due before its backoff

    const deadline = Date.now() + 15_000;
    while (rx.received.length < 3 && Date.now() < deadline) {
      await deliverDueWebhooks();
      await sleep(100);
    }
    expect(rx.received).toHaveLength(3);
    expect(rx.received[1].at - rx.received[0].at).toBeGreaterThanOrEqual(450);
    expect(rx.received[2].at - rx.received[1].at).toBeGreaterThanOrEqual(950); // second delay: 1 to 2 s
    expect(new Set(rx.received.map((r) => header(r, 'Carto-Webhook-Id'))).size).toBe(1);
    expect(rx.received.map((r) => header(r, 'Carto-Webhook-Attempt'))).toEqual(['1', '2', '3']);
    const { secret } = await getWebhookSecret(user);
    for (const r of rx.received) expect(verifyWebhookSignature(secret, header(r, 'Carto-Signature'), r.rawBody).valid).toBe(true);
    expect(presentExport(await getExport(user, job.id)).webhook).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 204, lastError: null });
  });

  it('gives up after the maximum attempts and records the last failure', async () => {
    const rx = await receiver(() => 503);
    const user = await createUser();
    const job = await requestWithWebhook(user, rx.url);
    await succeed(job.id);
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      await makeWebhookDue(job.id);
      outcomes.push(...(await deliverDueWebhooks()).map((r) => r.state));
    }
    expect(outcomes).toEqual(['pending', 'pending', 'gave_up']);
    await makeWebhookDue(job.id);
    expect(await deliverDueWebhooks()).toEqual([]);
    expect(rx.received).toHaveLength(3);
    expect(presentExport(await getExport(user, job.id)).webhook).toMatchObject({
      state: 'gave_up', attempts: 3, lastStatus: 503, lastError: 'HTTP 503: receiver says 503', nextAttemptAt: null, deliveredAt: null,
    });
  });

  it('counts a refused connection and a receiver that never answers as failed attempts', async () => {
    const closed = await receiver();
    const deadUrl = closed.url;
    await closed.close();
    receivers.pop();
    const silent = await receiver(() => 'handled'); // reads the request, never answers
    const user = await createUser();
    const a = await requestWithWebhook(user, deadUrl);
    const b = await requestWithWebhook(user, silent.url);
    await cancelExport(user, a.id);
    await cancelExport(user, b.id);
    const t = Date.now();
    const reports = await deliverDueWebhooks({ timeoutMs: 500 });
    expect(Date.now() - t).toBeLessThan(5000);
    const byJob = new Map(reports.map((r) => [r.jobId, r]));
    expect(byJob.get(a.id)).toMatchObject({ outcome: 'retry', httpStatus: null, state: 'pending', error: expect.stringContaining('ECONNREFUSED') });
    expect(byJob.get(b.id)).toMatchObject({ outcome: 'retry', httpStatus: null, state: 'pending', error: 'no complete answer within 0.5 s' });
  });
});

describe('a receiver verifying signatures', () => {
  it('accepts the delivery, then rejects the same request replayed after its tolerance, and a tampered body', async () => {
    const user = await createUser();
    const { secret } = await getWebhookSecret(user);
    // A receiver as the README shows it, with a 1 s tolerance so the test need not wait five minutes.
    const verdicts: string[] = [];
    const rx = await receiver((_, r) => {
      const check = verifyWebhookSignature(secret, header(r, 'Carto-Signature'), r.rawBody, { toleranceSeconds: 1 });
      verdicts.push(check.valid ? 'valid' : check.reason);
      return check.valid ? 200 : 400;
    });
    const job = await requestWithWebhook(user, rx.url);
    await cancelExport(user, job.id);
    expect(await deliverDueWebhooks()).toEqual([expect.objectContaining({ outcome: 'delivered' })]);

    const [original] = rx.received;
    const replay = (body: string) =>
      fetch(rx.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'carto-signature': header(original, 'Carto-Signature') },
        body,
      });
    const tampered = original.rawBody.replace('"status":"cancelled"', '"status":"succeeded"');
    expect(tampered).not.toBe(original.rawBody);
    expect((await replay(tampered)).status).toBe(400);
    await sleep(2100);
    expect((await replay(original.rawBody)).status).toBe(400);
    expect(verdicts).toEqual(['valid', 'mismatch', 'outside_tolerance']);

    // The same check without a receiver: an old timestamp, a forged one, another secret, a malformed header.
    const sig = header(original, 'Carto-Signature');
    const t = Number(/t=(\d+)/.exec(sig)![1]);
    expect(verifyWebhookSignature(secret, sig, original.rawBody, { now: (t + 299) * 1000 }).valid).toBe(true);
    expect(verifyWebhookSignature(secret, sig, original.rawBody, { now: (t + 301) * 1000 })).toEqual({ valid: false, reason: 'outside_tolerance' });
    expect(verifyWebhookSignature(secret, sig.replace(`t=${t}`, `t=${t + 600}`), original.rawBody, { now: (t + 600) * 1000 })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('whsec_someone_else_entirely_0000000000', sig, original.rawBody, { now: t * 1000 })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(secret, 'v1=abc', original.rawBody)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyWebhookSignature(secret, undefined, original.rawBody)).toEqual({ valid: false, reason: 'malformed' });
  });
});

describe('which endings send a webhook', () => {
  it('a cancelled queued job sends export.cancelled; a retryable failure that re-queues sends nothing; a permanent failure sends export.failed', async () => {
    const rx = await receiver();
    const user = await createUser();

    const cancelled = await requestWithWebhook(user, rx.url);
    await cancelExport(user, cancelled.id);
    await deliverDueWebhooks();
    expect(rx.events().map((e) => [e.type, e.data.id, e.data.status])).toEqual([['export.cancelled', cancelled.id, 'cancelled']]);

    const flaky = await requestWithWebhook(user, rx.url);
    const [first] = await claimJobs('webhook-test', 1, 60);
    expect(first.id).toBe(flaky.id);
    expect((await failJob(flaky.id, first.leaseToken, 'tile_timeout', 'tiles timed out', true)).status).toBe('queued');
    expect(await deliverDueWebhooks()).toEqual([]);
    expect(presentExport(await getExport(user, flaky.id)).webhook).toMatchObject({ state: null, attempts: 0 });

    // Its second attempt is its last (max 2): a retryable error now fails it for good.
    await makeDue(flaky.id);
    const [second] = await claimJobs('webhook-test', 1, 60);
    expect(second.id).toBe(flaky.id);
    expect((await failJob(flaky.id, second.leaseToken, 'tile_timeout', 'tiles timed out again', true)).status).toBe('failed');

    const broken = await requestWithWebhook(user, rx.url);
    const [third] = await claimJobs('webhook-test', 1, 60);
    expect((await failJob(broken.id, third.leaseToken, 'invalid_poster', 'the poster has no map area', false)).status).toBe('failed');

    await deliverDueWebhooks();
    const events = rx.events();
    expect(events).toHaveLength(3);
    expect(events.slice(1).map((e) => [e.type, e.data.id, e.data.error?.code]).sort()).toEqual(
      [['export.failed', flaky.id, 'tile_timeout'], ['export.failed', broken.id, 'invalid_poster']].sort(),
    );
  });

  it('a job retried by its owner before its webhook went out drops that stale notice, and sends a new one when it ends again', async () => {
    const rx = await receiver();
    const user = await createUser();
    const job = await requestWithWebhook(user, rx.url);
    await cancelExport(user, job.id);
    await retryExport(user, job.id);
    expect(presentExport(await getExport(user, job.id)).webhook).toMatchObject({ state: 'superseded' });
    expect(await deliverDueWebhooks()).toEqual([]);
    await cancelExport(user, job.id);
    await deliverDueWebhooks();
    expect(rx.events().map((e) => e.type)).toEqual(['export.cancelled']);
  });

  it('a job without a webhookUrl sends nothing and shows no webhook', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    await cancelExport(user, job.id);
    expect(await deliverDueWebhooks()).toEqual([]);
    expect(presentExport(await getExport(user, job.id)).webhook).toBeNull();
  });
});

describe('two senders at once', () => {
  it('send each delivery exactly once (claims skip each other’s locked rows)', async () => {
    // A slow receiver keeps the first sender's deliveries in flight while the second claims.
    const rx = await receiver((_, __, res) => {
      setTimeout(() => res.writeHead(200).end('ok'), 300);
      return 'handled';
    });
    const user = await createUser();
    const jobs = [];
    for (let i = 0; i < 8; i++) jobs.push(await requestWithWebhook(user, rx.url));
    for (const j of jobs) await cancelExport(user, j.id);

    const [a, b, c] = await Promise.all([deliverDueWebhooks({ limit: 5 }), deliverDueWebhooks({ limit: 5 }), deliverDueWebhooks({ limit: 5 })]);
    const sent = [...a, ...b, ...c];
    expect(sent).toHaveLength(8);
    expect(sent.every((r) => r.outcome === 'delivered')).toBe(true);
    expect(new Set(sent.map((r) => r.jobId))).toEqual(new Set(jobs.map((j) => j.id)));
    expect(rx.received).toHaveLength(8);
    expect(new Set(rx.received.map((r) => header(r, 'Carto-Webhook-Id'))).size).toBe(8);
  });

  it('a sender that died mid-delivery leaves it due again once its lease runs out, as a new attempt', async () => {
    const rx = await receiver();
    const user = await createUser();
    const job = await requestWithWebhook(user, rx.url);
    await cancelExport(user, job.id);
    await serviceQuery`select * from public.claim_webhook_deliveries(10, 60)`; // claimed, never sent nor recorded
    expect(await deliverDueWebhooks()).toEqual([]); // still leased
    await makeWebhookDue(job.id); // the lease runs out
    expect(await deliverDueWebhooks()).toEqual([expect.objectContaining({ jobId: job.id, attempt: 2, outcome: 'delivered' })]);
    expect(rx.received.map((r) => header(r, 'Carto-Webhook-Attempt'))).toEqual(['2']);
  });
});
