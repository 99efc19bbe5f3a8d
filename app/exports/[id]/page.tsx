import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatBytes } from '@/components/exports/estimate';
import { LiveExport } from '@/components/exports/LiveExport';
import { SiteHeader } from '@/components/exports/SiteHeader';
import { StatusBadge } from '@/components/exports/StatusBadge';
import { expiresIn } from '@/components/exports/status';
import { Thumbnail } from '@/components/exports/Thumbnail';
import styles from '@/components/exports/pages.module.css';
import { requirePageCaller } from '@/lib/auth/page';
import { NotFound } from '@/lib/exports/errors';
import { presentExport } from '@/lib/exports/present';
import { getExport } from '@/lib/exports/queue';
import { physicalSize } from '@/lib/poster/geometry';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Export — carto-export' };

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

export default async function ExportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const caller = await requirePageCaller(`/exports/${id}`);
  // Someone else's export is "not found", never "forbidden": its existence is not ours to reveal.
  const job = presentExport(await getExport(caller, id).catch((e) => (e instanceof NotFound ? notFound() : Promise.reject(e))));
  const print = physicalSize(job, job.dpi);

  return (
    <div className={styles.page}>
      <SiteHeader caller={caller} />
      <main className={styles.main}>
        <p className={styles.crumbs}><Link href="/exports">← My exports</Link></p>
        <div className={styles.detail}>
          <div className={styles.preview}>
            <Thumbnail job={job} width={job.width >= job.height ? 420 : 300} />
          </div>
          <div className={styles.info}>
            <div className={styles.titleRow}>
              <h1>{job.title || 'Untitled poster'}</h1>
              <StatusBadge status={job.status} />
            </div>
            <dl className={styles.facts}>
              <dt>File</dt>
              <dd>{job.format.toUpperCase()} · {job.sizeLabel}{job.result ? ` · ${formatBytes(job.result.bytes)}` : ''}</dd>
              <dt>{job.format === 'svg' || job.format === 'vector-pdf' ? 'Page' : 'Pixels'}</dt>
              <dd>{job.width} × {job.height} {job.format === 'svg' || job.format === 'vector-pdf' ? 'pt' : 'px'}</dd>
              <dt>Print size</dt>
              <dd>
                {job.paper
                  ? `${job.paper.widthMm} × ${job.paper.heightMm} mm trimmed${job.paper.bleedMm ? `, ${job.paper.bleedMm} mm bleed on each side` : ''}`
                  : `${print.inches.width.toFixed(1)} × ${print.inches.height.toFixed(1)} in · ${print.cm.width.toFixed(1)} × ${print.cm.height.toFixed(1)} cm`}
                {job.format === 'svg' || job.format === 'vector-pdf' ? ' · vector' : ` at ${job.dpi} DPI`}
              </dd>
              <dt>Created</dt>
              <dd><time dateTime={job.createdAt}>{dateFormat.format(new Date(job.createdAt))}</time></dd>
              {job.result && job.status === 'succeeded' && (
                <>
                  <dt>Available</dt>
                  <dd>until <time dateTime={job.result.expiresAt}>{dateFormat.format(new Date(job.result.expiresAt))}</time> ({expiresIn(job.result.expiresAt)})</dd>
                </>
              )}
              {job.result && (
                <>
                  <dt>Downloads</dt>
                  <dd data-testid="download-count">{job.result.downloadCount}</dd>
                </>
              )}
            </dl>
            <LiveExport initial={job} />
            {(job.status === 'expired' || job.status === 'cancelled') && (
              <p><Link className={styles.button} href="/">Open the editor</Link></p>
            )}
          </div>
        </div>
      </main>
    </div>
  );
}
