import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { callerFrom } from '@/lib/auth/caller';
import { AuthUnavailable } from '@/lib/auth/errors';
import type { JwtClaims } from '@/types/auth';

/**
 * The signed-in user of a page, or null (an invalid or expired session counts
 * as none). Auth being unreachable is not "signed out": sending the person to
 * sign in again could not help, so that error page is shown instead.
 */
export async function pageCaller(): Promise<JwtClaims | null> {
  try {
    return await callerFrom(await headers(), await cookies());
  } catch (e) {
    if (e instanceof AuthUnavailable) throw e;
    return null;
  }
}

/** Pages that need a user send everyone else to sign in, and back here afterwards. */
export async function requirePageCaller(here: string): Promise<JwtClaims> {
  const caller = await pageCaller();
  if (!caller) redirect(`/sign-in?next=${encodeURIComponent(here)}`);
  return caller;
}
