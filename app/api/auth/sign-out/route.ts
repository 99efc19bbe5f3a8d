import { cookies } from 'next/headers';
import { SESSION_COOKIE } from '@/lib/auth/caller';
import { signOutOfSupabase } from '@/lib/auth/supabaseSession';
import { authMode } from '@/lib/auth/tokens';
import { errorResponse } from '@/lib/http/respond';

/** Ends the session, local or Supabase's (its cookies removed and its refresh token revoked), and goes home. */
export async function POST() {
  try {
    (await cookies()).delete(SESSION_COOKIE);
    if (authMode() === 'supabase') await signOutOfSupabase();
    return new Response(null, { status: 303, headers: { location: '/' } });
  } catch (e) {
    return errorResponse(e);
  }
}
