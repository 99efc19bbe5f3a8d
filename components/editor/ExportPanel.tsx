'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatBytes, formatDuration } from '@/components/exports/estimate';
import { estimateBytes, estimateRenderSeconds } from '@/lib/exports/estimate';
import { ExportJobStatus } from '@/components/exports/ExportJobStatus';
import { physicalSize, posterPixelSize } from '@/lib/poster/geometry';
import { CUSTOM_PAPER, LENGTH_UNITS, outputDimensions, PAPER_SIZE_IDS, PAPER_SIZES, PRINT_DPIS, printLayout, printOptionProblems, PT_PER_MM, type LengthUnit, type PaperSizeId, type PrintDpi, type PrintOptions } from '@/lib/poster/paper';
import { ORIENTATIONS, SIZE_PRESET_IDS, SIZE_PRESETS, type Orientation } from '@/lib/poster/presets';
import { isVectorFormat } from '@/types/vocabulary';
import { resumeExportWatching, useExportStore } from '@/stores/exportStore';
import { usePosterStore } from '@/stores/posterStore';
import type { ExportFormat } from '@/types/exports';
import editor from './editor.module.css';
import { designKey, useExportedDesign } from './ExportPanelDesign';
import styles from './ExportPanel.module.css';

const FORMATS: { id: ExportFormat; label: string; hint: string }[] = [
  { id: 'png', label: 'PNG', hint: 'lossless, for print' },
  { id: 'jpeg', label: 'JPEG', hint: 'smaller, for screens' },
  { id: 'pdf', label: 'PDF', hint: 'image at print size' },
  { id: 'svg', label: 'SVG', hint: 'vector, to edit or cut' },
  { id: 'vector-pdf', label: 'Vector PDF', hint: 'lines stay lines' },
];

type Target = 'screen' | 'paper';

