import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from '@/lib/db/client';
import { apiWebhookEventSchema, type ApiWebhookEvent } from '@/types/api';

/** A delivery as the receiver saw it: raw body and headers, and when it arrived. */
export type Received = { headers: IncomingHttpHeaders; rawBody: string; at: number };

export type Receiver = {
  /** Base URL on 127.0.0.1; any path reaches the same handler. */
  url: string;
  port: number;
  received: Received[];
  events: () => ApiWebhookEvent[];
  close: () => Promise<void>;
};

/**
 * A real HTTP receiver on 127.0.0.1. `answer` decides the response to the
 * n-th request (0-based): a status code, or a handler of its own.
 */
export async function startReceiver(
  answer: (n: number, req: Received, res: ServerResponse) => number | 'handled' = () => 200,
): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(r);
      const status = answer(received.length - 1, r, res);
      if (status === 'handled') return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? `receiver says ${status}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/carto`,
    port,
    received,
    events: () => received.map((r) => apiWebhookEventSchema.parse(JSON.parse(r.rawBody))),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Makes a delivery due now, as if its backoff (or a dead sender's lease) had passed, without sleeping through it. */
export async function makeWebhookDue(jobId: string): Promise<void> {
  await sql()`update public.export_jobs set webhook_next_at = now() where id = ${jobId} and webhook_state in ('pending', 'sending')`;
}

export const header = (r: Received, name: string) => String(r.headers[name.toLowerCase()] ?? '');
