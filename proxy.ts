import { NextResponse, type NextRequest } from 'next/server';
import { authMode } from '@/lib/auth/tokens';
import { refreshSupabaseSession } from '@/lib/auth/supabaseSession';

/**
 * Keeps a Supabase Auth session alive: an access token lives an hour, and
 * only a request that passes through here can swap an expiring one for a new
 * one and write the cookies (@supabase/ssr's documented setup). The local
 * sign-in's session needs nothing, so in the embedded default this passes through.
 */
export async function proxy(request: NextRequest) {
  return authMode() === 'supabase' ? refreshSupabaseSession(request) : NextResponse.next();
}

export const config = {
  // Pages and the API; not static files, tiles, signed file downloads or the renderer Chromium loads.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|fonts/|maplibre/|api/tiles|api/files|api/health|renderer).*)'],
};
