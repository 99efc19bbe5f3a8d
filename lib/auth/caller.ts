import 'server-only';
import { verifyAccessToken } from '@/lib/auth/tokens';
import { Unauthenticated } from '@/lib/auth/errors';
import type { JwtClaims } from '@/types/auth';

/** Name of the httpOnly cookie the local sign-in sets. */
export const SESSION_COOKIE = 'carto_session';

type CookieSource = { get(name: string): { value: string } | undefined; getAll(): { name: string; value: string }[] };

/**
 * Who is calling: a Bearer token first (API clients), then the session
 * cookie — ours in the embedded default, or the one @supabase/ssr writes.
 * Returns null when there is no credential at all; throws when there is one
 * and it is not valid, so a stale session is reported rather than ignored.
 */
export async function callerFrom(headers: Headers, cookies: CookieSource): Promise<JwtClaims | null> {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) throw new Unauthenticated('The Authorization header must be `Bearer <token>`.');
    return verifyAccessToken(match[1]);
  }
  const token = cookies.get(SESSION_COOKIE)?.value ?? supabaseAccessToken(cookies);
  return token ? verifyAccessToken(token) : null;
}

export async function requireCaller(headers: Headers, cookies: CookieSource): Promise<JwtClaims> {
  const caller = await callerFrom(headers, cookies);
  if (!caller) throw new Unauthenticated();
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
