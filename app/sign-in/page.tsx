import { authMode } from '@/lib/auth/tokens';
import styles from './sign-in.module.css';

export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next = '/' } = await searchParams;
  const local = authMode() === 'local';
  return (
    <main className={styles.page}>
      <form className={styles.card} method="post" action="/api/auth/sign-in">
        <h1 className={styles.title}>Sign in to carto-export</h1>
        {local ? (
          <>
            <p className={styles.hint}>
              Development sign-in: enter any email address. No password, no email is sent — your exports are kept
              under this address on this machine.
            </p>
            <label className={styles.label} htmlFor="email">Email</label>
            <input className={styles.input} id="email" name="email" type="email" required autoComplete="email" autoFocus placeholder="you@example.com" />
            <input type="hidden" name="next" value={next} />
            <button className={styles.button} type="submit">Continue</button>
          </>
        ) : (
          <p className={styles.hint}>This deployment uses Supabase Auth. Sign in through your Supabase sign-in flow.</p>
        )}
      </form>
    </main>
  );
}