/** Export in the editor: what the file will be (a screen size or a paper size), the Export button, then the job's progress. */
export function ExportPanel() {
  const [format, setFormat] = useState<ExportFormat>('png');
  const [target, setTarget] = useState<Target>('screen');
  const [paper, setPaper] = useState<PaperSizeId | typeof CUSTOM_PAPER>('a3');
  const [custom, setCustom] = useState<{ width: number; height: number; unit: LengthUnit }>({ width: 300, height: 400, unit: 'mm' });
  const [orientation, setOrientation] = useState<Orientation | 'poster'>('poster');
  const [dpi, setDpi] = useState<PrintDpi>(300);
  const [bleed, setBleed] = useState(false);
  const [cropMarks, setCropMarks] = useState(false);
  const poster = usePosterStore((s) => s.config);
  const posterFormat = poster.format;
  const size = usePosterStore((s) => s.size);
  const setSize = usePosterStore((s) => s.setSize);
  const { session, starting, currentId, startProblem, startExport, checkSession } = useExportStore(
    useShallow((s) => ({
      session: s.session, starting: s.starting, currentId: s.currentId, startProblem: s.problems.start, startExport: s.startExport, checkSession: s.checkSession,
    })),
  );

  useEffect(() => {
    void resumeExportWatching();
    void checkSession();
  }, [checkSession]);

  const vector = isVectorFormat(format);
  const print: PrintOptions =
    target === 'screen'
      ? { size }
      : {
          size: paper,
          ...(paper === CUSTOM_PAPER ? { paper: custom } : {}),
          ...(orientation !== 'poster' ? { orientation } : {}),
          ...(vector ? {} : { dpi }),
          ...(bleed ? { bleed } : {}),
          ...(cropMarks && (format === 'pdf' || format === 'vector-pdf') ? { cropMarks } : {}),
        };
  const problems = printOptionProblems({ ...print, format }, poster);
  const layout = problems.length ? null : printLayout(print, posterFormat);
  const dims = layout ? outputDimensions(layout, vector) : null;
  const pixels = layout ? outputDimensions(layout, false) : posterPixelSize(posterFormat, size);
  const estimate = { seconds: estimateRenderSeconds(format, pixels), bytes: estimateBytes(format, pixels) };
  const { remember, exported } = useExportedDesign(currentId);
  // The last export belongs to the design on screen only if it was made from exactly this design.
  const ofThisDesign = exported !== null && exported.design === designKey(poster);
  const exportNow = () => {
    const current = usePosterStore.getState().config;
    remember(current);
    void startExport({ poster: current, format, ...print });
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
      <fieldset className={styles.target}>
        <legend>Size for</legend>
        {(['screen', 'paper'] as const).map((t) => (
          <label key={t}>
            <input type="radio" name="export-target" value={t} checked={target === t} onChange={() => setTarget(t)} /> {t === 'screen' ? 'Screens (pixels)' : 'Print (paper size)'}
          </label>
        ))}
      </fieldset>
      {target === 'screen' ? (
        <fieldset className={styles.sizes}>
          <legend>Size</legend>
          {SIZE_PRESET_IDS.map((id) => {
            const px = posterPixelSize(posterFormat, id);
            const physical = physicalSize(px, SIZE_PRESETS[id].dpi);
            return (
              <label key={id} className={styles.size}>
                <input type="radio" name="export-size" value={id} checked={size === id} onChange={() => setSize(id)} />
                <span className={styles.sizeName}>{SIZE_PRESETS[id].label}</span>
                <span className={styles.sizePx}>{px.width} × {px.height} px</span>
                <span className={styles.sizePrint}>
                  {physical.inches.width.toFixed(1)} × {physical.inches.height.toFixed(1)} in · {physical.cm.width.toFixed(0)} × {physical.cm.height.toFixed(0)} cm at {physical.dpi} DPI
                </span>
              </label>
            );
          })}
        </fieldset>
      ) : (
        <fieldset className={styles.paper}>
          <legend>Paper</legend>
          <label>
            Size{' '}
            <select name="paper-size" value={paper} onChange={(e) => setPaper(e.target.value as PaperSizeId | typeof CUSTOM_PAPER)}>
              {PAPER_SIZE_IDS.map((id) => <option key={id} value={id}>{PAPER_SIZES[id].label}</option>)}
              <option value={CUSTOM_PAPER}>Custom…</option>
            </select>
          </label>
          {paper === CUSTOM_PAPER && (
            <span className={styles.custom}>
              <input type="number" name="paper-width" aria-label="Paper width" min={0} step="any" value={custom.width} onChange={(e) => setCustom({ ...custom, width: Number(e.target.value) })} />
              ×
              <input type="number" name="paper-height" aria-label="Paper height" min={0} step="any" value={custom.height} onChange={(e) => setCustom({ ...custom, height: Number(e.target.value) })} />
              <select name="paper-unit" aria-label="Unit" value={custom.unit} onChange={(e) => setCustom({ ...custom, unit: e.target.value as LengthUnit })}>
                {LENGTH_UNITS.map((u) => <option key={u} value={u}>{u}</option>)}
              </select>
            </span>
          )}
          <label>
            Orientation{' '}
            <select name="paper-orientation" value={orientation} onChange={(e) => setOrientation(e.target.value as Orientation | 'poster')}>
              <option value="poster">as the poster ({posterFormat.orientation})</option>
              {ORIENTATIONS.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          </label>
          {!vector && (
            <label>
              Resolution{' '}
              <select name="paper-dpi" value={dpi} onChange={(e) => setDpi(Number(e.target.value) as PrintDpi)}>
                {PRINT_DPIS.map((d) => <option key={d} value={d}>{d} DPI</option>)}
              </select>
            </label>
          )}
          <label><input type="checkbox" name="bleed" checked={bleed} onChange={(e) => setBleed(e.target.checked)} /> Bleed (3 mm, 0.125 in on inch sizes)</label>
          {(format === 'pdf' || format === 'vector-pdf') && (
            <label><input type="checkbox" name="crop-marks" checked={cropMarks} onChange={(e) => setCropMarks(e.target.checked)} /> Crop marks</label>
          )}
          {layout && (
            <div
              className={styles.paperSheet}
              aria-hidden
              // The sheet as cut (trim) inside the bleed, to scale.
              style={{ aspectRatio: `${layout.trimPt.width + 2 * layout.bleedPt} / ${layout.trimPt.height + 2 * layout.bleedPt}`, padding: `${(100 * layout.bleedPt) / (layout.trimPt.width + 2 * layout.bleedPt)}%` }}
            >
              <div className={styles.paperTrim} />
            </div>
          )}
          {layout && (
            <p className={editor.note} data-testid="export-paper">
              {+(layout.trimPt.width / PT_PER_MM).toFixed(1)} × {+(layout.trimPt.height / PT_PER_MM).toFixed(1)} mm
              {layout.bleedPt > 0 ? ` + ${+(layout.bleedPt / PT_PER_MM).toFixed(2)} mm bleed` : ''}
              {vector ? ' · vector' : ` · ${dims!.width} × ${dims!.height} px at ${layout.dpi} DPI`}. The map fills the paper&apos;s shape.
            </p>
          )}
        </fieldset>
      )}
      {problems.length > 0 && (
        <p className={styles.problem} role="alert">{problems.map((p) => p.message).join('; ')}</p>
      )}
      <p className={editor.note} data-testid="export-estimate">
        About {formatDuration(estimate.seconds)} to render · about {formatBytes(estimate.bytes)}
      </p>

      {session === 'signed-out' ? (
        <Link className={styles.exportButton} href="/sign-in?next=/">Sign in to export</Link>
      ) : (
        <button type="button" className={styles.exportButton} onClick={exportNow} disabled={starting || problems.length > 0}>
          {starting ? 'Starting…' : `Export ${FORMATS.find((f) => f.id === format)!.label}`}
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
