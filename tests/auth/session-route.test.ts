import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';

/** Over real HTTP: the route reads the cookie jar through next/headers. */
const app = inject('appUrl');
const session = (headers: Record<string, string> = {}) => fetch(`${app}/api/auth/session`, { headers, signal: AbortSignal.timeout(60_000) });

describe('GET /api/auth/session', () => {
  it('says who is signed in from the cookie the sign-in sets', async () => {
    const email = `${randomUUID()}@example.test`;
    const signIn = await fetch(`${app}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const res = await session({ cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(await res.json()).toEqual({ signedIn: true, email });
  });

  it.each([
    ['no cookie', {}],
    ['a forged session cookie', { cookie: 'carto_session=not.a.jwt' }],
  ])('answers 200 signed out for %s, so the editor logs no error', async (_, headers) => {
    const res = await session(headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ signedIn: false });
  });

  it('refuses an API key: a key is not a session', async () => {
    const res = await session({ authorization: `Bearer cek_abcdefgh_${'x'.repeat(43)}` });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('session_required');
  });
});
