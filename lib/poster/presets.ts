import {
  ASPECT_RATIO_IDS,
  BACKDROPS,
  BORDERS,
  FONT_WEIGHTS,
  ORIENTATIONS,
  SIZE_PRESET_IDS,
  TEXT_POSITIONS,
  type AspectRatioId,
  type SizePresetId,
} from '@/types/vocabulary';

export { ASPECT_RATIO_IDS, BACKDROPS, BORDERS, FONT_WEIGHTS, ORIENTATIONS, SIZE_PRESET_IDS, TEXT_POSITIONS };
export type { AspectRatioId, Backdrop, Border, FontWeight, Orientation, SizePresetId, TextPosition } from '@/types/vocabulary';

/**
 * What poster formats measure: the sides of each aspect ratio and the pixels
 * and DPI of each size preset (their ids, and the other format words, are in
 * types/vocabulary.ts).
 */

export const ASPECT_RATIOS = {
  '2:3': { label: '2:3', width: 2, height: 3 },
  '3:4': { label: '3:4', width: 3, height: 4 },
  '4:5': { label: '4:5', width: 4, height: 5 },
  '1:1': { label: 'Square', width: 1, height: 1 },
  // ISO 216 (A4, A3, …): every A size has sides in the ratio 1 : √2.
  'iso-a': { label: 'ISO A', width: 1, height: Math.SQRT2 },
  '16:9': { label: '16:9', width: 16, height: 9 },
  '9:16': { label: '9:16', width: 9, height: 16 },
} as const satisfies Record<AspectRatioId, { label: string; width: number; height: number }>;

/** Size presets by long edge in pixels; the short edge follows from the aspect ratio. */
export const SIZE_PRESETS = {
  social: { label: 'Social', longEdge: 2048, dpi: 72 },
  small: { label: 'Small', longEdge: 3600, dpi: 300 },
  medium: { label: 'Medium', longEdge: 5400, dpi: 300 },
  large: { label: 'Large', longEdge: 7200, dpi: 300 },
  ultra: { label: 'Ultra', longEdge: 10800, dpi: 300 },
} as const satisfies Record<SizePresetId, { label: string; longEdge: number; dpi: number }>;
