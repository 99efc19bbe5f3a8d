import type { ApiExport } from '@/types/api';
import styles from './pages.module.css';

/** The export's WebP thumbnail, or a paper-coloured frame of the poster's shape while there is none. */
export function Thumbnail({ job, width }: { job: ApiExport; width: number }) {
  const height = Math.round((width * job.height) / job.width);
  const src = job.result?.thumbnailUrl;
  return src ? (
    // The thumbnail is small and already WebP; next/image's optimizer would only add a round trip.
    // eslint-disable-next-line @next/next/no-img-element
    <img className={styles.thumb} src={src} width={width} height={height} alt={`Preview of “${job.title || 'Untitled'}”`} loading="lazy" />
  ) : (
    <span className={`${styles.thumb} ${styles.thumbEmpty}`} style={{ width, height }} aria-hidden>
      {job.format.toUpperCase()}
    </span>
  );
}
