import { SIZE_PRESETS, type Orientation, type SizePresetId } from './presets';
import { posterPixelSize } from './geometry';

/**
 * Paper sizes a person thinks in, defined once: ISO A, US paper, photo
 * frames and the common poster frames in cm. Sides are stored short × long
 * in the unit people buy them in; `printLayout` turns one into points and
 * pixels. The screen presets (SIZE_PRESETS) stay for screens.
 */
export const LENGTH_UNITS = ['mm', 'in'] as const;
export type LengthUnit = (typeof LENGTH_UNITS)[number];
const MM_PER: Record<LengthUnit | 'cm', number> = { mm: 1, cm: 10, in: 25.4 };

export const PAPER_SIZES = {
  a5: { label: 'A5', short: 148, long: 210, unit: 'mm' },
  a4: { label: 'A4', short: 210, long: 297, unit: 'mm' },
  a3: { label: 'A3', short: 297, long: 420, unit: 'mm' },
  a2: { label: 'A2', short: 420, long: 594, unit: 'mm' },
  a1: { label: 'A1', short: 594, long: 841, unit: 'mm' },
  a0: { label: 'A0', short: 841, long: 1189, unit: 'mm' },
  letter: { label: 'US Letter', short: 8.5, long: 11, unit: 'in' },
  legal: { label: 'US Legal', short: 8.5, long: 14, unit: 'in' },
  tabloid: { label: 'Tabloid', short: 11, long: 17, unit: 'in' },
  '8x10in': { label: '8×10 in', short: 8, long: 10, unit: 'in' },
  '11x14in': { label: '11×14 in', short: 11, long: 14, unit: 'in' },
  '12x16in': { label: '12×16 in', short: 12, long: 16, unit: 'in' },
  '16x20in': { label: '16×20 in', short: 16, long: 20, unit: 'in' },
  '18x24in': { label: '18×24 in', short: 18, long: 24, unit: 'in' },
  '24x36in': { label: '24×36 in', short: 24, long: 36, unit: 'in' },
  '30x40cm': { label: '30×40 cm', short: 30, long: 40, unit: 'cm' },
  '50x70cm': { label: '50×70 cm', short: 50, long: 70, unit: 'cm' },
  '70x100cm': { label: '70×100 cm', short: 70, long: 100, unit: 'cm' },
} as const satisfies Record<string, { label: string; short: number; long: number; unit: LengthUnit | 'cm' }>;
export type PaperSizeId = keyof typeof PAPER_SIZES;
export const PAPER_SIZE_IDS = Object.keys(PAPER_SIZES) as [PaperSizeId, ...PaperSizeId[]];
/** `size: 'custom'` takes `paper: { width, height, unit }`. */
export const CUSTOM_PAPER = 'custom';

/** Raster resolutions offered for paper; vector output has none. */
export const PRINT_DPIS = [150, 300] as const;
export type PrintDpi = (typeof PRINT_DPIS)[number];
export const DEFAULT_PRINT_DPI: PrintDpi = 300;

/** Bleed: the map runs this far past the trim, so a slightly-off cut shows no white edge. */
export const DEFAULT_BLEED_MM: Record<LengthUnit, number> = { mm: 3, in: 0.125 * 25.4 };
/** Custom paper bounds: smaller is not a poster, larger fits no printer we know of (and no WebGL canvas at 300 dpi). */
export const CUSTOM_PAPER_MM = { min: 50, max: 1200 } as const;
/** Text and border keep this far inside the trim when the print has bleed. */
export const SAFE_AREA_MM = 3;
/** Crop marks: a gap after the bleed, then a line this long (PDF points). */
export const CROP_MARK = { offsetPt: 6, lengthPt: 18, widthPt: 0.25 } as const;

export const PT_PER_MM = 72 / 25.4;
export const toMm = (value: number, unit: LengthUnit | 'cm') => value * MM_PER[unit];

export interface CustomPaper {
  width: number;
  height: number;
  unit: LengthUnit;
}

/** The print options of an export request, as `types/exports.ts` parses them. */
export interface PrintOptions {
  size: SizePresetId | PaperSizeId | typeof CUSTOM_PAPER;
  paper?: CustomPaper;
  orientation?: Orientation;
  dpi?: PrintDpi;
  bleed?: boolean;
  cropMarks?: boolean;
}

