import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeSql } from '@/lib/db/client';
import { getExport, requestExport } from '@/lib/exports/queue';
import { presentExport } from '@/lib/exports/present';
import { browserPool } from '@/lib/worker/browserPool';
import { tick } from '@/lib/worker/tick';
import { getWebhookSecret } from '@/lib/webhooks/secret';
import { verifyWebhookSignature } from '@/lib/webhooks/sign';
import { createUser, posterRequest } from '../queue/helpers';
import { header, startReceiver, type Receiver } from './helpers';

/** The whole path once: a real render by the worker's tick, whose webhook goes out in the same tick. */

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
  await fetch(`${inject('appUrl')}/renderer`, { signal: AbortSignal.timeout(120_000) });
}, 150_000);
afterAll(async () => {
  await rx.close();
  await browserPool().close();
  await closeSql();
});

describe('the worker', { timeout: 120_000 }, () => {
  it('renders an export and POSTs its signed export.succeeded webhook in the same tick', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, { ...posterRequest({ size: 'social' }), webhookUrl: rx.url });
    const report = await tick({ budgetMs: 600_000, maxJobs: 1 });
    expect(report.processed).toEqual([expect.objectContaining({ id: job.id, outcome: 'succeeded' })]);
    expect(rx.received).toHaveLength(1);
    const [event] = rx.events();
    expect(event).toMatchObject({ type: 'export.succeeded', data: { id: job.id, status: 'succeeded', progress: 100 } });
    expect(event.data.result?.bytes).toBeGreaterThan(1000);
    const { secret } = await getWebhookSecret(user);
    expect(verifyWebhookSignature(secret, header(rx.received[0], 'Carto-Signature'), rx.received[0].rawBody).valid).toBe(true);
    expect(presentExport(await getExport(user, job.id)).webhook).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200 });
  });
});
