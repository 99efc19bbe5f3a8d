import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFrom } from '@/lib/auth/caller';
import { SigningKeys } from '@/lib/auth/signingKeys';
import { verifyAccessToken } from '@/lib/auth/tokens';
import { closeSql, sql } from '@/lib/db/client';
import { withUser } from '@/lib/db/session';
import { errorResponse } from '@/lib/http/respond';
import { startAuthStandIn, type AuthStandIn } from './authStandIn';

/**
 * Tokens as a Supabase project issues them, against a stand-in of Supabase
 * Auth (GoTrue cannot be built here; see ./authStandIn.ts) that signs real
 * ES256 tokens and serves its JWKS. The project also has a legacy JWT secret,
 * as a project migrating to signing keys does: both kinds must pass.
 */

const LEGACY_SECRET = 'legacy-jwt-secret-of-the-project-0123456789';
let auth: AuthStandIn;

beforeAll(async () => {
  auth = await startAuthStandIn(process.env.DATABASE_URL!);
  // Before the first env() of this file: the app reads its environment once.
  Object.assign(process.env, { SUPABASE_URL: auth.url, SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_test', SUPABASE_JWT_SECRET: LEGACY_SECRET });
});
afterAll(async () => {
  await auth.close();
  await closeSql();
});

const jar = { get: () => undefined, getAll: () => [] };
const bearer = (token: string) => callerFrom(new Headers({ authorization: `Bearer ${token}` }), jar);
const user = async () => auth.createUser(`${randomUUID()}@example.test`);

describe('access tokens signed with the project\'s keys (JWKS)', () => {
  it('a key-fetch failure is a 503 saying so, not a 401; the next request after recovery passes', async () => {
    const ada = await user();
    const token = await auth.issue(ada);
    auth.setJwksFailing(true);
    const err = await bearer(token).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth_unavailable' });
    const res = errorResponse(err);
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/signing keys could not be fetched.*try again/);
    auth.setJwksFailing(false);
    expect((await bearer(token))?.sub).toBe(ada.id);
  });

  it('accepts an ES256 token with the claims downstream code uses, and caches the keys', async () => {
    const ada = await user();
    const before = auth.jwksRequests();
    for (let i = 0; i < 5; i++) {
      const claims = await bearer(await auth.issue(ada));
      expect(claims).toMatchObject({ sub: ada.id, role: 'authenticated', email: ada.email });
    }
    expect(auth.jwksRequests() - before).toBe(0);
    const claims = (await bearer(await auth.issue(ada)))!;
    expect(await withUser(claims, async (tx) => (await tx`select auth.uid() as u`)[0].u)).toBe(ada.id);
  });

  // Each on a project of its own: a rotation there leaves the app's cached keys of the main project alone.
  it('picks up a rotated key the first time a token names it', async () => {
    const project = await startAuthStandIn(process.env.DATABASE_URL!);
    try {
      const keys = new SigningKeys(`${project.url}/auth/v1/.well-known/jwks.json`, { cooldownMs: 0 });
      const ada = await project.createUser(`${randomUUID()}@example.test`);
      const as = { claims: { iss: `${auth.url}/auth/v1` } };
      await verifyAccessToken(await project.issue(ada, as), keys);
      const fetched = project.jwksRequests();
      await project.rotate();
      expect((await verifyAccessToken(await project.issue(ada, as), keys)).sub).toBe(ada.id);
      expect(project.jwksRequests()).toBe(fetched + 1);
    } finally {
      await project.close();
    }
  });

  it('an unknown key id does not refetch within the cool-down, so made-up kids cannot flood the project', async () => {
    const project = await startAuthStandIn(process.env.DATABASE_URL!);
    try {
      const keys = new SigningKeys(`${project.url}/auth/v1/.well-known/jwks.json`, { cooldownMs: 60_000 });
      const ada = await project.createUser(`${randomUUID()}@example.test`);
      const as = { claims: { iss: `${auth.url}/auth/v1` } };
      await verifyAccessToken(await project.issue(ada, as), keys);
      const fetched = project.jwksRequests();
      const stray = await project.strayKey();
      for (let i = 0; i < 3; i++) await expect(verifyAccessToken(await project.issue(ada, { ...as, key: stray }), keys)).rejects.toMatchObject({ code: 'unauthenticated' });
      expect(project.jwksRequests()).toBe(fetched);
    } finally {
      await project.close();
    }
  });

  it.each([
    ['another issuer', { claims: { iss: 'https://other.supabase.co/auth/v1' } }],
    ['another audience', { claims: { aud: 'somebody-else' } }],
    ['an expired token', { expiresIn: -60 }],
    ['the anon role', { claims: { role: 'anon' } }],
    ['the service_role', { claims: { role: 'service_role' } }],
    ['no role', { claims: { role: undefined } }],
    ['no expiry', { claims: { exp: undefined } }],
  ])('refuses %s with 401', async (_, options) => {
    const ada = await user();
    const err = await bearer(await auth.issue(ada, options)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unauthenticated' });
    expect(errorResponse(err).status).toBe(401);
  });

  it('refuses a token signed by a key the project never published, even under a published key id', async () => {
    const ada = await user();
    const stray = await auth.strayKey();
    await expect(bearer(await auth.issue(ada, { key: { ...stray, kid: auth.currentKey().kid } }))).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});

describe('legacy tokens (HS256, the project\'s JWT secret)', () => {
  const legacy = (secret: string, sub: string, claims: Record<string, unknown> = {}) =>
    new SignJWT({ role: 'authenticated', iss: `${auth.url}/auth/v1`, ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setAudience('authenticated')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));

  it('accepts them beside the new keys', async () => {
    const ada = await user();
    expect((await bearer(await legacy(LEGACY_SECRET, ada.id)))?.sub).toBe(ada.id);
  });

  it('refuses another secret and another issuer', async () => {
    const ada = await user();
    await expect(bearer(await legacy('x'.repeat(43), ada.id))).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(bearer(await legacy(LEGACY_SECRET, ada.id, { iss: 'supabase' }))).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});

describe('a token of a user who no longer exists', () => {
  it.each([
    ['deleted', (id: string) => sql()`delete from auth.users where id = ${id}`],
    ['soft-deleted by GoTrue', (id: string) => sql()`update auth.users set deleted_at = now() where id = ${id}`],
    ['banned', (id: string) => sql()`update auth.users set banned_until = now() + interval '1 day' where id = ${id}`],
  ])('is refused with 401 once the user is %s', async (_, remove) => {
    const ada = await user();
    const token = await auth.issue(ada);
    expect((await bearer(token))?.sub).toBe(ada.id);
    await remove(ada.id);
    const err = await bearer(token).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unauthenticated' });
    expect((err as Error).message).toMatch(/no longer exists/);
  });

  it('is refused in the @supabase/ssr cookie too', async () => {
    const ghost = { id: randomUUID(), email: 'ghost@example.test' };
    const value = 'base64-' + Buffer.from(JSON.stringify({ access_token: await auth.issue(ghost), refresh_token: 'r' })).toString('base64url');
    const cookies = { get: (n: string) => (n === 'sb-127-auth-token' ? { value } : undefined), getAll: () => [{ name: 'sb-127-auth-token', value }] };
    await expect(callerFrom(new Headers(), cookies)).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});
