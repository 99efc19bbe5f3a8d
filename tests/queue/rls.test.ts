import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '@/lib/db/client';
import { closeSql, sql } from '@/lib/db/client';
import { asAnon, asService, withUser } from '@/lib/db/session';
import type { JwtClaims } from '@/types/auth';
import { createUser, posterRequest } from './helpers';

/**
 * Who may do what to the queue, exercised for real: each caller runs each
 * table operation and each function in its own transaction (rolled back, so
 * the cases do not disturb each other) and the outcome is compared with the
 * expected matrix.
 */

afterAll(closeSql);

type Role = 'anon' | 'other' | 'owner' | 'service';
const ROLES: Role[] = ['anon', 'other', 'owner', 'service'];
let owner: JwtClaims;
let other: JwtClaims;
let queuedId: string;
let doneId: string;

class Rollback extends Error {
  constructor(readonly result: string) {
    super('rollback');
  }
}

/** 'ok', 'ok:<rows>' for reads, 'denied' for a privilege error, or the queue's error code. */
async function outcome(role: Role, op: (tx: Tx) => Promise<readonly unknown[]>, countRows = false): Promise<string> {
  const run = async (tx: Tx) => {
    const rows = await op(tx);
    throw new Rollback(countRows ? `ok:${rows.length}` : 'ok');
  };
  try {
    if (role === 'anon') await asAnon(run);
    else if (role === 'service') await asService(run);
    else await withUser(role === 'owner' ? owner : other, run);
    throw new Error('unreachable');
  } catch (e) {
    if (e instanceof Rollback) return e.result;
    const code = (e as { code?: string }).code;
    if (code === '42501') return 'denied';
    if (code?.startsWith('CX')) return code;
    throw e;
  }
}

beforeAll(async () => {
  owner = await createUser();
  other = await createUser();
  const [q, d] = await sql()<{ id: string }[]>`
    insert into public.export_jobs (user_id, request, max_attempts, status, lease_token, lease_expires_at)
    values (${owner.sub}, ${JSON.stringify(posterRequest())}::text::jsonb, 3, 'queued', null, null),
           (${owner.sub}, ${JSON.stringify(posterRequest())}::text::jsonb, 3, 'succeeded', null, null)
    returning id`;
  queuedId = q.id;
  doneId = d.id;
  await sql()`update public.export_jobs set result_path = 'r.png', result_content_type = 'image/png', expires_at = now() + interval '1 day' where id = ${doneId}`;
  // A job of the other user, so that "sees only their own rows" is tested from both sides.
  await sql()`insert into public.export_jobs (user_id, request, max_attempts) values (${other.sub}, ${JSON.stringify(posterRequest())}::text::jsonb, 3)`;
});

const request = () => JSON.stringify(posterRequest());

const tableCases: [string, (tx: Tx) => Promise<readonly unknown[]>, Record<Role, string>][] = [
  ['select the owner’s job', (tx) => tx`select id, status, request from public.export_jobs where id = ${queuedId}`,
    { anon: 'denied', other: 'ok:0', owner: 'ok:1', service: 'ok:1' }],
  ['select every job', (tx) => tx`select id from public.export_jobs`,
    { anon: 'denied', other: 'ok:1', owner: 'ok:2', service: 'ok:3' }],
  ['select the lease token', (tx) => tx`select lease_token from public.export_jobs where id = ${queuedId}`,
    { anon: 'denied', other: 'denied', owner: 'denied', service: 'ok:1' }],
  ['insert a job', (tx) => tx`insert into public.export_jobs (user_id, request, max_attempts) values (${owner.sub}, ${request()}::text::jsonb, 3) returning id`,
    { anon: 'denied', other: 'denied', owner: 'denied', service: 'ok:1' }],
  ['update a job', (tx) => tx`update public.export_jobs set priority = 100 where id = ${queuedId} returning id`,
    { anon: 'denied', other: 'denied', owner: 'denied', service: 'ok:1' }],
  ['delete a job', (tx) => tx`delete from public.export_jobs where id = ${queuedId} returning id`,
    { anon: 'denied', other: 'denied', owner: 'denied', service: 'ok:1' }],
  ['select the settings', (tx) => tx`select * from public.export_settings`,
    { anon: 'denied', other: 'denied', owner: 'denied', service: 'ok:1' }],
  ['update the settings', (tx) => tx`update public.export_settings set max_active_jobs = 1000 returning id`,
    { anon: 'denied', other: 'denied', owner: 'denied', service: 'ok:1' }],
  ['insert settings', (tx) => tx`insert into public.export_settings (id) values (true) on conflict do nothing returning id`,
    { anon: 'denied', other: 'denied', owner: 'denied', service: 'ok:0' }],
  ['delete the settings', (tx) => tx`delete from public.export_settings returning id`,
    { anon: 'denied', other: 'denied', owner: 'denied', service: 'denied' }],
];

