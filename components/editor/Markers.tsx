'use client';

import { addMarker, overlaysOf, removeMarker, updateMarker } from '@/lib/overlays/edit';
import { OVERLAY_LIMITS } from '@/lib/overlays/limits';
import { usePosterStore } from '@/stores/posterStore';
import { MARKER_ICONS, type MarkerIcon } from '@/types/overlays';
import { Section } from './Controls';
import { PlaceSearch } from './PlaceSearch';
import { OverlayColorPicker } from './OverlayColorPicker';
import styles from './editor.module.css';

const ICON_LABELS: Record<MarkerIcon, string> = { pin: 'Pin', heart: 'Heart', star: 'Star', dot: 'Dot', number: 'Number' };

/** The poster's markers: add one by clicking the map or by searching a place, then edit or drag it; the preview draws them. */
export function MarkerControls() {
  const overlays = usePosterStore((s) => overlaysOf(s.config));
  const picking = usePosterStore((s) => s.pickingMarker);
  const setPicking = usePosterStore((s) => s.setPickingMarker);
  const setOverlays = usePosterStore((s) => s.setOverlays);
  const full = overlays.markers.length >= OVERLAY_LIMITS.markers;
  return (
    <Section title="Markers">
      <button type="button" className={styles.chip} disabled={full && !picking} aria-pressed={picking} onClick={() => setPicking(!picking)}>
        {picking ? 'Cancel' : 'Add marker'}
      </button>
      {!full && (
        <PlaceSearch
          label="Search a place for a marker"
          onPick={(place) => setOverlays(addMarker(overlaysOf(usePosterStore.getState().config), place.center, { label: place.name.slice(0, OVERLAY_LIMITS.labelChars) }))}
        />
      )}
      <p className={styles.note} data-testid="marker-hint">
        {picking ? 'Click the map where the marker goes.' : full ? `A poster can have ${OVERLAY_LIMITS.markers} markers.` : overlays.markers.length ? 'Drag a marker on the poster to move it.' : 'Pins, hearts, stars or numbers, with a label of your own.'}
      </p>
      <ol className={styles.overlayList}>
        {overlays.markers.map((m, i) => {
          const edit = (patch: Parameters<typeof updateMarker>[2]) => setOverlays(updateMarker(overlaysOf(usePosterStore.getState().config), i, patch));
          const name = `Marker ${i + 1}`;
          return (
            <li key={i} data-testid="marker-row">
              <div className={styles.row2}>
                <label>
                  Label
                  <input value={m.label} maxLength={OVERLAY_LIMITS.labelChars} aria-label={`${name} label`} onChange={(e) => edit({ label: e.target.value })} />
                </label>
                <label>
                  Icon
                  <select value={m.icon} aria-label={`${name} icon`} onChange={(e) => edit({ icon: e.target.value as MarkerIcon })}>
                    {MARKER_ICONS.map((icon) => <option key={icon} value={icon}>{ICON_LABELS[icon]}</option>)}
                  </select>
                </label>
              </div>
              <div className={styles.row2}>
                <label>
                  Latitude
                  <input type="number" step="0.0001" min={-85} max={85} value={m.lat} aria-label={`${name} latitude`} onChange={(e) => Number.isFinite(e.target.valueAsNumber) && edit({ lat: e.target.valueAsNumber })} />
                </label>
                <label>
                  Longitude
                  <input type="number" step="0.0001" min={-180} max={180} value={m.lng} aria-label={`${name} longitude`} onChange={(e) => Number.isFinite(e.target.valueAsNumber) && edit({ lng: e.target.valueAsNumber })} />
                </label>
              </div>
              <label className={styles.slider}>
                Size <span>{(m.size * 100).toFixed(1)}%</span>
                <input type="range" min={0.01} max={0.1} step={0.001} value={m.size} aria-label={`${name} size`} onChange={(e) => edit({ size: Number(e.target.value) })} />
              </label>
              <div className={styles.overlayRowEnd}>
                <OverlayColorPicker value={m.color} label={name} onChange={(color) => edit({ color })} />
                <button type="button" className={styles.chip} onClick={() => setOverlays(removeMarker(overlaysOf(usePosterStore.getState().config), i))}>Remove</button>
              </div>
            </li>
          );
        })}
      </ol>
    </Section>
  );
}
