/**
 * Poster formats, defined once: aspect ratios, size presets, borders, text
 * placement. The model (`types/poster.ts`), the editor and the export
 * pipeline all import from here.
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
} as const;
export type AspectRatioId = keyof typeof ASPECT_RATIOS;
export const ASPECT_RATIO_IDS = Object.keys(ASPECT_RATIOS) as [AspectRatioId, ...AspectRatioId[]];

export const ORIENTATIONS = ['portrait', 'landscape'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

/** Size presets by long edge in pixels; the short edge follows from the aspect ratio. */
export const SIZE_PRESETS = {
  social: { label: 'Social', longEdge: 2048, dpi: 72 },
  small: { label: 'Small', longEdge: 3600, dpi: 300 },
  medium: { label: 'Medium', longEdge: 5400, dpi: 300 },
  large: { label: 'Large', longEdge: 7200, dpi: 300 },
  ultra: { label: 'Ultra', longEdge: 10800, dpi: 300 },
} as const;
export type SizePresetId = keyof typeof SIZE_PRESETS;
export const SIZE_PRESET_IDS = Object.keys(SIZE_PRESETS) as [SizePresetId, ...SizePresetId[]];

export const BORDERS = ['none', 'thin', 'thick', 'double', 'inset'] as const;
export type Border = (typeof BORDERS)[number];

export const TEXT_POSITIONS = ['top', 'bottom', 'center'] as const;
export type TextPosition = (typeof TEXT_POSITIONS)[number];

/** What sits behind the text: nothing, a paper band across the map, a fade from the paper, or a box. */
export const BACKDROPS = ['none', 'band', 'fade', 'box'] as const;
export type Backdrop = (typeof BACKDROPS)[number];

export const FONT_WEIGHTS = [400, 500, 700] as const;
export type FontWeight = (typeof FONT_WEIGHTS)[number];
