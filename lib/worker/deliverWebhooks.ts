import 'server-only';
import http from 'node:http';
import https from 'node:https';
import { appUrl, env } from '@/lib/env';
import { log } from '@/lib/log';
import { queueCall } from '@/lib/exports/errors';
import { presentExport } from '@/lib/exports/present';
import { parseExportJob } from '@/lib/exports/rows';
import { serviceQuery } from '@/lib/db/serviceQuery';
import type { ApiExport, ApiWebhookEvent } from '@/types/api';
import type { ExportJob } from '@/types/exports';
import { webhookEventTypeSchema, webhookStateSchema, type WebhookEventType, type WebhookState } from '@/types/webhooks';
import { checkedLookup, webhookPolicy, WebhookTargetRefused, webhookUrlProblem, type WebhookPolicy } from '@/lib/webhooks/policy';
import { ATTEMPT_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signWebhook } from '@/lib/webhooks/sign';

/**
 * Sends due webhook deliveries: claims them in SQL (migrations/0008: due
 * when a job ended, again after backoff), POSTs each signed event once, and
 * records how it went. The database decides what is due, the backoff and
 * when to give up; this only sends.
 */

export type DeliverOptions = {
  /** Deliveries claimed (and sent in parallel) in one call. */
  limit?: number;
  policy?: WebhookPolicy;
  timeoutMs?: number;
};

export type DeliveryReport = {
  jobId: string;
  eventId: string;
  attempt: number;
  outcome: 'delivered' | 'retry' | 'refused';
  httpStatus: number | null;
  error: string | null;
  /** The state the database recorded; null if this sender no longer held the delivery. */
  state: WebhookState | null;
};

type Claimed = { jobId: string; eventId: string; event: WebhookEventType; url: string; attempt: number; secret: string | null };

// Longer than a send can take (timeout + recording), so no second sender claims a delivery still in flight.
const LEASE_EXTRA_SECONDS = 30;
const ERROR_BODY_CHARS = 200;

/** Claims and sends up to `limit` due deliveries; returns what happened to each. */
export async function deliverDueWebhooks(options: DeliverOptions = {}): Promise<DeliveryReport[]> {
  const policy = options.policy ?? webhookPolicy();
  const timeoutMs = options.timeoutMs ?? env().WEBHOOK_TIMEOUT_SECONDS * 1000;
  const leaseSeconds = Math.ceil(timeoutMs / 1000) + LEASE_EXTRA_SECONDS;
  const claimed = await queueCall(async () =>
    (await serviceQuery`select * from public.claim_webhook_deliveries(${options.limit ?? 10}, ${leaseSeconds})`).map(
      (r): Claimed => ({
        jobId: r.job_id as string,
        eventId: r.event_id as string,
        event: webhookEventTypeSchema.parse(r.event),
        url: String(r.url ?? ''),
        attempt: Number(r.attempt),
        secret: (r.secret as string | null) ?? null,
      }),
    ),
  );
  if (claimed.length === 0) return [];
  const ids = claimed.map((c) => c.jobId);
  const jobs = new Map(
    (await queueCall(() => serviceQuery`select * from public.export_jobs where id = any(${ids}::uuid[])`)).map((r) => {
      const job = parseExportJob(r);
      return [job.id, job] as const;
    }),
  );
  return Promise.all(claimed.map((c) => deliverOne(c, jobs.get(c.jobId), policy, timeoutMs)));
}

/** For the worker's tick: delivery problems are logged, never allowed to stop the exports. */
export async function deliverDueWebhooksQuietly(options: DeliverOptions = {}): Promise<DeliveryReport[]> {
  try {
    const reports = await deliverDueWebhooks(options);
    for (const r of reports) {
      log()[r.outcome === 'delivered' ? 'info' : 'warn'](
        { event: 'webhook', jobId: r.jobId, eventId: r.eventId, attempt: r.attempt, outcome: r.outcome, httpStatus: r.httpStatus, state: r.state, error: r.error },
        `webhook ${r.outcome}`,
      );
    }
    return reports;
  } catch (e) {
    log().error({ event: 'webhook_error', err: e }, 'webhook delivery failed; due deliveries are tried again on the next tick');
    return [];
  }
}

async function deliverOne(c: Claimed, job: ExportJob | undefined, policy: WebhookPolicy, timeoutMs: number): Promise<DeliveryReport> {
  const problem = webhookUrlProblem(c.url, policy);
  if (problem) return record(c, 'refused', null, `refused: ${problem}`);
  if (!job || !c.secret) return record(c, 'retry', null, 'the job or its owner’s signing secret could not be read');
  const body = JSON.stringify(webhookEvent(c.eventId, c.event, job));
  try {
    const res = await post(new URL(c.url), body, {
      'content-type': 'application/json',
      'user-agent': 'carto-export-webhooks/1',
      [SIGNATURE_HEADER]: signWebhook(c.secret, body),
      [EVENT_ID_HEADER]: c.eventId,
      [EVENT_TYPE_HEADER]: c.event,
      [ATTEMPT_HEADER]: String(c.attempt),
    }, policy, timeoutMs);
    if (res.status >= 200 && res.status < 300) return record(c, 'delivered', res.status, null);
    return record(c, 'retry', res.status, `HTTP ${res.status}${res.body ? `: ${res.body}` : ''}`);
  } catch (e) {
    if (e instanceof WebhookTargetRefused) return record(c, 'refused', null, `refused: ${e.message}`);
    return record(c, 'retry', null, e instanceof Error ? e.message : String(e));
  }
}

async function record(c: Claimed, outcome: DeliveryReport['outcome'], httpStatus: number | null, error: string | null): Promise<DeliveryReport> {
  const [row] = await queueCall(
    () => serviceQuery`select * from public.record_webhook_attempt(${c.jobId}, ${c.eventId}, ${c.attempt}, ${outcome}, ${httpStatus}, ${error})`,
  );
  return { jobId: c.jobId, eventId: c.eventId, attempt: c.attempt, outcome, httpStatus, error, state: row ? webhookStateSchema.parse(row.state) : null };
}

/** The event a webhook POSTs: the status object, with URLs made absolute (the download URL is the app's, signed only when followed). */
export function webhookEvent(eventId: string, type: WebhookEventType, job: ExportJob, base: string = appUrl()): ApiWebhookEvent {
  return { id: eventId, type, createdAt: (job.finishedAt ?? job.updatedAt).toISOString(), data: absoluteUrls(presentExport(job), base) };
}

export function absoluteUrls(status: ApiExport, base: string): ApiExport {
  const abs = <T extends string | null>(url: T): T => (url === null ? url : (`${base}${url}` as T));
  return {
    ...status,
    statusUrl: abs(status.statusUrl),
    result: status.result && { ...status.result, downloadUrl: abs(status.result.downloadUrl), thumbnailUrl: abs(status.result.thumbnailUrl) },
  };
}

/** One POST: no redirects followed, a deadline over the whole exchange, only the start of the answer kept (for the error). */
function post(url: URL, body: string, headers: Record<string, string>, policy: WebhookPolicy, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: checkedLookup(policy), agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < ERROR_BODY_CHARS) text += chunk;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: text.slice(0, ERROR_BODY_CHARS).trim() });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => fail(new Error(`no complete answer within ${timeoutMs / 1000} s`)), timeoutMs);
    function fail(e: Error) {
      clearTimeout(timer);
      req.destroy();
      reject(e);
    }
    req.on('error', fail);
    req.end(body);
  });
}