const userFunctionCases: [string, (tx: Tx) => Promise<readonly unknown[]>, Record<Role, string>][] = [
  ['request_export', (tx) => tx`select * from public.request_export(${request()}::text::jsonb)`,
    { anon: 'denied', other: 'ok', owner: 'ok', service: 'denied' }],
  ['request_export_batch', (tx) => tx`select * from public.request_export_batch(${`[${request()}]`}::text::jsonb)`,
    { anon: 'denied', other: 'ok', owner: 'ok', service: 'denied' }],
  ['cancel_export', (tx) => tx`select public.cancel_export(${queuedId})`,
    { anon: 'denied', other: 'CX002', owner: 'ok', service: 'denied' }],
  ['retry_export', (tx) => tx`select public.retry_export(${queuedId})`,
    { anon: 'denied', other: 'CX002', owner: 'CX003', service: 'denied' }],
  ['record_export_download', (tx) => tx`select * from public.record_export_download(${doneId})`,
    { anon: 'denied', other: 'CX002', owner: 'ok', service: 'denied' }],
];

const none = randomUUID();
// For the service role each call must run (a lease error or an empty result proves it executed).
const workerFunctionCases: [string, (tx: Tx) => Promise<readonly unknown[]>, string][] = [
  ['claim_export_jobs', (tx) => tx`select * from public.claim_export_jobs('rls', 1, 60)`, 'ok'],
  ['reap_expired_export_jobs', (tx) => tx`select * from public.reap_expired_export_jobs()`, 'ok'],
  ['heartbeat_export_job', (tx) => tx`select public.heartbeat_export_job(${none}, ${none}, 1, 'x')`, 'CX004'],
  ['record_export_files', (tx) => tx`select public.record_export_files(${none}, ${none}, '{a}')`, 'CX004'],
  ['complete_export_job', (tx) => tx`select * from public.complete_export_job(${none}, ${none}, 'p', 1, 1, 1, 'image/png')`, 'CX004'],
  ['complete_export_jobs', (tx) => tx`select * from public.complete_export_jobs(${JSON.stringify([{ id: none, lease_token: none, path: 'p', bytes: 1, content_type: 'image/png' }])}::text::jsonb)`, 'ok'],
  ['fail_export_job', (tx) => tx`select * from public.fail_export_job(${none}, ${none}, 'c', 'm', true)`, 'CX004'],
  ['release_export_job', (tx) => tx`select * from public.release_export_job(${none}, ${none})`, 'CX004'],
  ['list_expired_export_results', (tx) => tx`select * from public.list_expired_export_results(10)`, 'ok'],
  ['mark_export_expired', (tx) => tx`select public.mark_export_expired(${none})`, 'ok'],
  ['list_orphaned_export_files', (tx) => tx`select * from public.list_orphaned_export_files(10)`, 'ok'],
  ['mark_export_files_removed', (tx) => tx`select public.mark_export_files_removed(${none}, '{a}')`, 'ok'],
  ['purge_finished_export_jobs', (tx) => tx`select public.purge_finished_export_jobs(10)`, 'ok'],
  ['existing_export_job_ids', (tx) => tx`select * from public.existing_export_job_ids(array[${none}]::uuid[])`, 'ok'],
  ['export_metrics', (tx) => tx`select public.export_metrics()`, 'ok'],
  ['export_queue_depth', (tx) => tx`select * from public.export_queue_depth()`, 'ok'],
  ['record_export_metric', (tx) => tx`select public.record_export_metric('carto_rls_probe_total', '{}', 1)`, 'ok'],
];

