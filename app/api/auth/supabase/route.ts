import { signInWithSupabase } from '@/lib/auth/supabaseSignIn';

/**
 * The production sign-in form (Supabase Auth): `intent` = password, send-code
 * or verify-code. Answers 303 to where the person was going, or back to
 * /sign-in with the step and a message; the session cookies ride on that
 * answer, as they do on the local sign-in's and on /auth/confirm's.
 */
export async function POST(request: Request) {
  const location = await signInWithSupabase(await request.formData().catch(() => new FormData()));
  return new Response(null, { status: 303, headers: { location } });
}
