import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { freePort } from '@/lib/db/embedded';
import { getExport, requestExport } from '@/lib/exports/queue';
import { presentExport } from '@/lib/exports/present';
import { browserPool } from '@/lib/worker/browserPool';
import { tick } from '@/lib/worker/tick';
import { classify } from '@/lib/worker/processJob';
import { BrowserCrashedError, PageRenderError, RenderTimeoutError, TileOutageError, WORKER_FAILURES } from '@/lib/rendering/errors';
import { StorageRejectedError, StorageUnavailableError } from '@/lib/storage/errors';
import { InvalidPosterError } from '@/types/poster';
import { createUser, posterRequest } from '../queue/helpers';

// This file's worker renders against an app that is not there (APP_URL is read once, at first use).
process.env.APP_URL = `http://127.0.0.1:${await freePort()}`;

afterAll(async () => {
  await browserPool().close();
  await closeSql();
});

describe('what a failed export says', () => {
  it('a worker that cannot reach the app fails as renderer_unreachable with a short message: no URL, no poster, retried', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest({ size: 'social' }));
    const report = await tick({ budgetMs: 120_000, maxJobs: 1 });
    expect(report.processed).toEqual([expect.objectContaining({ id: job.id, outcome: 'retrying' })]);
    const api = presentExport(await getExport(user, job.id));
    expect(api.error).toEqual({ code: 'renderer_unreachable', message: WORKER_FAILURES.renderer_unreachable.message });
    expect(api.error!.message).not.toMatch(/https?:|renderer\?|poster=/);
    expect(api.error!.message.length).toBeLessThan(200);
    const [row] = await sql()<{ status: string }[]>`select status from public.export_jobs where id = ${job.id}`;
    expect(row.status).toBe('queued');
  }, 120_000);

  it.each([
    ['a timeout', new RenderTimeoutError('loading the renderer page', 30_000), 'renderer_timeout', true],
    ['a tile outage', new TileOutageError(40, 50), 'tiles_unavailable', true],
    ['a browser crash', new BrowserCrashedError('Chromium could not be launched: spawn /tmp/x ENOENT'), 'browser_crashed', true],
    ['a page error naming its URL', new PageRenderError('The renderer page answered HTTP 500 for http://app/renderer?poster=eyJ…'), 'page_render_failed', true],
    ['an invalid poster', new InvalidPosterError([{ path: 'style', message: 'unknown' }]), 'invalid_poster', false],
    ['an error of no known kind', Object.assign(new Error('at Object.<anonymous> (/srv/app/lib/x.ts:1:1) http://secret'), { code: 'weird_thing' }), 'internal', true],
  ])('%s: its code, the short message, whether it is retried', (_what, error, code, retryable) => {
    const failure = classify(error, false);
    expect(failure).toEqual({ code, message: WORKER_FAILURES[code].message, retryable });
    expect(failure.message).not.toMatch(/https?:|\/tmp|\/srv|ECONNREFUSED/);
  });

  it('a storage error keeps its own message, which names the cause, and its own retryable', () => {
    const rejected = new StorageRejectedError('The file is larger than the bucket allows; choose a smaller size.');
    expect(classify(rejected, false)).toEqual({ code: 'storage_rejected', message: rejected.message, retryable: false });
    const down = new StorageUnavailableError('The storage service did not answer; the export will be tried again.');
    expect(classify(down, false)).toEqual({ code: 'storage_unavailable', message: down.message, retryable: true });
  });
});
