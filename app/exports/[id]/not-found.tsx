import Link from 'next/link';
import styles from '@/components/exports/pages.module.css';

export default function ExportNotFound() {
  return (
    <div className={styles.page}>
      <main className={styles.main}>
        <div className={styles.empty} data-testid="export-not-found">
          <h1>Export not found</h1>
          <p>There is no export at this address in your account. It may belong to someone else, or it was deleted.</p>
          <p className={styles.emptyLinks}>
            <Link className={styles.button} href="/exports">My exports</Link>
            <Link href="/">Open the editor</Link>
          </p>
        </div>
      </main>
    </div>
  );
}
