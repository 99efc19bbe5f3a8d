'use client';

import { PALETTE_ROLES, resolvePalette, type PaletteRole } from '@/lib/map/palettes';
import { overlayColor } from '@/lib/overlays/colors';
import { usePosterStore } from '@/stores/posterStore';
import type { OverlayColor } from '@/types/overlays';
import styles from './editor.module.css';

const CUSTOM = 'custom';

/** A colour for a marker or route: one of the palette's (it follows palette changes) or a custom one. */
export function OverlayColorPicker({ value, label, onChange }: { value: OverlayColor; label: string; onChange: (color: OverlayColor) => void }) {
  const config = usePosterStore((s) => s.config);
  const palette = resolvePalette(config);
  const isRole = (PALETTE_ROLES as readonly string[]).includes(value);
  return (
    <span className={styles.overlayColor}>
      <select aria-label={`${label} colour`} value={isRole ? value : CUSTOM} onChange={(e) => onChange(e.target.value === CUSTOM ? overlayColor(value, palette) : (e.target.value as PaletteRole))}>
        {PALETTE_ROLES.map((role) => <option key={role} value={role}>Palette: {role}</option>)}
        <option value={CUSTOM}>Custom</option>
      </select>
      <input type="color" aria-label={`${label} custom colour`} value={overlayColor(value, palette)} onChange={(e) => onChange(e.target.value)} />
    </span>
  );
}
