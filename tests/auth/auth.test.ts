import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { callerFrom, requireCaller, SESSION_COOKIE, supabaseAccessToken } from '@/lib/auth/caller';
import { signInLocally } from '@/lib/auth/localSignIn';
import { closeSql } from '@/lib/db/client';
import { withUser } from '@/lib/db/session';
import { POST as signIn } from '@/app/api/auth/sign-in/route';

afterAll(closeSql);

function jar(entries: Record<string, string> = {}) {
  return {
    get: (name: string) => (name in entries ? { value: entries[name] } : undefined),
    getAll: () => Object.entries(entries).map(([name, value]) => ({ name, value })),
  };
}

describe('local sign-in', () => {
  it('issues a Supabase-shaped token that withUser accepts as the same user', async () => {
    const { token, userId } = await signInLocally('ada@example.com');
    const claims = await callerFrom(new Headers({ authorization: `Bearer ${token}` }), jar());
    expect(claims).toMatchObject({ sub: userId, role: 'authenticated', aud: 'authenticated', email: 'ada@example.com' });
    expect(await withUser(claims!, async (tx) => (await tx`select auth.uid() as u`)[0].u)).toBe(userId);
  });

  it('gives the same email the same user, and another email another user', async () => {
    const a = await signInLocally('same@example.com');
    const b = await signInLocally('same@example.com');
    const c = await signInLocally('other@example.com');
    expect(a.userId).toBe(b.userId);
    expect(c.userId).not.toBe(a.userId);
  });

  it('reads the session cookie', async () => {
    const { token, userId } = await signInLocally('cookie@example.com');
    expect((await callerFrom(new Headers(), jar({ [SESSION_COOKIE]: token })))?.sub).toBe(userId);
  });
});

describe('who is calling', () => {
  it('no credential is nobody; requireCaller refuses it', async () => {
    expect(await callerFrom(new Headers(), jar())).toBeNull();
    await expect(requireCaller(new Headers(), jar())).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it.each([
    ['a malformed header', { authorization: 'Token abc' }],
    ['garbage', { authorization: 'Bearer not.a.jwt' }],
  ])('refuses %s', async (_, h) => {
    await expect(callerFrom(new Headers(h), jar())).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('refuses a token signed with another secret, an expired one, and an anon one', async () => {
    const sign = (secret: string, claims: Record<string, unknown>, exp: number) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(crypto.randomUUID()).setAudience('authenticated').setExpirationTime(exp).sign(new TextEncoder().encode(secret));
    const now = Math.floor(Date.now() / 1000);
    for (const token of [
      await sign('x'.repeat(40), { role: 'authenticated' }, now + 60),
      await sign(process.env.AUTH_SECRET!, { role: 'authenticated' }, now - 60),
      await sign(process.env.AUTH_SECRET!, { role: 'anon' }, now + 60),
    ]) {
      await expect(callerFrom(new Headers({ authorization: `Bearer ${token}` }), jar())).rejects.toMatchObject({ code: 'unauthenticated' });
    }
  });

  it('finds the access token in chunked @supabase/ssr cookies', () => {
    const value = 'base64-' + Buffer.from(JSON.stringify({ access_token: 'abc.def.ghi', refresh_token: 'r' })).toString('base64url');
    const cut = Math.floor(value.length / 2);
    expect(supabaseAccessToken(jar({ 'sb-proj-auth-token.1': value.slice(cut), 'sb-proj-auth-token.0': value.slice(0, cut) }))).toBe('abc.def.ghi');
    expect(supabaseAccessToken(jar({ 'sb-proj-auth-token': value }))).toBe('abc.def.ghi');
  });
});

describe('POST /api/auth/sign-in', () => {
  it('rejects a bad email with 400 naming the field', async () => {
    const res = await signIn(new Request('http://x/api/auth/sign-in', { method: 'POST', body: JSON.stringify({ email: 'nope' }), headers: { 'content-type': 'application/json' } }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details[0].path).toBe('email');
  });
});
