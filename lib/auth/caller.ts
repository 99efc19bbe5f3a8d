import 'server-only';
import { verifyAccessToken } from '@/lib/auth/tokens';
import { authenticateApiKey, looksLikeApiKey } from '@/lib/auth/apiKeys';
import { SessionRequired, Unauthenticated } from '@/lib/auth/errors';
import { serviceQuery } from '@/lib/db/serviceQuery';
import type { JwtClaims } from '@/types/auth';

/** Name of the httpOnly cookie the local sign-in sets. */
export const SESSION_COOKIE = 'carto_session';

type CookieSource = { get(name: string): { value: string } | undefined; getAll(): { name: string; value: string }[] };

/**
 * Whether an API key may stand for its owner here. Only the export API
 * accepts them (`requireCaller`); pages and key management need a session
 * (`requireSession`), so a leaked key cannot mint or revoke keys.
 */
type Options = { apiKeys: 'accept' | 'refuse' };

/**
 * Who is calling: a Bearer value first (an API key, or an access token), then
 * the session cookie — ours in the embedded default, or the one @supabase/ssr
 * writes. Returns null when there is no credential at all; throws when there
 * is one and it is not valid, so a stale session is reported rather than ignored.
 */
export async function callerFrom(headers: Headers, cookies: CookieSource, { apiKeys }: Options = { apiKeys: 'refuse' }): Promise<JwtClaims | null> {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) throw new Unauthenticated('The Authorization header must be `Bearer <token or API key>`.');
    if (!looksLikeApiKey(match[1])) return signedInUser(match[1]);
    // Refused before it is looked up: it costs the key no request, and says nothing about whether the key works.
    if (apiKeys === 'refuse') throw new SessionRequired();
    return authenticateApiKey(match[1]);
  }
  const token = cookies.get(SESSION_COOKIE)?.value ?? supabaseAccessToken(cookies);
  return token ? signedInUser(token) : null;
}

/**
 * The user a valid access token names, if that user still exists: a token
 * outlives its user's deletion (or ban) until it expires, and everything
 * downstream writes rows that reference auth.users (migrations/0012).
 */
async function signedInUser(token: string): Promise<JwtClaims> {
  const claims = await verifyAccessToken(token);
  const [row] = await serviceQuery`select public.auth_user_exists(${claims.sub}) as ok`;
  if (!row?.ok) throw new Unauthenticated('This account no longer exists or is suspended; sign in again.');
  return claims;
}

/** The export API's caller: a session, an access token or an API key. */
export async function requireCaller(headers: Headers, cookies: CookieSource): Promise<JwtClaims> {
  const caller = await callerFrom(headers, cookies, { apiKeys: 'accept' });
  if (!caller) throw new Unauthenticated();
  return caller;
}

/** A signed-in person (session cookie or access token), never an API key. */
export async function requireSession(headers: Headers, cookies: CookieSource): Promise<JwtClaims> {
  const caller = await callerFrom(headers, cookies, { apiKeys: 'refuse' });
  if (!caller) throw new Unauthenticated('Sign in to continue: send a session cookie or an `Authorization: Bearer` access token.');
  return caller;
}

/** The access token inside @supabase/ssr's `sb-<ref>-auth-token` cookie (base64url JSON, maybe chunked as .0, .1, …). */
export function supabaseAccessToken(cookies: CookieSource): string | undefined {
  const all = cookies.getAll().filter((c) => /^sb-.+-auth-token(\.\d+)?$/.test(c.name));
  if (!all.length) return undefined;
  const base = all[0].name.replace(/\.\d+$/, '');
  const whole = cookies.get(base)?.value;
  const value =
    whole ??
    all
      .filter((c) => c.name.startsWith(base + '.'))
      .sort((a, b) => Number(a.name.slice(base.length + 1)) - Number(b.name.slice(base.length + 1)))
      .map((c) => c.value)
      .join('');
  try {
    const json = value.startsWith('base64-') ? Buffer.from(value.slice(7), 'base64url').toString('utf8') : value;
    const session = JSON.parse(json) as { access_token?: string };
    return session.access_token;
  } catch {
    return undefined;
  }
}
