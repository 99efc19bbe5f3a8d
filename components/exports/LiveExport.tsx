'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useExportStore } from '@/stores/exportStore';
import { isTerminalStatus } from '@/types/vocabulary';
import type { ApiExport } from '@/types/api';
import { ExportJobStatus } from './ExportJobStatus';

/** The download page's live part: watches an unfinished export and re-renders the page when its status changes. */
export function LiveExport({ initial }: { initial: ApiExport }) {
  const router = useRouter();
  const status = useExportStore((s) => s.jobs[initial.id]?.status);
  useEffect(() => {
    useExportStore.setState((s) => ({ jobs: { ...s.jobs, [initial.id]: initial } }));
    if (!isTerminalStatus(initial.status)) useExportStore.getState().watch(initial.id);
  }, [initial]);
  useEffect(() => {
    if (status && status !== initial.status) router.refresh();
  }, [status, initial.status, router]);
  return <ExportJobStatus id={initial.id} showDetailsLink={false} />;
}
