import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { MAX_EXPORT_REQUEST_BYTES } from '@/lib/overlays/limits';
import { appCall, makeCallers, type Callers } from './appCallers';
import { routeFiles, sampleUrl, type RouteFile } from '../support/routeFiles';

/**
 * Generated bodies, headers, query strings and path ids thrown at every route
 * file under app/ on the running app: no answer is a 5xx, every error is the
 * one shape `{ error: { code, message, details? } }`, and a refused request
 * writes no row. Seeded and bounded: FUZZ_RUNS (per route and method, default
 * 12) and FUZZ_SEED make a longer or another run, e.g.
 * `FUZZ_RUNS=500 npx vitest run tests/api/fuzz.test.ts`.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const FUZZ_EMAIL_DOMAIN = 'fuzz.test';

let callers: Callers;
let db: postgres.Sql;
const covered = new Set<string>();

beforeAll(async () => {
  callers = await makeCallers(FUZZ_EMAIL_DOMAIN);
  db = postgres(inject('appDatabaseUrl'), { max: 1, onnotice: () => {} });
}, 60_000);
afterAll(async () => {
  await db?.end();
});

/** What a refused request must not change: the fuzz user's exports and keys, and the users signed in from the fuzz domain. */
async function rows(): Promise<string> {
  const [r] = await db`
    select (select count(*) from public.export_jobs where user_id = ${callers.userId})::int as jobs,
           (select count(*) from public.api_keys where user_id = ${callers.userId})::int as keys,
           (select count(*) from auth.users where email like ${'%@' + FUZZ_EMAIL_DOMAIN})::int as users`;
  return JSON.stringify(r);
}

// Text a hostile client sends: anything Unicode allows, plus what Postgres cannot store and what a parser trips on.
const nasty = fc.constantFrom('\u0000', '\ud800', 'a\udc00b', '\ud83d', '', ' ', '%00', "'; drop table x; --", '../..', 'null', '1e309', 'x'.repeat(500));
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 20 }), nasty);
const jsonish: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text, fc.constant(undefined));

const LEAVES = ['format', 'size', 'webhookUrl', 'idempotencyKey', 'poster', 'poster.text.title', 'poster.text.subtitle', 'poster.text.coordinates',
  'poster.palette', 'poster.style', 'poster.place.center.lat', 'poster.place.zoom', 'poster.customPalette', 'poster.layers', 'poster.typography.font',
  'poster.format.aspect', 'poster.format.margin'];

/** A valid export request with one field replaced by generated junk, or an unknown field added, or a field removed. */
const mutatedExport = fc.tuple(fc.constantFrom(...LEAVES), fc.constantFrom('set', 'add', 'drop'), text, jsonish).map(([leaf, how, key, value]) => {
  const body = structuredClone({ poster: DEFAULT_POSTER, format: 'png', size: 'social' }) as Record<string, unknown>;
  const parts = leaf.split('.');
  let at = body;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  const last = parts[parts.length - 1];
  if (how === 'drop') delete at[last];
  // An added field always has a name no schema knows; a set value that happens to be valid still counts: it is no 5xx either.
  else if (how === 'add') at[`${key}_unknown`] = value;
  else at[last] = value;
  return body;
});

const bodies = fc.oneof(
  { arbitrary: mutatedExport.map((b) => JSON.stringify(b)), weight: 4 },
  { arbitrary: fc.record({ exports: fc.array(mutatedExport, { maxLength: 3 }) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)), weight: 1 },
  { arbitrary: fc.record({ name: jsonish, email: fc.oneof(text, text.map((t) => `${t}@${FUZZ_EMAIL_DOMAIN}`)) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)), weight: 2 },
  { arbitrary: jsonish.map((v) => JSON.stringify(v) ?? ''), weight: 2 },
  { arbitrary: text, weight: 1 },
  { arbitrary: fc.constant(JSON.stringify({ pad: 'x'.repeat(MAX_EXPORT_REQUEST_BYTES) })), weight: 1 },
);

