import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { literal, serviceQuery } from '@/lib/db/serviceQuery';
import { requestExport } from '@/lib/exports/queue';
import { claimJobs, failJob } from '@/lib/exports/workerQueue';
import { createUser, posterRequest } from './helpers';

afterAll(closeSql);

describe('worker calls sent in one round trip', () => {
  const nasty = [
    `it's`,
    `back\\slash \\' and quote`,
    `'); update public.export_jobs set status = 'succeeded'; --`,
    `E'\\x00'`,
    `ünïcödé ✓ 🗺️`,
    '$$ dollar $$',
  ];

  it.each(nasty)('keep the text %j exactly as written', async (text) => {
    const [row] = await serviceQuery`select ${text} as t, ${[text, 'b']} as a`;
    expect(row).toEqual({ t: text, a: [text, 'b'] });
  });

  it('store a failure message full of quotes exactly, and change nothing else', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const [claimed] = await claimJobs('quotes', 1, 60);
    const message = nasty.join(' | ');
    const failed = await failJob(claimed.id, claimed.leaseToken, `code'x`, message, false);
    expect(failed).toMatchObject({ errorMessage: message, errorCode: `code'x`, status: 'failed' });
    const [others] = await sql()`select count(*)::int as n from public.export_jobs where status = 'succeeded'`;
    expect(others.n).toBe(0);
    expect(job.id).toBe(claimed.id);
  });

  it('run as service_role only for the call itself', async () => {
    const [row] = await serviceQuery`select current_user as u`;
    expect(row.u).toBe('service_role');
    const [after] = await sql()`select current_user as u`;
    expect(after.u).not.toBe('service_role');
    await expect(serviceQuery`select 1/0`).rejects.toMatchObject({ code: '22012' });
  });

  it('refuse values Postgres text cannot hold', () => {
    expect(() => literal('a\0b')).toThrow(/NUL/);
    expect(() => literal(Number.NaN)).toThrow();
  });
});
