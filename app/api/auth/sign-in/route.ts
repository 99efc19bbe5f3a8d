import { cookies } from 'next/headers';
import { SESSION_COOKIE } from '@/lib/auth/caller';
import { signInLocally, signInSchema } from '@/lib/auth/localSignIn';
import { LOCAL_SESSION_SECONDS } from '@/lib/auth/tokens';
import { errorResponse, parseWith } from '@/lib/http/respond';

/** Local sign-in (embedded default): JSON `{ email }` answers with a token; a form post also gets a redirect. */
export async function POST(request: Request) {
  try {
    const isForm = (request.headers.get('content-type') ?? '').includes('form');
    const raw = isForm ? Object.fromEntries(await request.formData()) : await request.json().catch(() => undefined);
    const { email } = parseWith(signInSchema, raw);
    const { token, userId } = await signInLocally(email);
    (await cookies()).set(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: new URL(request.url).protocol === 'https:',
      path: '/',
      maxAge: LOCAL_SESSION_SECONDS,
    });
    if (isForm) {
      const next = safeNext(String((raw as Record<string, unknown>).next ?? '/'));
      return new Response(null, { status: 303, headers: { location: next } });
    }
    return Response.json({ userId, email, accessToken: token, expiresIn: LOCAL_SESSION_SECONDS });
  } catch (e) {
    return errorResponse(e);
  }
}

/** Only same-site paths, so the sign-in form cannot be used as an open redirect. */
function safeNext(next: string): string {
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
