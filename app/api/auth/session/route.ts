import { cookies } from 'next/headers';
import { callerFrom } from '@/lib/auth/caller';
import { Unauthenticated } from '@/lib/auth/errors';
import { errorResponse } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

/**
 * Whether the browser holds a session, answered 200 either way: the editor
 * asks on every load, and a 401 there would be a red console error for every
 * visitor who has not signed in. An expired or forged cookie is "signed out".
 */
export async function GET(request: Request) {
  try {
    const caller = await callerFrom(request.headers, await cookies()).catch((e: unknown) => {
      if (e instanceof Unauthenticated) return null;
      throw e;
    });
    return Response.json(caller ? { signedIn: true, email: caller.email ?? null } : { signedIn: false }, { headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    return errorResponse(e);
  }
}