const internalCases: [string, (tx: Tx) => Promise<readonly unknown[]>][] = [
  ['enqueue_exports', (tx) => tx`select * from public.enqueue_exports(${owner.sub}, ${`[${request()}]`}::text::jsonb, null, 0)`],
  ['check_export_quota', (tx) => tx`select public.check_export_quota(${owner.sub}, 1, true)`],
  ['export_request_problem', (tx) => tx`select public.export_request_problem('{}', 100)`],
  ['export_retry_delay', (tx) => tx`select public.export_retry_delay(1, 1, 1)`],
  ['export_metric_buckets', (tx) => tx`select public.export_metric_buckets('carto_export_render_seconds')`],
  ['export_metric_bucket', (tx) => tx`select public.export_metric_bucket('{1}', 1)`],
  ['count_export_attempt_end', (tx) => tx`select public.count_export_attempt_end()`],
  ['notify_export_queued', (tx) => tx`select public.notify_export_queued()`],
  ['export_jobs_done_stage', (tx) => tx`select public.export_jobs_done_stage()`],
];

describe('row-level security and grants', () => {
  it.each(tableCases)('table: %s', async (_, op, expected) => {
    const got = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await outcome(r, op, true)])));
    expect(got).toEqual(expected);
  });

  it.each(userFunctionCases)('user function %s', async (_, op, expected) => {
    const got = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await outcome(r, op)])));
    expect(got).toEqual(expected);
  });

  it.each(workerFunctionCases)('worker function %s: service role only', async (_, op, serviceOutcome) => {
    const got = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await outcome(r, op)])));
    expect(got).toEqual({ anon: 'denied', other: 'denied', owner: 'denied', service: serviceOutcome });
  });

  it.each(internalCases)('internal function %s: nobody', async (_, op) => {
    const got = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await outcome(r, op)])));
    expect(got).toEqual({ anon: 'denied', other: 'denied', owner: 'denied', service: 'denied' });
  });

  it('cover every queue function and table in the catalogue, and RLS is on for both tables', async () => {
    const functions = await sql()<{ name: string; anon: boolean; authenticated: boolean; definer: boolean; path: boolean }[]>`
      select p.proname as name, has_function_privilege('anon', p.oid, 'execute') as anon,
             has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
             p.prosecdef as definer, coalesce('search_path=""' = any (p.proconfig), false) as path
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.proname ~ 'export'
       order by 1`;
    const tested = [...userFunctionCases, ...workerFunctionCases, ...internalCases].map(([name]) => name).sort();
    expect(functions.map((f) => f.name)).toEqual(tested);
    expect(functions.filter((f) => f.anon)).toEqual([]);
    expect(functions.filter((f) => f.authenticated).map((f) => f.name).sort()).toEqual(userFunctionCases.map(([n]) => n).sort());
    expect(functions.filter((f) => !f.path).map((f) => f.name)).toEqual([]);
    const tables = await sql()`select relname, relrowsecurity from pg_class where relname in ('export_jobs', 'export_settings') order by 1`;
    expect(tables).toEqual([{ relname: 'export_jobs', relrowsecurity: true }, { relname: 'export_settings', relrowsecurity: true }]);
  });

  it('leave the owner’s jobs exactly as they were', async () => {
    const rows = await sql()`select status, priority, cancel_requested_at from public.export_jobs where id = ${queuedId}`;
    expect(rows).toEqual([{ status: 'queued', priority: 0, cancel_requested_at: null }]);
  });
});
