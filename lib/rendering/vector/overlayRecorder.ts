import 'server-only';
import type { PosterCanvasContext } from '@/lib/poster/overlay';
import { layoutRun, verticalMetrics, posterFont } from './fonts';
import { parseColour, type Colour, type LinearGradient, type Rect, type SceneItem, type Stroke } from './scene';

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
  lineJoin: CanvasLineJoin = 'miter';
  lineCap: CanvasLineCap = 'butt';
  private path: { points: [number, number][]; closed: boolean }[] = [];
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
    const { fillStyle, strokeStyle, lineWidth, globalAlpha, font, letterSpacing, textAlign, textBaseline, lineJoin, lineCap, clipRect } = this;
    // The current path is not part of the drawing state: restore() leaves it as it is, as in Canvas.
    this.stack.push({ fillStyle, strokeStyle, lineWidth, globalAlpha, font, letterSpacing, textAlign, textBaseline, lineJoin, lineCap, clipRect } as never);
  }

  restore() {
    Object.assign(this, this.stack.pop());
  }

  beginPath() {
    this.path = [];
  }

  rect(x: number, y: number, width: number, height: number) {
    this.path.push({ points: corners(x, y, width, height), closed: true });
  }

  moveTo(x: number, y: number) {
    this.path.push({ points: [[x, y]], closed: false });
  }

  lineTo(x: number, y: number) {
    if (!this.path.length) this.moveTo(x, y);
    else this.path[this.path.length - 1].points.push([x, y]);
  }

  closePath() {
    const last = this.path[this.path.length - 1];
    if (last) last.closed = true;
  }

  /** Flattened finely enough for print: segments of at most 1° or 0.5 scene px. */
  arc(x: number, y: number, radius: number, start: number, end: number, counterclockwise = false) {
    let sweep = end - start;
    if (Math.abs(sweep) >= 2 * Math.PI) sweep = counterclockwise ? -2 * Math.PI : 2 * Math.PI;
    else if (!counterclockwise && sweep < 0) sweep += 2 * Math.PI;
    else if (counterclockwise && sweep > 0) sweep -= 2 * Math.PI;
    const steps = Math.max(8, Math.ceil(Math.min((Math.abs(sweep) * 180) / Math.PI, (Math.abs(sweep) * radius) / 0.5)));
    for (let i = 0; i <= steps; i++) {
      const a = start + (sweep * i) / steps;
      this.lineTo(x + radius * Math.cos(a), y + radius * Math.sin(a));
    }
  }

  bezierCurveTo(c1x: number, c1y: number, c2x: number, c2y: number, x: number, y: number) {
    const [x0, y0] = this.path[this.path.length - 1]?.points.at(-1) ?? [c1x, c1y];
    const steps = Math.max(8, Math.ceil(Math.hypot(x - x0, y - y0) / 0.5));
    for (let i = 1; i <= steps; i++) {
      const t = i / steps;
      const u = 1 - t;
      this.lineTo(u * u * u * x0 + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * x, u * u * u * y0 + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t * t * t * y);
    }
  }

  fill() {
    const fill = this.fillStyle instanceof RecordedGradient ? this.fillStyle.toGradient(this.globalAlpha) : parseColour(this.fillStyle, this.globalAlpha);
    this.items.push({ kind: 'path', name: 'overlay', subpaths: this.copyPath(), fill, clip: this.clipRect });
  }

  stroke() {
    this.items.push({ kind: 'path', name: 'overlay', subpaths: this.copyPath(), stroke: this.currentStroke(), clip: this.clipRect });
  }

  clip() {
    // The overlay and the markers clip to one rectangle (the map); intersect with any clip already set.
    const first = this.path[0];
    if (!first) return;
    const xs = first.points.map((p) => p[0]);
    const ys = first.points.map((p) => p[1]);
    const rect = { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
    this.clipRect = this.clipRect ? intersect(this.clipRect, rect) : rect;
  }

  private copyPath() {
    return this.path.filter((s) => s.points.length > 1).map((s) => ({ points: s.points.slice(), closed: s.closed }));
  }

  private currentStroke(): Stroke {
    return { colour: parseColour(this.strokeStyle, this.globalAlpha), width: this.lineWidth, cap: this.lineCap, join: this.lineJoin };
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
      stroke: { ...this.currentStroke(), cap: 'butt' },
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
