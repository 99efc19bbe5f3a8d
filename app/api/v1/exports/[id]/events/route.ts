import type { NextRequest } from 'next/server';
import { getExport } from '@/lib/exports/queue';
import { presentExport } from '@/lib/exports/present';
import { personCalling } from '@/lib/http/access';
import { errorResponse } from '@/lib/http/respond';
import type { JwtClaims } from '@/types/auth';
import type { ExportJob } from '@/types/exports';
import { isTerminalStatus } from '@/types/vocabulary';

export const maxDuration = 300;

const POLL_MS = 1_000;
const HEARTBEAT_MS = 15_000;
// End the stream before the platform cuts it; EventSource reconnects and gets the current status first.
const STREAM_MS = (maxDuration - 30) * 1000;

/**
 * Server-sent events: the status object (as GET /api/v1/exports/:id) now and
 * on every change, polled from the row each second; `: heartbeat` comments
 * keep proxies from closing a quiet stream. Ends after a terminal status, so
 * a client should close its EventSource then; ends too when the client goes.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const claims = await personCalling(request, 'GET /api/v1/exports/[id]/events');
    // Read once before answering, so an unknown id is a 404, not an empty stream.
    const first = await getExport(claims, (await params).id);
    return new Response(eventStream(claims, first, request.signal), {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}

function eventStream(claims: JwtClaims, first: ExportJob, clientSignal: AbortSignal): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  const signal = AbortSignal.any([clientSignal, stop.signal]);
  const events = statusEvents(claims, first, signal);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await events.next();
      if (stop.signal.aborted) return; // cancelled while this pull waited: the stream is closed already
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      stop.abort();
      await events.return(undefined);
    },
  });
}

async function* statusEvents(claims: JwtClaims, first: ExportJob, signal: AbortSignal): AsyncGenerator<string> {
  const started = Date.now();
  let last = JSON.stringify(presentExport(first));
  yield `retry: 5000\ndata: ${last}\n\n`;
  let status = first.status;
  let quietSince = Date.now();
  while (!isTerminalStatus(status) && !signal.aborted && Date.now() - started < STREAM_MS) {
    await sleep(POLL_MS, signal);
    if (signal.aborted) return;
    let job: ExportJob;
    try {
      job = await getExport(claims, first.id);
    } catch (e) {
      const { error } = (await errorResponse(e).json()) as { error: { code: string; message: string } };
      yield `event: error\ndata: ${JSON.stringify({ error })}\n\n`;
      return;
    }
    status = job.status;
    const next = JSON.stringify(presentExport(job));
    if (next !== last) {
      last = next;
      quietSince = Date.now();
      yield `data: ${next}\n\n`;
    } else if (Date.now() - quietSince >= HEARTBEAT_MS) {
      quietSince = Date.now();
      yield ': heartbeat\n\n';
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
