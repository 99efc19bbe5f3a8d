import { redirect } from 'next/navigation';
import { AuthUnavailable } from '@/lib/auth/errors';
import { safeNext } from '@/lib/auth/safeNext';
import { confirmSignInLink, SignInRefused } from '@/lib/auth/supabaseSession';

/** The sign-in link of Supabase Auth's email: sets the session cookies and goes on to `next`, or back to /sign-in saying why not. */
export async function GET(request: Request) {
  const query = new URL(request.url).searchParams;
  const next = safeNext(query.get('next'));
  let failure: string | undefined;
  try {
    await confirmSignInLink(query);
  } catch (e) {
    if (!(e instanceof SignInRefused || e instanceof AuthUnavailable)) throw e;
    failure = e.message;
  }
  redirect(failure ? `/sign-in?${new URLSearchParams({ next, step: 'code', error: failure })}` : next);
}
