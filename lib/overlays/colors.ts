import { PALETTE_ROLES, type PaletteColors, type PaletteRole } from '@/lib/map/palettes';
import type { OverlayColor } from '@/types/overlays';

/** An overlay colour as drawn: a palette role takes the poster's current colour for it. */
export function overlayColor(color: OverlayColor, palette: PaletteColors): string {
  return (PALETTE_ROLES as readonly string[]).includes(color) ? palette[color as PaletteRole] : color;
}