export const isPaperSize = (size: string): size is PaperSizeId | typeof CUSTOM_PAPER => size === CUSTOM_PAPER || size in PAPER_SIZES;

/**
 * Everything the pipeline needs to know about an export's page: the trim
 * (the poster as designed), the bleed around it, and the page size in
 * points and pixels. Screen presets are the same with no bleed.
 */
export interface PrintLayout {
  kind: 'screen' | 'paper';
  /** "A4 portrait", "Small". */
  label: string;
  /** Raster resolution (pixels per inch of paper). */
  dpi: number;
  /** The poster as designed, in output pixels at `dpi`. */
  trimPx: { width: number; height: number };
  /** Map past the trim on every side, in pixels; the raster file is trim + 2 × bleed. */
  bleedPx: number;
  /** The same in PDF points (72 per inch). */
  trimPt: { width: number; height: number };
  bleedPt: number;
  cropMarks: boolean;
  /** The unit the paper is sold in: bleed and sizes are said in it. */
  unit: LengthUnit;
}

/** Width and height of the raster file (trim plus bleed). */
export const fileSize = (layout: PrintLayout) => ({ width: layout.trimPx.width + 2 * layout.bleedPx, height: layout.trimPx.height + 2 * layout.bleedPx });

/**
 * The size an export reports: pixels of a raster file (trim plus bleed) at
 * its dpi, or for a vector file its trim-plus-bleed page in points (72 dpi).
 */
export function outputDimensions(layout: PrintLayout, vector: boolean): { width: number; height: number; dpi: number } {
  if (!vector) return { ...fileSize(layout), dpi: layout.dpi };
  return { width: Math.round(layout.trimPt.width + 2 * layout.bleedPt), height: Math.round(layout.trimPt.height + 2 * layout.bleedPt), dpi: 72 };
}

/** "A4 portrait · bleed 3 mm · crop marks", for lists and the download page. */
export function layoutLabel(layout: PrintLayout): string {
  const bleed = layout.bleedPt > 0 ? ` · bleed ${layout.unit === 'in' ? `${+(layout.bleedPt / 72).toFixed(3)} in` : `${+(layout.bleedPt / PT_PER_MM).toFixed(2)} mm`}` : '';
  return `${layout.label}${bleed}${layout.cropMarks ? ' · crop marks' : ''}`;
}

/** The page of an export: a screen preset at the poster's own aspect, or a paper size at the paper's. */
export function printLayout(options: PrintOptions, posterFormat: { aspect: Parameters<typeof posterPixelSize>[0]['aspect']; orientation: Orientation }): PrintLayout {
  if (!isPaperSize(options.size)) {
    const preset = SIZE_PRESETS[options.size];
    const trimPx = posterPixelSize(posterFormat, options.size);
    return {
      kind: 'screen',
      label: preset.label,
      dpi: preset.dpi,
      trimPx,
      bleedPx: 0,
      trimPt: { width: (trimPx.width * 72) / preset.dpi, height: (trimPx.height * 72) / preset.dpi },
      bleedPt: 0,
      cropMarks: false,
      unit: 'in',
    };
  }
  const { widthMm, heightMm, unit, label } = paperMm(options, posterFormat.orientation);
  const dpi = options.dpi ?? DEFAULT_PRINT_DPI;
  const bleedMm = options.bleed ? DEFAULT_BLEED_MM[unit] : 0;
  const px = (mm: number) => Math.round((mm / 25.4) * dpi);
  return {
    kind: 'paper',
    label,
    dpi,
    trimPx: { width: px(widthMm), height: px(heightMm) },
    bleedPx: px(bleedMm),
    trimPt: { width: widthMm * PT_PER_MM, height: heightMm * PT_PER_MM },
    bleedPt: bleedMm * PT_PER_MM,
    cropMarks: Boolean(options.cropMarks),
    unit,
  };
}

