import 'server-only';
import { z } from 'zod';
import { AuthUnavailable } from '@/lib/auth/errors';
import { safeNext } from '@/lib/auth/safeNext';
import { sendSignInCode, signInWithPassword, SignInRefused, verifySignInCode } from '@/lib/auth/supabaseSession';
import { authMode } from '@/lib/auth/tokens';

/**
 * The production sign-in page's form, whichever button was pressed: the
 * place to go next — where the person was going, or back to /sign-in with
 * the step and a message a person can act on — so the page works without JavaScript.
 */

const email = z.email('Enter an email address such as you@example.com').max(254).transform((s) => s.trim().toLowerCase());
const forms = {
  password: z.object({ email, password: z.string().min(1, 'Enter your password, or leave it empty and ask for a code by email').max(1000) }),
  'send-code': z.object({ email }),
  'verify-code': z.object({ email, code: z.string().trim().regex(/^\d{6,10}$/, 'Enter the code from the email: six digits') }),
};
type Intent = keyof typeof forms;

export async function signInWithSupabase(form: FormData): Promise<string> {
  const next = safeNext(form.get('next'));
  const intent: Intent = String(form.get('intent')) in forms ? (String(form.get('intent')) as Intent) : 'password';
  const step = intent === 'password' ? 'password' : 'code';
  const back = (message: string) => `/sign-in?${new URLSearchParams({ next, step, error: message, email: String(form.get('email') ?? '').slice(0, 254) })}`;
  if (authMode() !== 'supabase') return back('This deployment signs in locally: enter your email on the sign-in page.');
  const parsed = forms[intent].safeParse(Object.fromEntries(form));
  if (!parsed.success) return back(parsed.error.issues[0]!.message);
  const input = parsed.data as { email: string; password?: string; code?: string };
  try {
    if (intent === 'password') await signInWithPassword(input.email, input.password!);
    else if (intent === 'verify-code') await verifySignInCode(input.email, input.code!);
    else {
      await sendSignInCode(input.email, next);
      return `/sign-in?${new URLSearchParams({ next, step: 'code', sent: '1', email: input.email })}`;
    }
  } catch (e) {
    if (e instanceof SignInRefused || e instanceof AuthUnavailable) return back(e.message);
    throw e;
  }
  return next;
}
