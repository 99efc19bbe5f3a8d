'use client';

import { useState } from 'react';
import { overlaysOf, removeRoute, updateRoute } from '@/lib/overlays/edit';
import { OverlayFileError } from '@/lib/overlays/errors';
import { fitPlaceToRoutes } from '@/lib/overlays/fit';
import { countPositions } from '@/lib/overlays/geojson';
import { formatBytes, formatCount, OVERLAY_LIMITS } from '@/lib/overlays/limits';
import { readRouteFile, remainingPointBudget, withRoutes } from '@/lib/overlays/parse';
import { usePosterStore } from '@/stores/posterStore';
import type { Route } from '@/types/overlays';
import { Section } from './Controls';
import { OverlayColorPicker } from './OverlayColorPicker';
import styles from './editor.module.css';

/**
 * Route files on the poster: GPX, KML or GeoJSON read in the browser
 * (lib/overlays/parse.ts), simplified to print resolution, drawn as layers of
 * the map style. A refused file is named with its problem and stores nothing.
 */
export function RouteControls() {
  const overlays = usePosterStore((s) => overlaysOf(s.config));
  const setOverlays = usePosterStore((s) => s.setOverlays);
  const setPlace = usePosterStore((s) => s.setPlace);
  const [problems, setProblems] = useState<string[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const [reading, setReading] = useState(false);

  const fit = (routes: readonly Route[]) => {
    const place = fitPlaceToRoutes(usePosterStore.getState().config, routes);
    if (place) setPlace(place);
  };

  const upload = async (files: File[]) => {
    setReading(true);
    const refused: string[] = [];
    const read: string[] = [];
    const start = overlaysOf(usePosterStore.getState().config);
    let next = start;
    for (const file of files) {
      try {
        if (next.routes.length >= OVERLAY_LIMITS.routes) throw new OverlayFileError('too_many_routes', `${file.name}: a poster can carry at most ${OVERLAY_LIMITS.routes} route files.`);
        const parsed = await readRouteFile(file, remainingPointBudget(next));
        next = withRoutes(next, [parsed.route]);
        read.push(parsed.points.kept < parsed.points.file
          ? `${file.name}: ${formatCount(parsed.points.file)} points, simplified to ${formatCount(parsed.points.kept)} for print.`
          : `${file.name}: ${formatCount(parsed.points.file)} points.`);
      } catch (e) {
        refused.push(e instanceof OverlayFileError ? e.message : `${file.name} could not be read: ${(e as Error).message}`);
      }
    }
    setProblems(refused);
    setNotes(read);
    setReading(false);
    if (next !== start) {
      setOverlays(next);
      // A first route sets the place: that is almost always what the person wants next.
      if (start.routes.length === 0) fit(next.routes);
    }
  };

  return (
    <Section title="Routes">
      <label className={styles.chip}>
        Upload GPX, KML or GeoJSON
        <input
          type="file"
          multiple
          hidden
          accept=".gpx,.kml,.geojson,.json,application/gpx+xml,application/vnd.google-earth.kml+xml,application/geo+json,application/json"
          aria-label="Upload route files"
          data-testid="route-upload"
          disabled={reading}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = ''; // the same file again is a new choice
            if (files.length) void upload(files);
          }}
        />
      </label>
      <p className={styles.note}>
        Up to {OVERLAY_LIMITS.routes} files of {formatBytes(OVERLAY_LIMITS.uploadBytes)} each; tracks are simplified to print resolution.
      </p>
      {reading && <p className={styles.note} role="status">Reading…</p>}
      {problems.map((p) => <p key={p} className={styles.overlayError} role="alert" data-testid="route-problem">{p}</p>)}
      {notes.map((n) => <p key={n} className={styles.note} data-testid="route-note">{n}</p>)}
      {overlays.routes.length > 0 && (
        <button type="button" className={styles.chip} onClick={() => fit(overlays.routes)}>Fit the map to my routes</button>
      )}
      <ol className={styles.overlayList}>
        {overlays.routes.map((r, i) => {
          const edit = (patch: Parameters<typeof updateRoute>[2]) => setOverlays(updateRoute(overlaysOf(usePosterStore.getState().config), i, patch));
          const name = r.name || `Route ${i + 1}`;
          return (
            <li key={i} data-testid="route-row">
              <strong>{name}</strong>
              <span className={styles.note}>{formatCount(countPositions(r.data.features))} points · {r.data.features.length} {r.data.features.length === 1 ? 'feature' : 'features'}</span>
              <label className={styles.slider}>
                Width <span>{r.width.toFixed(1)}</span>
                <input type="range" min={0.5} max={20} step={0.5} value={r.width} aria-label={`${name} width`} onChange={(e) => edit({ width: Number(e.target.value) })} />
              </label>
              <label className={styles.slider}>
                Opacity <span>{Math.round(r.opacity * 100)}%</span>
                <input type="range" min={0.1} max={1} step={0.05} value={r.opacity} aria-label={`${name} opacity`} onChange={(e) => edit({ opacity: Number(e.target.value) })} />
              </label>
              <div className={styles.row2}>
                <label className={styles.check}>
                  <input type="checkbox" checked={r.casing} onChange={(e) => edit({ casing: e.target.checked })} /> Casing
                </label>
                <label className={styles.check}>
                  <input type="checkbox" checked={r.endpoints} onChange={(e) => edit({ endpoints: e.target.checked })} /> Start and end
                </label>
              </div>
              <div className={styles.overlayRowEnd}>
                <OverlayColorPicker value={r.color} label={name} onChange={(color) => edit({ color })} />
                <span>
                  <button type="button" className={styles.chip} onClick={() => fit([r])}>Fit</button>{' '}
                  <button type="button" className={styles.chip} onClick={() => setOverlays(removeRoute(overlaysOf(usePosterStore.getState().config), i))}>Remove</button>
                </span>
              </div>
            </li>
          );
        })}
      </ol>
    </Section>
  );
}
