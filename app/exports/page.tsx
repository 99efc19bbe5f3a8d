import Link from 'next/link';
import { redirect } from 'next/navigation';
import { formatBytes } from '@/components/exports/estimate';
import { RefreshWhileActive } from '@/components/exports/RefreshWhileActive';
import { SiteHeader } from '@/components/exports/SiteHeader';
import { StatusBadge } from '@/components/exports/StatusBadge';
import { STATUS_LABELS, expiresIn } from '@/components/exports/status';
import { Thumbnail } from '@/components/exports/Thumbnail';
import styles from '@/components/exports/pages.module.css';
import { requirePageCaller } from '@/lib/auth/page';
import { InvalidRequest } from '@/lib/exports/errors';
import { presentExport } from '@/lib/exports/present';
import { listExports } from '@/lib/exports/queue';
import { exportStatusSchema } from '@/types/exports';
import { EXPORT_STATUSES } from '@/types/vocabulary';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'My exports — carto-export' };

const PAGE_SIZE = 12;
const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

export default async function ExportsPage({ searchParams }: { searchParams: Promise<{ cursor?: string; status?: string }> }) {
  const caller = await requirePageCaller('/exports');
  const params = await searchParams;
  const status = exportStatusSchema.safeParse(params.status).data;
  const query = (cursor?: string) => {
    const q = new URLSearchParams();
    if (status) q.set('status', status);
    if (cursor) q.set('cursor', cursor);
    return q.size ? `/exports?${q}` : '/exports';
  };
  // A cursor this app did not make (an edited or stale link) starts the list again.
  const page = await listExports(caller, { cursor: params.cursor || undefined, status, limit: PAGE_SIZE }).catch((e) =>
    e instanceof InvalidRequest ? redirect(query()) : Promise.reject(e),
  );
  const exports = page.jobs.map((job) => presentExport(job));

  return (
    <div className={styles.page}>
      <SiteHeader caller={caller} current="exports" />
      <main className={styles.main}>
        <div className={styles.titleRow}>
          <h1>My exports</h1>
          <form method="get" action="/exports" className={styles.filter}>
            <label htmlFor="status-filter">Status</label>
            <select id="status-filter" name="status" defaultValue={status ?? ''}>
              <option value="">All</option>
              {EXPORT_STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABELS[s]}</option>)}
            </select>
            <button type="submit">Filter</button>
          </form>
        </div>

        {exports.length === 0 ? (
          <div className={styles.empty}>
            <h2>{status ? `No ${STATUS_LABELS[status].toLowerCase()} exports` : 'No exports yet'}</h2>
            <p>{status ? 'Nothing here with this status.' : 'Design a poster in the editor and press Export; your files appear here for 7 days.'}</p>
            <p className={styles.emptyLinks}>
              <Link className={styles.button} href="/">Open the editor</Link>
              {status && <Link href="/exports">Show all exports</Link>}
            </p>
          </div>
        ) : (
          <ul className={styles.list} data-testid="export-history">
            {exports.map((job) => (
              <li key={job.id} className={styles.item} data-export-id={job.id}>
                <Link href={`/exports/${job.id}`} className={styles.itemThumb} tabIndex={-1} aria-hidden>
                  <Thumbnail job={job} width={72} />
                </Link>
                <div className={styles.itemMain}>
                  <Link href={`/exports/${job.id}`} className={styles.itemTitle}>{job.title || 'Untitled poster'}</Link>
                  <span className={styles.meta}>
                    {job.format.toUpperCase()} · {job.paper ? job.sizeLabel : `${job.width} × ${job.height} px`}
                    {job.result ? ` · ${formatBytes(job.result.bytes)}` : ''}
                  </span>
                  <span className={styles.meta}>
                    Created <time dateTime={job.createdAt}>{dateFormat.format(new Date(job.createdAt))}</time>
                    {job.status === 'succeeded' && job.result && <> · expires {expiresIn(job.result.expiresAt)}</>}
                    {job.result && <> · {job.result.downloadCount} {job.result.downloadCount === 1 ? 'download' : 'downloads'}</>}
                  </span>
                </div>
                <StatusBadge status={job.status} />
                <div className={styles.itemAction}>
                  {job.status === 'succeeded' && job.result?.downloadUrl ? (
                    <a className={styles.button} href={job.result.downloadUrl} download>Download</a>
                  ) : (
                    <Link className={styles.buttonQuiet} href={`/exports/${job.id}`}>View</Link>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}

        {(params.cursor || page.nextCursor) && (
          <nav className={styles.pager} aria-label="Pages">
            {params.cursor ? <Link href={query()}>← Newest</Link> : <span />}
            {page.nextCursor && <Link href={query(page.nextCursor)}>Older →</Link>}
          </nav>
        )}
        <RefreshWhileActive active={exports.some((j) => j.status === 'queued' || j.status === 'running')} />
      </main>
    </div>
  );
}
