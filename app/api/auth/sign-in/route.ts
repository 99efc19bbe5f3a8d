import { cookies } from 'next/headers';
import { SESSION_COOKIE } from '@/lib/auth/caller';
import { safeNext } from '@/lib/auth/safeNext';
import { signInFormSchema, signInLocally, signInSchema } from '@/lib/auth/localSignIn';
import { LOCAL_SESSION_SECONDS } from '@/lib/auth/tokens';
import { BadRequest, errorResponse, parseJsonBody, parseWith } from '@/lib/http/respond';

/** Local sign-in (embedded default): JSON `{ email }` answers with a token; a form post also gets a redirect. */
export async function POST(request: Request) {
  try {
    const isForm = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(request.headers.get('content-type') ?? '');
    const input = isForm ? parseWith(signInFormSchema, Object.fromEntries(await formFields(request))) : await parseJsonBody(request, signInSchema, 4096);
    const { email } = input;
    const { token, userId } = await signInLocally(email);
    (await cookies()).set(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: new URL(request.url).protocol === 'https:',
      path: '/',
      maxAge: LOCAL_SESSION_SECONDS,
    });
    if (isForm) {
      const next = safeNext(('next' in input && typeof input.next === 'string' && input.next) || '/');
      return new Response(null, { status: 303, headers: { location: next } });
    }
    return Response.json({ userId, email, accessToken: token, expiresIn: LOCAL_SESSION_SECONDS });
  } catch (e) {
    return errorResponse(e);
  }
}

/** A form's fields; a body that is not a form is a 400, not a crash. */
async function formFields(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new BadRequest('The sign-in form could not be read; send it again.');
  }
}
