import { authMode } from '@/lib/auth/tokens';
import { safeNext } from '@/lib/auth/safeNext';
import styles from './sign-in.module.css';

export const dynamic = 'force-dynamic';

// Sign-in answers with a 303 carrying the session cookies (app/api/auth/supabase/route.ts).
const SUPABASE_FORM = '/api/auth/supabase';

type Query = { next?: string; step?: string; email?: string; error?: string; sent?: string };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Query> }) {
  const query = await searchParams;
  const next = safeNext(query.next);
  return (
    <main className={styles.page}>
      {authMode() === 'local' ? <LocalSignIn next={next} /> : query.step === 'code' && query.email ? <CodeSignIn next={next} query={query} /> : <SupabaseSignIn next={next} query={query} />}
    </main>
  );
}

function LocalSignIn({ next }: { next: string }) {
  return (
    <form className={styles.card} method="post" action="/api/auth/sign-in">
      <h1 className={styles.title}>Sign in to carto-export</h1>
      <p className={styles.hint}>
        Development sign-in: enter any email address. No password, no email is sent — your exports are kept
        under this address on this machine.
      </p>
      <label className={styles.label} htmlFor="email">Email</label>
      <input className={styles.input} id="email" name="email" type="email" required autoComplete="email" autoFocus placeholder="you@example.com" />
      <input type="hidden" name="next" value={next} />
      <button className={styles.button} type="submit">Continue</button>
    </form>
  );
}

/** Email and password, or a code by email (the same mail carries a link that signs in too). */
function SupabaseSignIn({ next, query }: { next: string; query: Query }) {
  return (
    <form className={styles.card} method="post" action={SUPABASE_FORM}>
      <h1 className={styles.title}>Sign in to carto-export</h1>
      {query.error && <p className={styles.error} role="alert">{query.error}</p>}
      <label className={styles.label} htmlFor="email">Email</label>
      <input className={styles.input} id="email" name="email" type="email" required autoComplete="email" autoFocus defaultValue={query.email} placeholder="you@example.com" />
      <label className={styles.label} htmlFor="password">Password</label>
      <input className={styles.input} id="password" name="password" type="password" autoComplete="current-password" />
      <input type="hidden" name="next" value={next} />
      <button className={styles.button} type="submit" name="intent" value="password">Sign in</button>
      <p className={styles.hint}>No password, or forgot it? We email you a sign-in code and link.</p>
      <button className={styles.secondary} type="submit" name="intent" value="send-code" formNoValidate>Email me a sign-in code</button>
    </form>
  );
}

function CodeSignIn({ next, query }: { next: string; query: Query }) {
  return (
    <form className={styles.card} method="post" action={SUPABASE_FORM}>
      <h1 className={styles.title}>Check your email</h1>
      {query.error && <p className={styles.error} role="alert">{query.error}</p>}
      {query.sent && <p className={styles.hint} role="status">We sent a sign-in code and link to {query.email}. Enter the code, or open the link on this device.</p>}
      <input type="hidden" name="email" value={query.email} />
      <input type="hidden" name="next" value={next} />
      <label className={styles.label} htmlFor="code">Code</label>
      <input className={styles.input} id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6,10}" required autoFocus placeholder="123456" />
      <button className={styles.button} type="submit" name="intent" value="verify-code">Sign in</button>
      <button className={styles.secondary} type="submit" name="intent" value="send-code" formNoValidate>Send a new code</button>
      <a className={styles.hint} href={`/sign-in?${new URLSearchParams({ next })}`}>Use a password instead</a>
    </form>
  );
}