function paperMm(options: PrintOptions, posterOrientation: Orientation) {
  const orientation = options.orientation ?? posterOrientation;
  if (options.size === CUSTOM_PAPER) {
    const paper = options.paper!;
    // A custom size is taken as typed; orientation only swaps it.
    const [a, b] = [toMm(paper.width, paper.unit), toMm(paper.height, paper.unit)];
    const [w, h] = orientation === 'landscape' ? [Math.max(a, b), Math.min(a, b)] : options.orientation ? [Math.min(a, b), Math.max(a, b)] : [a, b];
    return { widthMm: w, heightMm: h, unit: paper.unit, label: `${paper.width}×${paper.height} ${paper.unit} ${orientation}` };
  }
  const paper = PAPER_SIZES[options.size as PaperSizeId];
  const [short, long] = [toMm(paper.short, paper.unit), toMm(paper.long, paper.unit)];
  return {
    widthMm: orientation === 'landscape' ? long : short,
    heightMm: orientation === 'landscape' ? short : long,
    unit: (paper.unit === 'in' ? 'in' : 'mm') as LengthUnit,
    label: `${paper.label} ${orientation}`,
  };
}

/**
 * Combinations that cannot be printed as asked, each with the request field
 * to fix. Shapes and ranges are zod's; these are the rules across fields.
 */
export function printOptionProblems(
  options: PrintOptions & { format: string },
  poster: { format?: { margin?: number; border?: string; orientation?: Orientation; aspect?: string } } | undefined,
): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const paper = isPaperSize(options.size);
  const raster = options.format === 'png' || options.format === 'jpeg' || options.format === 'pdf';
  if (!paper) {
    const screenOnly = `is for paper sizes (A4, letter, 50x70cm, custom …), not the screen preset "${options.size}"`;
    if (options.bleed) problems.push({ path: ['bleed'], message: `bleed ${screenOnly}` });
    if (options.cropMarks) problems.push({ path: ['cropMarks'], message: `crop marks ${screenOnly}` });
    if (options.dpi !== undefined) problems.push({ path: ['dpi'], message: `dpi ${screenOnly}; a screen preset has its own` });
    if (options.orientation !== undefined) problems.push({ path: ['orientation'], message: `orientation ${screenOnly}; a screen preset follows the poster's` });
  }
  if (options.size === CUSTOM_PAPER && !options.paper) problems.push({ path: ['paper'], message: 'size "custom" needs paper: { width, height, unit: "mm" | "in" }' });
  if (options.size !== CUSTOM_PAPER && options.paper) problems.push({ path: ['paper'], message: 'paper (a custom width × height) needs size "custom"' });
  if (options.paper) {
    for (const side of ['width', 'height'] as const) {
      const mm = toMm(options.paper[side], options.paper.unit);
      // Zero and below are zod's to report ("must be above 0").
      if (mm > 0 && !(mm >= CUSTOM_PAPER_MM.min && mm <= CUSTOM_PAPER_MM.max)) {
        const f = (v: number) => (options.paper!.unit === 'in' ? `${+(v / 25.4).toFixed(2)} in` : `${v} mm`);
        problems.push({ path: ['paper', side], message: `the paper ${side} must be from ${f(CUSTOM_PAPER_MM.min)} to ${f(CUSTOM_PAPER_MM.max)}` });
      }
    }
  }
  if (paper && !raster && options.dpi !== undefined) problems.push({ path: ['dpi'], message: `dpi is for raster formats (png, jpeg, pdf); ${options.format} is vector and has none` });
  if (options.cropMarks && options.format !== 'pdf' && options.format !== 'vector-pdf') {
    problems.push({ path: ['cropMarks'], message: 'crop marks are drawn in PDFs only: choose format pdf or vector-pdf' });
  }
  const f = poster?.format;
  if (paper && options.bleed && f?.border && f.border !== 'none' && typeof f.margin === 'number' && (options.size !== CUSTOM_PAPER || options.paper)) {
    // The border sits on the map's edge; with bleed and almost no margin a slightly-off cut trims it.
    const layout = printLayout(options, { aspect: (f.aspect ?? '2:3') as '2:3', orientation: f.orientation ?? 'portrait' });
    const marginMm = (f.margin * layout.trimPt.width) / PT_PER_MM;
    if (marginMm < SAFE_AREA_MM) {
      problems.push({ path: ['poster', 'format', 'margin'], message: `with bleed, a border needs at least ${SAFE_AREA_MM} mm of margin to stay inside the safe area (this is ${marginMm.toFixed(1)} mm): raise the margin or choose no border` });
    }
  }
  return problems;
}
