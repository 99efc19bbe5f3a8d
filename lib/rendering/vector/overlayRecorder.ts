import 'server-only';
import type { PosterCanvasContext } from '@/lib/poster/overlay';
import { layoutRun, verticalMetrics, posterFont } from './fonts';
import { parseColour, type Colour, type LinearGradient, type Rect, type SceneItem } from './scene';

type Font = Awaited<ReturnType<typeof posterFont>>['font'];

/**
 * A stand-in for the Canvas 2D context that records what the poster overlay
 * draws (lib/poster/overlay.ts: paper, title, backdrop, border, credits) as
 * scene items, so the vector export draws the overlay with the very code the
 * preview and the raster export use, never a copy of it. Only the calls that
 * code makes are implemented; anything else throws, so a new call cannot be
 * dropped silently.
 */
export class OverlayRecorder {
  readonly items: SceneItem[] = [];
  fillStyle: string | RecordedGradient = '#000000';
  strokeStyle = '#000000';
  lineWidth = 1;
  globalAlpha = 1;
  font = '10px sans-serif';
  letterSpacing = '0px';
  textAlign: CanvasTextAlign = 'start';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  private path: Rect[] = [];
  private clipRect: Rect | undefined;
  private stack: Omit<OverlayRecorder, 'items' | 'stack'>[] = [];

  /** Fonts are loaded before drawing, as `loadPosterFonts` does for Canvas. */
  constructor(private readonly fonts: Map<string, Font>) {}

  asContext(): PosterCanvasContext {
    return new Proxy(this, {
      get: (target, key) => {
        if (key in target) {
          const value = (target as unknown as Record<string | symbol, unknown>)[key];
          return typeof value === 'function' ? value.bind(target) : value;
        }
        throw new Error(`The vector overlay does not implement CanvasRenderingContext2D.${String(key)}`);
      },
      set: (target, key, value) => {
        (target as unknown as Record<string | symbol, unknown>)[key] = value;
        return true;
      },
    }) as unknown as PosterCanvasContext;
  }

  save() {
    const { fillStyle, strokeStyle, lineWidth, globalAlpha, font, letterSpacing, textAlign, textBaseline, path, clipRect } = this;
    this.stack.push({ fillStyle, strokeStyle, lineWidth, globalAlpha, font, letterSpacing, textAlign, textBaseline, path, clipRect } as never);
  }

  restore() {
    Object.assign(this, this.stack.pop());
  }

  beginPath() {
    this.path = [];
  }

  rect(x: number, y: number, width: number, height: number) {
    this.path = [...this.path, { x, y, width, height }];
  }

  clip() {
    // The overlay clips to one rectangle (the map); intersect with any clip already set.
    const rect = this.path[0];
    if (!rect) return;
    this.clipRect = this.clipRect ? intersect(this.clipRect, rect) : rect;
  }

  createLinearGradient(x0: number, y0: number, x1: number, y1: number): RecordedGradient {
    return new RecordedGradient([x0, y0], [x1, y1]);
  }

  fillRect(x: number, y: number, width: number, height: number) {
    const fill = this.fillStyle instanceof RecordedGradient ? this.fillStyle.toGradient(this.globalAlpha) : parseColour(this.fillStyle, this.globalAlpha);
    this.items.push({ kind: 'path', name: 'overlay', subpaths: [{ points: corners(x, y, width, height), closed: true }], fill, clip: this.clipRect });
  }

  strokeRect(x: number, y: number, width: number, height: number) {
    this.items.push({
      kind: 'path',
      name: 'border',
      subpaths: [{ points: corners(x, y, width, height), closed: true }],
      stroke: { colour: parseColour(this.strokeStyle, this.globalAlpha), width: this.lineWidth, cap: 'butt', join: 'miter' },
      clip: this.clipRect,
    });
  }

  measureText(text: string): { width: number } {
    const { font, size } = this.currentFont();
    return { width: layoutRun(font, text, size, this.spacing()).width };
  }

  fillText(text: string, x: number, y: number) {
    this.items.push(this.textItem(text, x, y, { fill: parseColour(this.fillStyle as string, this.globalAlpha) }));
  }

  strokeText(text: string, x: number, y: number) {
    this.items.push(this.textItem(text, x, y, { stroke: { colour: parseColour(this.strokeStyle, this.globalAlpha), width: this.lineWidth } }));
  }

  private textItem(text: string, x: number, y: number, paint: { fill?: Colour; stroke?: { colour: Colour; width: number } }): SceneItem {
    const { font, size, ref } = this.currentFont();
    const spacing = this.spacing();
    const width = layoutRun(font, text, size, spacing).width;
    const left = this.textAlign === 'center' ? x - width / 2 : this.textAlign === 'right' || this.textAlign === 'end' ? x - width : x;
    const { ascent, descent } = verticalMetrics(font, size);
    // Canvas "middle" is the middle of the em box; "alphabetic" is the baseline itself.
    const baseline = this.textBaseline === 'middle' ? y + (ascent + descent) / 2 : this.textBaseline === 'top' ? y + ascent : y;
    return { kind: 'text', name: 'overlay text', text, x: left, y: baseline, size, font: ref, spacing, ...paint, clip: this.clipRect };
  }

  private spacing(): number {
    return parseFloat(this.letterSpacing) || 0;
  }

  private currentFont() {
    // The overlay sets `${weight} ${size}px "poster-<id>", sans-serif`.
    const match = /^(\d+) ([\d.e+-]+)px "poster-([a-z-]+)"/.exec(this.font);
    if (!match) throw new Error(`The vector overlay cannot read the font "${this.font}"`);
    const ref = { id: match[3], weight: Number(match[1]) };
    const font = this.fonts.get(fontKey(ref));
    if (!font) throw new Error(`Font ${ref.id} ${ref.weight} was not loaded for the vector overlay`);
    return { font, size: Number(match[2]), ref };
  }
}

export const fontKey = (ref: { id: string; weight: number }) => `${ref.id}:${ref.weight}`;

class RecordedGradient {
  private stops: { offset: number; css: string }[] = [];
  constructor(private readonly from: [number, number], private readonly to: [number, number]) {}
  addColorStop(offset: number, css: string) {
    this.stops.push({ offset, css });
  }
  toGradient(alpha: number): LinearGradient {
    return { from: this.from, to: this.to, stops: this.stops.map((s) => ({ offset: s.offset, colour: parseColour(s.css, alpha) })) };
  }
}

function corners(x: number, y: number, width: number, height: number): [number, number][] {
  return [[x, y], [x + width, y], [x + width, y + height], [x, y + height]];
}

function intersect(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return { x, y, width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - x), height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - y) };
}
