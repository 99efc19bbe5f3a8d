import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { POST as signInRoute } from '@/app/api/auth/sign-in/route';
import { GET as list, POST as create } from '@/app/api/v1/exports/route';
import { POST as createBatch } from '@/app/api/v1/exports/batch/route';
import { GET as status } from '@/app/api/v1/exports/[id]/route';
import { GET as download } from '@/app/api/v1/exports/[id]/download/route';
import { POST as createKey } from '@/app/api/v1/keys/route';
import { DELETE as revokeKey } from '@/app/api/v1/keys/[id]/route';
import { apiRequest, exportRequest, params, rowCount, signIn } from './helpers';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { MAX_EXPORT_REQUEST_BYTES } from '@/lib/overlays/limits';
import { NextRequest } from 'next/server';

/**
 * What a hostile or careless client sends: every one is a 4xx in the one
 * error shape naming the field, never a 5xx, and writes nothing.
 */
afterAll(closeSql);

type ApiError = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

async function refused(res: Response, status: number, code: string): Promise<ApiError['error']> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as ApiError;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

const poster = (text: Partial<typeof DEFAULT_POSTER.text>) => ({ ...DEFAULT_POSTER, text: { ...DEFAULT_POSTER.text, ...text } });

function raw(method: string, path: string, token: string, body: BodyInit | undefined, headers: Record<string, string> = {}): NextRequest {
  const init = { method, headers: { authorization: `Bearer ${token}`, ...headers }, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) };
  return new NextRequest(new URL(path, 'http://localhost:3000'), init as ConstructorParameters<typeof NextRequest>[1]);
}

