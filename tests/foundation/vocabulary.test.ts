import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { exportSizeSchema } from '@/types/exports';
import { API_ERROR_STATUS, EXPORT_STATUSES, OUTPUT_FORMAT_IDS } from '@/types/vocabulary';

/**
 * SQL cannot import types/vocabulary.ts, so the migrated database repeats
 * some of its words: the status check, the request check, the codes its
 * functions raise. These tests read them back from the catalog of the
 * migrated test database and fail when the two sides disagree.
 */

afterAll(closeSql);

const quoted = (text: string): string[] => [...text.matchAll(/'([^']*)'/g)].map((m) => m[1]!);

async function functionSources(): Promise<{ name: string; src: string }[]> {
  return (await sql()`
    select p.proname as name, p.prosrc as src
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public'`) as unknown as { name: string; src: string }[];
}

describe('the database speaks the vocabulary of types/vocabulary.ts', () => {
  it('export_jobs accepts exactly the statuses the app knows', async () => {
    const [row] = await sql()`
      select pg_get_constraintdef(c.oid) as def
        from pg_constraint c
       where c.conrelid = 'public.export_jobs'::regclass and c.contype = 'c'
         and pg_get_constraintdef(c.oid) like '%status = ANY%'`;
    expect(row, 'no check constraint on export_jobs.status').toBeDefined();
    expect(quoted(row!.def as string).sort()).toEqual([...EXPORT_STATUSES].sort());
  });

  it('every status a SQL function compares with is one the app knows', async () => {
    const known = new Set<string>(EXPORT_STATUSES);
    const unknown: string[] = [];
    for (const f of await functionSources()) {
      for (const m of f.src.matchAll(/\bstatus\s*(?:=|<>|!=|(?:not\s+)?in)\s*\(?\s*('[^)\n;]*)/gi)) {
        // Only the literals of this comparison: up to the first thing that is not a quoted word or a comma.
        const list = /^(?:'[a-z_]+'(?:\s*,\s*)?)+/i.exec(m[1]!)?.[0] ?? '';
        for (const s of quoted(list)) if (!known.has(s)) unknown.push(`${f.name}: '${s}'`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('the request check accepts exactly the formats and sizes the app offers', async () => {
    const checks = (await functionSources()).filter((f) => /->>\s*'format'\s+not in/.test(f.src));
    expect(checks.length, 'no SQL function checks the request format').toBeGreaterThan(0);
    for (const f of checks) {
      const formats = /->>\s*'format'\s+not in\s*\(([^)]*)\)/.exec(f.src)![1]!;
      const sizes = /->>\s*'size'\s+not in\s*\(([^)]*)\)/.exec(f.src)?.[1];
      expect(quoted(formats).sort(), `${f.name}: formats`).toEqual([...OUTPUT_FORMAT_IDS].sort());
      // Screen presets, paper sizes and custom: every size the API takes.
      expect(sizes && quoted(sizes).sort(), `${f.name}: sizes`).toEqual([...exportSizeSchema.options].sort());
    }
  });

  it('every code a SQL function raises is an API error code (lease_lost only ever reaches the worker)', async () => {
    const known = new Set<string>([...Object.keys(API_ERROR_STATUS), 'lease_lost']);
    const raised = new Set<string>();
    for (const f of await functionSources()) {
      for (const m of f.src.matchAll(/\bmessage\s*=\s*'([a-z_]+)'/g)) raised.add(m[1]!);
    }
    expect(raised.size).toBeGreaterThan(5);
    expect([...raised].filter((c) => !known.has(c))).toEqual([]);
  });
});
