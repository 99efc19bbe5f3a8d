import 'server-only';
import { z } from 'zod';
import { clientText } from '@/types/text';
import { sql } from '@/lib/db/client';
import { authMode, signLocalToken } from '@/lib/auth/tokens';

export const signInSchema = z.strictObject({ email: z.email('Enter an email address such as you@example.com').max(254).transform((s) => s.trim().toLowerCase()) });
/** The sign-in page's form also says where to go next. */
export const signInFormSchema = signInSchema.extend({ next: clientText().max(2048).optional() });

export class LocalSignInDisabled extends Error {
  readonly code = 'local_sign_in_disabled';
  constructor() {
    super('Local sign-in is off because Supabase Auth is configured (SUPABASE_URL); sign in through Supabase.');
  }
}

/**
 * Development sign-in: an email, no password. Finds or creates the user in
 * the `auth.users` stand-in and returns a token shaped like Supabase's.
 * Runs as the connecting role because `auth.users` is not exposed to any API role.
 */
export async function signInLocally(email: string): Promise<{ token: string; userId: string }> {
  if (authMode() !== 'local') throw new LocalSignInDisabled();
  const [row] = await sql()<{ id: string }[]>`
    insert into auth.users (id, email) values (gen_random_uuid(), ${email})
    on conflict (email) do update set email = excluded.email
    returning id`;
  return { token: await signLocalToken(row.id, email), userId: row.id };
}
