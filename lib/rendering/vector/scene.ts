import type { MapView } from '@/lib/poster/geometry';

/**
 * What a vector export draws, in order, independent of the file format: the
 * SVG and PDF writers each turn one scene into their own syntax. Coordinates
 * are the raster export's pixels (the poster's trim at its dpi, origin at the
 * trim's top-left, y down), so the vector file lines up with the raster one
 * and reuses the same geometry code.
 */
export type Point = [number, number];

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Colour {
  /** #rrggbb */
  hex: string;
  /** 0…1, already multiplied by the layer's opacity. */
  alpha: number;
}

export interface LinearGradient {
  from: Point;
  to: Point;
  stops: { offset: number; colour: Colour }[];
}

export interface Stroke {
  colour: Colour;
  width: number;
  cap: 'butt' | 'round' | 'square';
  join: 'bevel' | 'round' | 'miter';
  /** Dash and gap lengths in scene px. */
  dash?: number[];
}

/** Rings or lines; a fill uses the nonzero rule, so pieces of one area that share an edge leave no seam. */
export interface PathItem {
  kind: 'path';
  /** Layer id or overlay part, kept as a group name in the file (Illustrator and Inkscape show it). */
  name: string;
  subpaths: { points: Point[]; closed: boolean }[];
  fill?: Colour | LinearGradient;
  stroke?: Stroke;
  clip?: Rect;
}

export interface FontRef {
  id: string;
  weight: number;
}

/** One run of text with its left end on the baseline at (x, y); `angle` turns it about that point (radians, clockwise). */
export interface TextItem {
  kind: 'text';
  name: string;
  text: string;
  x: number;
  y: number;
  size: number;
  font: FontRef;
  /** Extra space after every character, in scene px. */
  spacing: number;
  fill?: Colour;
  /** Drawn under the fill (a halo), or alone (a stroked outline). */
  stroke?: { colour: Colour; width: number };
  angle?: number;
  clip?: Rect;
}

export type SceneItem = PathItem | TextItem;

export interface Scene {
  /** Trim size in scene px and the bleed around it. */
  width: number;
  height: number;
  bleed: number;
  /** Scene px per inch: PDF points = px × 72 / dpi. */
  dpi: number;
  items: SceneItem[];
}

export const isGradient = (fill: Colour | LinearGradient): fill is LinearGradient => 'stops' in fill;

/** `#rgb`, `#rrggbb`, `#rrggbbaa` or `rgba(…)` from Canvas code and palettes. */
export function parseColour(css: string, alpha = 1): Colour {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(css.trim());
  if (hex) {
    let h = hex[1];
    if (h.length === 3) h = h.replace(/./g, (c) => c + c);
    const a = h.length === 8 ? parseInt(h.slice(6), 16) / 255 : 1;
    return { hex: `#${h.slice(0, 6).toLowerCase()}`, alpha: a * alpha };
  }
  const rgba = /^rgba?\(([^)]+)\)$/i.exec(css.trim());
  if (rgba) {
    const [r, g, b, a = 1] = rgba[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { hex: `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`, alpha: a * alpha };
  }
  throw new Error(`Unsupported colour ${css}`);
}

/** Where a poster's map lands in the scene: its view, the area it fills, and how finely lines are kept. */
export interface MapFrame {
  view: MapView;
  /** Where the map is drawn in scene px: the map rectangle, or more with bleed. */
  area: Rect;
  /** Douglas–Peucker tolerance in scene px. */
  tolerance: number;
}