const contentTypes = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/vnd.api+json', 'application/jsonx', '*/*', 'application/json; charset=latin1');

// Header values are visible ASCII: fetch refuses NUL, CR and LF before anything is sent.
const headerText = fc.string({ unit: 'grapheme-ascii', maxLength: 220 });

const authorizations = (c: Callers) =>
  fc.constantFrom(undefined, `Bearer ${c.sessionToken}`, `Bearer ${c.sessionToken}`, `Bearer ${c.apiKey}`, 'Bearer ', 'Bearer x.y.z', 'Basic Zm9vOmJhcg==',
    `Bearer ${c.sessionToken.slice(0, -2)}xx`, 'Bearer cek_0000000000000000000000000000000000000000', `bearer ${c.apiKey}x`);

// One path segment: a uuid, a tile number, or junk, percent-encoded as a client would (never "." or "..", which the URL itself resolves away).
const segment = fc.oneof(fc.uuid(), fc.integer({ min: -5, max: 40000 }).map(String), fc.constant('00000000-0000-4000-8000-000000000000'), text)
  .map((s) => encodeURIComponent(s.isWellFormed() ? s : s.toWellFormed()))
  .filter((s) => s !== '' && s !== '.' && s !== '..');

const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom('cursor', 'status', 'limit', 'thumbnail', 'sig', 'expires', 'name', 'token_hash', 'code', 'type', 'next', 'q', 'source'), text), fc.oneof(text, fc.integer().map(String))), { maxLength: 4 })
  .map((pairs) => {
    const q = new URLSearchParams(pairs.map(([k, v]) => [k.toWellFormed(), v.toWellFormed()])).toString();
    return q ? `?${q}` : '';
  });

function requests(route: RouteFile, method: string) {
  const params = fc.array(segment, { minLength: 3, maxLength: 3 });
  return fc.record({
    params,
    query,
    body: method === 'GET' || method === 'HEAD' ? fc.constant(undefined) : fc.option(bodies, { nil: undefined }),
    contentType: contentTypes,
    authorization: authorizations(callers),
    idempotencyKey: fc.option(headerText, { nil: undefined }),
  }).map((r) => {
    let i = 0;
    const path = sampleUrl(route.pattern, (name) => (name === 'path' ? r.params.join('/') : r.params[i++ % 3]));
    const headers: Record<string, string> = {};
    if (r.contentType) headers['content-type'] = r.contentType;
    if (r.authorization) headers.authorization = r.authorization;
    if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
    return { method, path: path + r.query, headers, body: r.body };
  });
}

type ErrorBody = { error?: { code?: unknown; message?: unknown; details?: unknown } };

async function check(req: { method: string; path: string; headers: Record<string, string>; body: string | undefined }) {
  const before = await rows();
  const res = await appCall(req.path, { method: req.method, headers: req.headers, body: req.body });
  const where = `${req.method} ${req.path} ${JSON.stringify(req.headers)} ${req.body?.slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  if (res.status < 400) {
    await res.body?.cancel();
    // A request that got in and queued an export: cancel it at once, so the fuzzer does not keep Chromium busy.
    if (res.status === 202 && req.path.startsWith('/api/v1/exports')) await cancelQueued();
    return;
  }
  expect(res.headers.get('content-type'), where).toMatch(/^application\/json/);
  const body = (await res.json()) as ErrorBody;
  expect(Object.keys(body), where).toEqual(['error']);
  expect(typeof body.error?.code, where).toBe('string');
  expect(typeof body.error?.message, where).toBe('string');
  expect(Object.keys(body.error!).filter((k) => !['code', 'message', 'details'].includes(k)), where).toEqual([]);
  expect(await rows(), `a refused request wrote a row: ${where}`).toBe(before);
}

async function cancelQueued() {
  const jobs = await db<{ id: string }[]>`select id from public.export_jobs where user_id = ${callers.userId} and status in ('queued', 'running')`;
  for (const { id } of jobs) {
    const res = await appCall(`/api/v1/exports/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${callers.sessionToken}` } });
    await res.body?.cancel();
  }
}

const targets = routeFiles().flatMap((route) => route.methods.map((method) => ({ route, method })));

describe('generated requests to every route', () => {
  it.each(targets.map((t) => [`${t.method} ${t.route.pattern}`, t] as const))('%s: no 5xx, the one error shape, no row written when refused', async (name, { route, method }) => {
    // Never the cron or metrics secrets here: with them the cron routes would run the real worker; tests/api/access*.test.ts cover those callers.
    await fc.assert(fc.asyncProperty(requests(route, method), check), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    covered.add(name);
  }, 120_000);

  it('covered every route file under app/ with every method it exports', () => {
    const all = routeFiles();
    expect(all.length).toBeGreaterThan(20);
    expect([...covered].sort()).toEqual(all.flatMap((r) => r.methods.map((m) => `${m} ${r.pattern}`)).sort());
  });
});
