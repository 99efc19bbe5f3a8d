import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { apiExportSchema, type ApiExport } from '@/types/api';
import { POST as request } from '@/app/api/v1/exports/route';
import { GET as getStatus } from '@/app/api/v1/exports/[id]/route';
import { GET as events } from '@/app/api/v1/exports/[id]/events/route';
import { apiRequest, asExport, exportRequest, finishJob, markRunning, params, signIn } from './helpers';

afterAll(closeSql);

/** Reads server-sent events off a response body: each `data:` payload parsed as the status object. */
function eventReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    /** The next event (comments skipped), or null when the stream ended. */
    async next(): Promise<{ event: string; data: ApiExport | unknown } | null> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (!data) continue; // a heartbeat comment or a bare `retry:`
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
          const json: unknown = JSON.parse(data);
          return { event, data: event === 'message' ? apiExportSchema.parse(json) : json };
        }
        const { value, done } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

async function queuedExport() {
  const user = await signIn();
  const job = await asExport(await request(apiRequest('POST', '/api/v1/exports', { token: user.token, body: exportRequest() })));
  return { ...user, job };
}

const stream = (token: string | undefined, id: string, signal?: AbortSignal) =>
  events(apiRequest('GET', `/api/v1/exports/${id}/events`, { token, signal }), params({ id }));

describe('GET /api/v1/exports/:id/events', () => {
  it('sends the status object now and on each change, and ends after a terminal status', async () => {
    const { token, userId, job } = await queuedExport();
    const res = await stream(token, job.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const reader = eventReader(res);

    const first = await reader.next();
    expect(first).toEqual({ event: 'message', data: job });

    await markRunning(job.id, 35, 'rendering tile 2/4');
    const running = (await reader.next())!.data as ApiExport;
    expect(running).toMatchObject({ status: 'running', progress: 35, stage: 'rendering tile 2/4' });

    await finishJob(job.id, userId);
    const done = (await reader.next())!.data as ApiExport;
    expect(done.status).toBe('succeeded');
    // The same object GET /api/v1/exports/:id returns.
    expect(done).toEqual(await asExport(await getStatus(apiRequest('GET', `/api/v1/exports/${job.id}`, { token }), params({ id: job.id }))));
    expect(await reader.next()).toBeNull();
  });

  it('a finished export gets one event and the end of the stream', async () => {
    const { token, userId, job } = await queuedExport();
    await finishJob(job.id, userId);
    const reader = eventReader(await stream(token, job.id));
    expect(((await reader.next())!.data as ApiExport).status).toBe('succeeded');
    expect(await reader.next()).toBeNull();
  });

  it('stops polling when the client goes away', async () => {
    const { token, job } = await queuedExport();
    const client = new AbortController();
    const reader = eventReader(await stream(token, job.id, client.signal));
    expect(((await reader.next())!.data as ApiExport).status).toBe('queued');
    client.abort();
    const ended = await Promise.race([reader.next(), new Promise((r) => setTimeout(() => r('still open'), 3_000))]);
    expect(ended).toBeNull();
  });

  it('cancelling the stream (the consumer stops reading) ends it too', async () => {
    const { token, job } = await queuedExport();
    const reader = eventReader(await stream(token, job.id));
    await reader.next();
    await reader.cancel();
  });

  it('reports an export that disappears mid-stream as an error event and ends', async () => {
    const { token, job } = await queuedExport();
    const reader = eventReader(await stream(token, job.id));
    await reader.next();
    await sql()`delete from public.export_jobs where id = ${job.id}`;
    expect(await reader.next()).toEqual({ event: 'error', data: { error: expect.objectContaining({ code: 'export_not_found' }) } });
    expect(await reader.next()).toBeNull();
  });

  it('is 404 for an unknown export and 401 without a session', async () => {
    const { token, job } = await queuedExport();
    expect((await stream(token, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await stream(undefined, job.id)).status).toBe(401);
  });
});