describe('text Postgres cannot store', () => {
  it.each([
    ['a NUL character', 'Three\u0000Rivers'],
    ['a lone surrogate', 'Three \ud800 Rivers'],
  ])('a title with %s is a 400 naming poster.text.title, and queues nothing', async (_what, title) => {
    const { token, userId } = await signIn();
    const err = await refused(await create(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest({ poster: poster({ title }) }) })), 400, 'invalid_request');
    expect(err.details?.map((d) => d.path)).toEqual(['poster.text.title']);
    expect(await rowCount(userId)).toBe(0);
  });

  it('an idempotency key, a webhook URL and a batch entry with NUL name their fields', async () => {
    const { token, userId } = await signIn();
    const a = await refused(await create(apiRequest('POST', '/api/v1/exports', { token, body: { ...exportRequest(), idempotencyKey: 'k\u0000' } })), 400, 'invalid_request');
    expect(a.details?.map((d) => d.path)).toEqual(['idempotencyKey']);
    const b = await refused(await create(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest({ webhookUrl: 'https://example.com/\u0000' }) })), 400, 'invalid_request');
    expect(b.details?.map((d) => d.path)).toEqual(['webhookUrl']);
    const c = await refused(await createBatch(apiRequest('POST', '/api/v1/exports/batch', { token, body: { exports: [exportRequest(), exportRequest({ poster: poster({ subtitle: '\udc00' }) })] } })), 400, 'invalid_request');
    expect(c.details?.map((d) => d.path)).toEqual(['exports.1.poster.text.subtitle']);
    expect(await rowCount(userId)).toBe(0);
  });

  it('an API key name with NUL or a lone surrogate is a 400 naming name, and makes no key', async () => {
    const { token, userId } = await signIn();
    for (const name of ['print\u0000shop', '\ud83d']) {
      const err = await refused(await createKey(apiRequest('POST', '/api/v1/keys', { token, body: { name } })), 400, 'invalid_request');
      expect(err.details?.map((d) => d.path)).toEqual(['name']);
    }
    const [{ n }] = await sql()<{ n: number }[]>`select count(*)::int as n from public.api_keys where user_id = ${userId}`;
    expect(n).toBe(0);
  });

  it('a cursor with NUL, an unknown query parameter and a malformed path id are 4xx, not Postgres errors', async () => {
    const { token } = await signIn();
    const cursor = await refused(await list(apiRequest('GET', `/api/v1/exports?cursor=${encodeURIComponent('a\u0000')}`, { token })), 400, 'invalid_request');
    expect(cursor.details?.map((d) => d.path)).toEqual(['cursor']);
    // A cursor that decodes to a date JavaScript accepts but Postgres does not.
    const odd = Buffer.from(JSON.stringify(['1', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    await refused(await list(apiRequest('GET', `/api/v1/exports?cursor=${odd}`, { token })), 400, 'invalid_request');
    const typo = await refused(await list(apiRequest('GET', '/api/v1/exports?statsu=failed', { token })), 400, 'invalid_request');
    expect(typo.details?.map((d) => d.path)).toEqual(['statsu']);
    for (const id of ['not-a-uuid', '1', '\u0000', '00000000-0000-4000-8000-00000000000g']) {
      expect((await status(apiRequest('GET', '/api/v1/exports/x', { token }), params({ id }))).status).toBe(404);
      expect((await download(apiRequest('GET', '/api/v1/exports/x/download', { token }), params({ id }))).status).toBe(404);
      expect((await revokeKey(apiRequest('DELETE', '/api/v1/keys/x', { token }), params({ id }))).status).toBe(404);
    }
  });
});

describe('bodies that are not JSON, too large, or carry unknown fields', () => {
  it('a body without Content-Type, or as text/plain, is a 415 and queues nothing', async () => {
    const { token, userId } = await signIn();
    const json = JSON.stringify(exportRequest());
    await refused(await create(raw('POST', '/api/v1/exports', token, json)), 415, 'unsupported_media_type');
    await refused(await create(raw('POST', '/api/v1/exports', token, json, { 'content-type': 'text/plain' })), 415, 'unsupported_media_type');
    await refused(await createKey(raw('POST', '/api/v1/keys', token, '{"name":"x"}', { 'content-type': 'application/x-www-form-urlencoded' })), 415, 'unsupported_media_type');
    expect(await rowCount(userId)).toBe(0);
    // application/json with a charset is JSON.
    expect((await create(raw('POST', '/api/v1/exports', token, json, { 'content-type': 'application/json; charset=utf-8' }))).status).toBe(202);
  });

  it('sign-in takes JSON or a form, and anything else is a 415', async () => {
    await refused(await signInRoute(new Request('http://localhost:3000/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"email":"a@example.test"}' })), 415, 'unsupported_media_type');
    const err = await refused(await signInRoute(new Request('http://localhost:3000/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@example.test","emial":"x"}' })), 400, 'invalid_request');
    expect(err.details?.map((d) => d.path)).toEqual(['emial']);
  });

  it('a misspelt top-level field ("fromat") is a 400 naming it, not a PNG', async () => {
    const { token, userId } = await signIn();
    const rest: Record<string, unknown> = exportRequest();
    delete rest.format;
    const err = await refused(await create(apiRequest('POST', '/api/v1/exports', { token, body: { ...rest, fromat: 'pdf' } })), 400, 'invalid_request');
    expect(err.details?.map((d) => d.path).sort()).toEqual(['format', 'fromat']);
    expect(err.message).toContain('fromat');
    const batch = await refused(await createBatch(apiRequest('POST', '/api/v1/exports/batch', { token, body: { exports: [exportRequest()], extra: 1 } })), 400, 'invalid_request');
    expect(batch.details?.map((d) => d.path)).toEqual(['extra']);
    const nested = await refused(await create(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest({ poster: { ...DEFAULT_POSTER, place: { ...DEFAULT_POSTER.place, center: { ...DEFAULT_POSTER.place.center, alt: 3 } } } }) })), 400, 'invalid_request');
    expect(nested.details?.map((d) => d.path)).toEqual(['poster.place.center.alt']);
    expect(await rowCount(userId)).toBe(0);
  });

  it('an oversized body is a 413 from its declared length, and from the bytes read when no length is declared', async () => {
    const { token, userId } = await signIn();
    const big = JSON.stringify({ ...exportRequest(), pad: 'x'.repeat(MAX_EXPORT_REQUEST_BYTES) });
    await refused(await create(raw('POST', '/api/v1/exports', token, big, { 'content-type': 'application/json' })), 413, 'payload_too_large');
    // Chunked: a stream that would never end is cut off once past the limit, not read whole.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    await refused(await create(raw('POST', '/api/v1/exports', token, endless, { 'content-type': 'application/json' })), 413, 'payload_too_large');
    expect(sent).toBeLessThan(MAX_EXPORT_REQUEST_BYTES + 4 * 64 * 1024);
    expect(await rowCount(userId)).toBe(0);
  });
});
