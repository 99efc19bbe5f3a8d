import type { ExportStatus } from '@/types/exports';
import { STATUS_LABELS } from './status';
import styles from './pages.module.css';

export function StatusBadge({ status }: { status: ExportStatus }) {
  return <span className={`${styles.badge} ${styles[`badge_${status}`] ?? ''}`} data-status={status}>{STATUS_LABELS[status]}</span>;
}
