'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatBytes, formatDuration } from '@/components/exports/estimate';
import { estimateBytes, estimateRenderSeconds } from '@/lib/exports/estimate';
import { ExportJobStatus } from '@/components/exports/ExportJobStatus';
import { physicalSize, posterPixelSize } from '@/lib/poster/geometry';
import { SIZE_PRESET_IDS, SIZE_PRESETS } from '@/lib/poster/presets';
import { resumeExportWatching, useExportStore } from '@/stores/exportStore';
import { usePosterStore } from '@/stores/posterStore';
import type { ExportFormat } from '@/types/exports';
import editor from './editor.module.css';
import { designKey, useExportedDesign } from './ExportPanelDesign';
import styles from './ExportPanel.module.css';

const FORMATS: { id: ExportFormat; label: string; hint: string }[] = [
  { id: 'png', label: 'PNG', hint: 'lossless, for print' },
  { id: 'jpeg', label: 'JPEG', hint: 'smaller, for screens' },
  { id: 'pdf', label: 'PDF', hint: 'at print size' },
];

/** Export in the editor: what the file will be, the Export button, then the job's progress. */
export function ExportPanel() {
  const [format, setFormat] = useState<ExportFormat>('png');
  const posterFormat = usePosterStore((s) => s.config.format);
  const size = usePosterStore((s) => s.size);
  const setSize = usePosterStore((s) => s.setSize);
  const config = usePosterStore((s) => s.config);
  const { session, starting, currentId, startProblem, startExport, checkSession } = useExportStore(
    useShallow((s) => ({
      session: s.session, starting: s.starting, currentId: s.currentId, startProblem: s.problems.start, startExport: s.startExport, checkSession: s.checkSession,
    })),
  );

  useEffect(() => {
    void resumeExportWatching();
    void checkSession();
  }, [checkSession]);

  const pixels = posterPixelSize(posterFormat, size);
  const estimate = { seconds: estimateRenderSeconds(size), bytes: estimateBytes(format, pixels) };
  const { remember, exported } = useExportedDesign(currentId);
  // The last export belongs to the design on screen only if it was made from exactly this design.
  const ofThisDesign = exported !== null && exported.design === designKey(config);
  const exportNow = () => {
    const poster = usePosterStore.getState().config;
    remember(poster);
    void startExport({ poster, format, size });
  };

  return (
    <section className={`${editor.section} ${styles.panel}`} aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      <fieldset className={styles.formats}>
        <legend>File format</legend>
        {FORMATS.map((f) => (
          <label key={f.id} className={styles.format}>
            <input type="radio" name="export-format" value={f.id} checked={format === f.id} onChange={() => setFormat(f.id)} />
            <span><strong>{f.label}</strong><small>{f.hint}</small></span>
          </label>
        ))}
      </fieldset>
      <fieldset className={styles.sizes}>
        <legend>Size</legend>
        {SIZE_PRESET_IDS.map((id) => {
          const px = posterPixelSize(posterFormat, id);
          const print = physicalSize(px, SIZE_PRESETS[id].dpi);
          return (
            <label key={id} className={styles.size}>
              <input type="radio" name="export-size" value={id} checked={size === id} onChange={() => setSize(id)} />
              <span className={styles.sizeName}>{SIZE_PRESETS[id].label}</span>
              <span className={styles.sizePx}>{px.width} × {px.height} px</span>
              <span className={styles.sizePrint}>
                {print.inches.width.toFixed(1)} × {print.inches.height.toFixed(1)} in · {print.cm.width.toFixed(0)} × {print.cm.height.toFixed(0)} cm at {print.dpi} DPI
              </span>
            </label>
          );
        })}
      </fieldset>
      <p className={editor.note} data-testid="export-estimate">
        About {formatDuration(estimate.seconds)} to render · about {formatBytes(estimate.bytes)}
      </p>

      {session === 'signed-out' ? (
        <Link className={styles.exportButton} href="/sign-in?next=/">Sign in to export</Link>
      ) : (
        <button type="button" className={styles.exportButton} onClick={exportNow} disabled={starting}>
          {starting ? 'Starting…' : `Export ${format.toUpperCase()}`}
        </button>
      )}
      {startProblem && (
        <p className={styles.problem} role="alert">
          {startProblem.message}
          {startProblem.retryAfterSeconds ? ` You can export again in ${formatDuration(startProblem.retryAfterSeconds)}.` : ''}
        </p>
      )}
      {currentId && ofThisDesign && <ExportJobStatus id={currentId} />}
      {currentId && !ofThisDesign && (
        <p className={editor.note} data-testid="previous-export">
          {exported
            ? `Your last export is of an earlier design: “${exported.title}”, ${exported.style} style, ${exported.place}, ${new Date(exported.at).toLocaleString()}. `
            : 'Your last export is of an earlier design. '}
          <Link href={`/exports/${currentId}`}>See it</Link>
        </p>
      )}
      <nav className={styles.links} aria-label="Account">
        <Link href="/exports">My exports</Link>
        {session === 'signed-in' && <Link href="/settings">Settings</Link>}
        {session === 'signed-in' && (
          <form method="post" action="/api/auth/sign-out">
            <button type="submit" className={styles.linkButton}>Sign out</button>
          </form>
        )}
      </nav>
    </section>
  );
}
