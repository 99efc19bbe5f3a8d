import Link from 'next/link';
import type { JwtClaims } from '@/types/auth';
import styles from './pages.module.css';

/** The header of the export and settings pages: back to the editor, the history, settings, and who is signed in. */
export function SiteHeader({ caller, current }: { caller: JwtClaims | null; current?: 'exports' | 'settings' }) {
  return (
    <header className={styles.header}>
      <Link href="/" className={styles.brand}>
        <strong>carto-export</strong>
        <span>map posters, ready to print</span>
      </Link>
      <nav aria-label="Main" className={styles.nav}>
        <Link href="/">Editor</Link>
        <Link href="/exports" aria-current={current === 'exports' ? 'page' : undefined}>My exports</Link>
        {caller && <Link href="/settings" aria-current={current === 'settings' ? 'page' : undefined}>Settings</Link>}
        {caller ? (
          <form method="post" action="/api/auth/sign-out" className={styles.signOut}>
            {caller.email && <span className={styles.who}>{caller.email}</span>}
            <button type="submit">Sign out</button>
          </form>
        ) : (
          <Link href="/sign-in?next=/exports">Sign in</Link>
        )}
      </nav>
    </header>
  );
}
