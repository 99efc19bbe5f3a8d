import 'server-only';
import { createServerClient, type CookieMethodsServer } from '@supabase/ssr';
import type { AuthError } from '@supabase/supabase-js';
import { cookies } from 'next/headers';
import { NextResponse, type NextRequest } from 'next/server';
import ws from 'ws';
import { AuthUnavailable } from '@/lib/auth/errors';
import { authMode } from '@/lib/auth/tokens';
import { appUrl, env, supabaseKeys } from '@/lib/env';

/**
 * Sign-in through Supabase Auth, as Supabase documents it for the App Router:
 * @supabase/ssr keeps the session in `sb-<ref>-auth-token` cookies, the proxy
 * refreshes it before it expires, and sign-in and sign-out run on the server
 * with the publishable key. Everything downstream reads the access token from
 * that cookie and verifies it itself (lib/auth/caller.ts, tokens.ts), so a
 * Supabase session and a local one become the same JwtClaims.
 */

/** A sign-in Supabase Auth refused (wrong password, expired code…), in words a person can act on. */
export class SignInRefused extends Error {
  readonly code = 'sign_in_refused';
}

function client(cookieMethods: CookieMethodsServer) {
  const e = env();
  return createServerClient(e.SUPABASE_URL!, supabaseKeys(e).publishable!, {
    cookies: cookieMethods,
    // supabase-js ≥ 2.55 throws at createClient on Node 20 without a WebSocket implementation, even with realtime unused.
    realtime: { transport: ws as unknown as typeof WebSocket },
  });
}

/** For server actions and route handlers, which may write the response's cookies. */
async function clientForThisRequest() {
  const store = await cookies();
  return client({
    getAll: () => store.getAll(),
    setAll: (list) => list.forEach(({ name, value, options }) => store.set(name, value, options)),
  });
}

/**
 * The proxy's part: refreshes an expiring session and passes the new cookies
 * both to the route that handles this request and to the browser. Asks Auth
 * only when the access token is about to expire; a signed-out visitor costs nothing.
 */
export async function refreshSupabaseSession(request: NextRequest): Promise<NextResponse> {
  let response = NextResponse.next({ request });
  if (!request.cookies.getAll().some((c) => /^sb-.+-auth-token/.test(c.name))) return response;
  const supabase = client({
    getAll: () => request.cookies.getAll(),
    setAll: (list) => {
      list.forEach(({ name, value }) => request.cookies.set(name, value));
      response = NextResponse.next({ request });
      list.forEach(({ name, value, options }) => response.cookies.set(name, value, options));
    },
  });
  // getClaims refreshes an expired session first, then checks the token against the project's JWKS.
  await supabase.auth.getClaims().catch(() => undefined);
  return response;
}

export async function signInWithPassword(email: string, password: string): Promise<void> {
  const { error } = await (await clientForThisRequest()).auth.signInWithPassword({ email, password });
  if (error) throw refusal(error);
}

/** Mails a six-digit code and a link (Supabase's email template decides which the mail shows); both sign in. */
export async function sendSignInCode(email: string, next: string): Promise<void> {
  const emailRedirectTo = `${appUrl()}/auth/confirm?next=${encodeURIComponent(next)}`;
  const { error } = await (await clientForThisRequest()).auth.signInWithOtp({ email, options: { emailRedirectTo, shouldCreateUser: true } });
  if (error) throw refusal(error);
}

export async function verifySignInCode(email: string, code: string): Promise<void> {
  const { error } = await (await clientForThisRequest()).auth.verifyOtp({ email, token: code, type: 'email' });
  if (error) throw refusal(error);
}

/** The link from the mail: `token_hash` + `type` (Supabase's SSR email template) or a PKCE `code` (its default redirect). */
export async function confirmSignInLink(query: URLSearchParams): Promise<void> {
  // Without Supabase Auth (the embedded default) there is no client to make: an old or hand-typed link was a 500.
  if (authMode() !== 'supabase') throw new SignInRefused('Sign-in links work only with Supabase Auth, which this app does not use: sign in on this page instead.');
  const supabase = await clientForThisRequest();
  const tokenHash = query.get('token_hash');
  const code = query.get('code');
  const { error } = tokenHash
    ? await supabase.auth.verifyOtp({ token_hash: tokenHash, type: (query.get('type') as 'email' | 'magiclink' | null) ?? 'email' })
    : code
      ? await supabase.auth.exchangeCodeForSession(code)
      : { error: null as AuthError | null };
  if (!tokenHash && !code) throw new SignInRefused('This sign-in link is incomplete: open the latest link from the email again, or ask for a new one.');
  if (error) throw refusal(error);
}

/** Ends the session at Supabase Auth and removes its cookies; a session Auth no longer knows is still removed here. */
export async function signOutOfSupabase(): Promise<void> {
  const supabase = await clientForThisRequest();
  const { error } = await supabase.auth.signOut({ scope: 'local' });
  if (error && error.status !== undefined && error.status >= 500) throw refusal(error);
}

const MESSAGES: Record<string, string> = {
  invalid_credentials: 'That email and password do not match an account. Check them, or sign in with a code by email instead.',
  email_not_confirmed: 'This address is not confirmed yet: open the confirmation email, or sign in with a code by email.',
  otp_expired: 'That code or link is wrong or has expired: ask for a new one.',
  over_email_send_rate_limit: 'Too many emails were sent to this address just now: wait a minute, then ask again.',
  over_request_rate_limit: 'Too many attempts just now: wait a minute, then try again.',
  user_banned: 'This account is suspended.',
  signup_disabled: 'New accounts are not open on this deployment: ask its owner to invite you.',
};

function refusal(error: AuthError): Error {
  // No answer, or Auth failing on its side: not the person's doing.
  if (error.status === undefined || error.status === 0 || error.status >= 500 || error.name === 'AuthRetryableFetchError') {
    return new AuthUnavailable(`Supabase Auth could not be reached (${error.message}); try again in a moment.`, { cause: error });
  }
  return new SignInRefused(MESSAGES[error.code ?? ''] ?? `Supabase Auth refused the sign-in: ${error.message}`);
}
