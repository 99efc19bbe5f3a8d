import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { apiExportSchema, type ApiExport } from '@/types/api';
import { exportRequest } from './helpers';

/**
 * Over real HTTP against the running app (next dev, its own database): the
 * enqueue route kicks the worker with after(), so the export starts at once
 * rather than at the next cron run.
 */
const app = inject('appUrl');

async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.body) headers.set('content-type', 'application/json');
  return fetch(`${app}${path}`, { ...init, headers, signal: AbortSignal.timeout(60_000) });
}

describe('POST /api/v1/exports on the running app', () => {
  it('starts the export right after the 202, without waiting for a cron', async () => {
    const signIn = await call('/api/auth/sign-in', { method: 'POST', body: JSON.stringify({ email: `${randomUUID()}@example.test` }) });
    expect(signIn.status).toBe(200);
    const { accessToken: token } = (await signIn.json()) as { accessToken: string };

    const res = await call('/api/v1/exports', { method: 'POST', token, body: JSON.stringify(exportRequest({ size: 'social' })) });
    expect(res.status).toBe(202);
    const job = apiExportSchema.parse(await res.json());
    const queuedAt = Date.now();

    // The test app runs no cron, so only the kick can start it. Within a second here when the machine is idle;
    // the bound is loose because this box is shared by parallel test runs and Chromium.
    let seen: ApiExport = job;
    while (seen.status === 'queued' && Date.now() - queuedAt < 15_000) {
      await new Promise((r) => setTimeout(r, 100));
      seen = apiExportSchema.parse(await (await call(job.statusUrl, { token })).json());
    }
    expect(seen.status).not.toBe('queued');
    expect(seen.startedAt).not.toBeNull();
    console.info(`export started ${Date.parse(seen.startedAt!) - queuedAt} ms after the 202`);

    // Do not spend the shared app's Chromium on a render no test looks at.
    const cancelled = await call(job.statusUrl, { method: 'DELETE', token });
    expect([200, 202, 409]).toContain(cancelled.status);
  });
});
