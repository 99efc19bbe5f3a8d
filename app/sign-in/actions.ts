'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { AuthUnavailable } from '@/lib/auth/errors';
import { safeNext } from '@/lib/auth/safeNext';
import { sendSignInCode, signInWithPassword, SignInRefused, verifySignInCode } from '@/lib/auth/supabaseSession';

/**
 * The production sign-in page's forms (Supabase Auth). Each answers with a
 * redirect: to where the person was going, or back to /sign-in with the step
 * and a message, so the page works without JavaScript.
 */

const email = z.email('Enter an email address such as you@example.com').max(254).transform((s) => s.trim().toLowerCase());
const passwordForm = z.object({ email, password: z.string().min(1, 'Enter your password').max(1000) });
const codeRequest = z.object({ email });
const codeForm = z.object({ email, code: z.string().trim().regex(/^\d{6,10}$/, 'Enter the code from the email: six digits') });

type Step = 'password' | 'code';

async function attempt<S extends z.ZodType>(form: FormData, schema: S, step: Step, run: (input: z.infer<S>) => Promise<void>, done: (input: z.infer<S>) => string): Promise<never> {
  const next = safeNext(form.get('next'));
  const parsed = schema.safeParse(Object.fromEntries(form));
  const back = (message: string, extra: Record<string, string> = {}) =>
    `/sign-in?${new URLSearchParams({ next, step, error: message, email: String(form.get('email') ?? ''), ...extra })}`;
  if (!parsed.success) redirect(back(parsed.error.issues[0]!.message));
  let failure: string | undefined;
  try {
    await run(parsed.data);
  } catch (e) {
    if (!(e instanceof SignInRefused || e instanceof AuthUnavailable)) throw e;
    failure = e.message;
  }
  redirect(failure ? back(failure) : done(parsed.data));
}

export async function signInWithPasswordAction(form: FormData) {
  await attempt(form, passwordForm, 'password', (i) => signInWithPassword(i.email, i.password), () => safeNext(form.get('next')));
}

export async function sendCodeAction(form: FormData) {
  await attempt(form, codeRequest, 'code', (i) => sendSignInCode(i.email, safeNext(form.get('next'))), (i) =>
    `/sign-in?${new URLSearchParams({ next: safeNext(form.get('next')), step: 'code', sent: '1', email: i.email })}`);
}

export async function verifyCodeAction(form: FormData) {
  await attempt(form, codeForm, 'code', (i) => verifySignInCode(i.email, i.code), () => safeNext(form.get('next')));
}
