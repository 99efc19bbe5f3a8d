import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSql } from '@/lib/db/client';
import { freePort, portAnswers } from '@/lib/db/embedded';
import { requestExport } from '@/lib/exports/queue';
import { claimJobs, completeJob } from '@/lib/exports/workerQueue';
import { deliverDueWebhooks } from '@/lib/worker/deliverWebhooks';
import { getWebhookSecret } from '@/lib/webhooks/secret';
import { signWebhook } from '@/lib/webhooks/sign';
import { createUser, posterRequest } from '../queue/helpers';

/**
 * The README's webhook receiver, run as written (saved as receiver.mjs, plain
 * `node`, no dependencies) against a real delivery from the worker's own code.
 */
let receiver: ChildProcess | undefined;
afterAll(async () => {
  receiver?.kill();
  await closeSql();
});

function readmeReceiver(): string {
  const readme = readFileSync(path.resolve('README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const sample = blocks.find((b) => b.includes('createServer') && b.includes('carto-signature'));
  if (!sample) throw new Error('README.md has no webhook receiver sample');
  return sample;
}

describe('the README webhook receiver', () => {
  it('runs on plain Node as written, accepts a real signed delivery (204) and refuses a forged one (400 mismatch)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'receiver-'));
    writeFileSync(path.join(dir, 'receiver.mjs'), readmeReceiver());
    const user = await createUser();
    const { secret } = await getWebhookSecret(user);
    const port = await freePort();
    let output = '';
    const env = { PATH: process.env.PATH, CARTO_WEBHOOK_SECRET: secret, PORT: String(port) } as unknown as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, ['receiver.mjs'], { cwd: dir, env });
    receiver = child;
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    for (let i = 0; !(await portAnswers(port)); i++) {
      expect(child.exitCode, output).toBeNull();
      expect(i, 'the receiver never listened').toBeLessThan(100);
      await new Promise((r) => setTimeout(r, 100));
    }

    const url = `http://127.0.0.1:${port}/hooks/carto`;
    const { job } = await requestExport(user, { ...posterRequest(), webhookUrl: url });
    const [claimed] = await claimJobs('readme-test', 1, 60);
    expect(claimed.id).toBe(job.id);
    await completeJob(claimed.id, claimed.leaseToken, { path: `x/${job.id}.png`, bytes: 1, width: 1, height: 1, contentType: 'image/png', thumbnailPath: `x/${job.id}.thumb.webp` });
    const reports = await deliverDueWebhooks();
    expect(reports).toEqual([expect.objectContaining({ jobId: job.id, outcome: 'delivered', httpStatus: 204 })]);
    await expect.poll(() => output).toContain(`export.succeeded ${job.id}`);

    const body = JSON.stringify({ id: 'x', type: 'export.succeeded', data: { id: 'forged' } });
    const forged = await fetch(url, { method: 'POST', body, headers: { 'carto-signature': signWebhook('whsec_not-the-secret', body) } });
    expect([forged.status, await forged.text()]).toEqual([400, 'mismatch']);
    const unsigned = await fetch(url, { method: 'POST', body });
    expect([unsigned.status, await unsigned.text()]).toEqual([400, 'malformed']);
  });
});
