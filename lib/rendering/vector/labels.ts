import 'server-only';
import { joinCutLines, overlaps, type LinePiece } from './geometry';
import { layoutRun, verticalMetrics, type posterFont } from './fonts';
import type { Colour, FontRef, Point, Rect, SceneItem } from './scene';
import type { MapFrame } from './scene';

/**
 * Map labels placed the way MapLibre places them, simplified: the top
 * symbol layer first, each label kept only where it collides with none
 * already placed (with its padding), point labels centred on their point and
 * wrapped at `text-max-width`, line labels set glyph by glyph along the road
 * every `symbol-spacing`, kept upright and dropped where the road bends more
 * than `text-max-angle`. Placement differs from the browser in details
 * (which label wins a collision); the text, font, size and colours do not.
 */
interface LabelBase {
  layer: string;
  order: number;
  text: string;
  size: number;
  spacing: number;
  font: { ref: FontRef; font: Awaited<ReturnType<typeof posterFont>>['font'] };
  fill: Colour;
  halo?: { colour: Colour; width: number };
  maxWidth: number;
  padding: number;
  spacingAlong: number;
  maxAngle: number;
}

export type LabelCandidate = LabelBase & ({ kind: 'point'; anchor: Point } | { kind: 'line'; pieces: LinePiece[]; key: string });

const LINE_HEIGHT = 1.2;

export function placeLabels(candidates: LabelCandidate[], frame: MapFrame): SceneItem[] {
  const placed: Rect[] = [];
  const out: { order: number; items: SceneItem[] }[] = [];
  const fits = (boxes: Rect[], padding: number) => !boxes.some((box) => placed.some((p) => overlaps(box, p, padding)));
  for (const candidate of [...candidates].sort((a, b) => b.order - a.order)) {
    const result = candidate.kind === 'point' ? placePoint(candidate) : placeAlongLines(candidate, frame);
    for (const label of result) {
      if (!fits(label.boxes, candidate.padding)) continue;
      placed.push(...label.boxes);
      out.push({ order: candidate.order, items: label.items });
    }
  }
  return out.sort((a, b) => a.order - b.order).flatMap((o) => o.items.map((item) => ({ ...item, clip: frame.area })));
}

type Placement = { boxes: Rect[]; items: SceneItem[] };

function textItem(c: LabelBase, text: string, x: number, y: number, angle?: number): SceneItem {
  return {
    kind: 'text',
    name: c.layer,
    text,
    x,
    y,
    size: c.size,
    font: c.font.ref,
    spacing: c.spacing,
    fill: c.fill,
    ...(c.halo ? { stroke: { colour: c.halo.colour, width: c.halo.width * 2 } } : {}),
    ...(angle ? { angle } : {}),
  };
}

function placePoint(c: Extract<LabelCandidate, { kind: 'point' }>): Placement[] {
  const lines = wrap(c);
  const { ascent, descent } = verticalMetrics(c.font.font, c.size);
  const lineHeight = LINE_HEIGHT * c.size;
  const top = c.anchor[1] - (lines.length * lineHeight) / 2;
  const items: SceneItem[] = [];
  const boxes: Rect[] = [];
  lines.forEach((line, i) => {
    const middle = top + (i + 0.5) * lineHeight;
    // Letter spacing follows the last glyph too; MapLibre centres without it.
    const width = line.width - c.spacing;
    const x = c.anchor[0] - width / 2;
    items.push(textItem(c, line.text, x, middle + (ascent + descent) / 2));
    boxes.push({ x, y: middle - lineHeight / 2, width, height: lineHeight });
  });
  return [{ boxes, items }];
}

/** Balanced lines no wider than `maxWidth` where the words allow, as MapLibre breaks point labels. */
function wrap(c: LabelBase): { text: string; width: number }[] {
  const measure = (text: string) => layoutRun(c.font.font, text, c.size, c.spacing).width;
  const full = measure(c.text);
  const words = c.text.split(/\s+/);
  if (full <= c.maxWidth || words.length === 1) return [{ text: c.text, width: full }];
  const count = Math.min(words.length, Math.ceil(full / c.maxWidth));
  const target = full / count;
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const next = current ? `${current} ${word}` : word;
    if (current && measure(next) > target * 1.15 && lines.length < count - 1) {
      lines.push(current);
      current = word;
    } else current = next;
  }
  lines.push(current);
  return lines.map((text) => ({ text, width: measure(text) }));
}

function placeAlongLines(c: Extract<LabelCandidate, { kind: 'line' }>, frame: MapFrame): Placement[] {
  const run = layoutRun(c.font.font, c.text, c.size, c.spacing);
  const textWidth = run.width - c.spacing;
  const { ascent, descent } = verticalMetrics(c.font.font, c.size);
  const placements: Placement[] = [];
  for (const line of joinCutLines(c.pieces)) {
    const lengths = [0];
    for (let i = 1; i < line.length; i++) lengths.push(lengths[i - 1] + Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1]));
    const total = lengths[lengths.length - 1];
    if (total < textWidth + 2 * c.padding) continue;
    const anchors = total <= c.spacingAlong ? [total / 2] : range(c.spacingAlong / 2, total - textWidth / 2, c.spacingAlong).filter((d) => d >= textWidth / 2);
    for (const anchor of anchors) {
      const start = anchor - textWidth / 2;
      const at = (d: number) => pointAt(line, lengths, d);
      // Upright: read left to right whichever way the road was drawn.
      const [p0, p1] = [at(start).point, at(start + textWidth).point];
      const flip = p1[0] < p0[0];
      const placed = placeGlyphs(c, run.glyphs, at, start, textWidth, flip, (ascent + descent) / 2);
      if (!placed) continue;
      if (!placed.boxes.some((box) => overlaps(box, frame.area))) continue;
      placements.push(placed);
    }
  }
  return placements;
}

function placeGlyphs(
  c: LabelBase,
  glyphs: ReturnType<typeof layoutRun>['glyphs'],
  at: (d: number) => { point: Point; angle: number },
  start: number,
  width: number,
  flip: boolean,
  baselineShift: number,
): Placement | null {
  const chars = [...c.text];
  // One glyph per character for the scripts a poster label uses; otherwise lay the label out straight at its middle.
  const perChar = glyphs.length === chars.length;
  const items: SceneItem[] = [];
  const boxes: Rect[] = [];
  let previousAngle: number | undefined;
  const pieces = perChar ? glyphs.map((g, i) => ({ text: chars[i], x: g.x, advance: g.advance - c.spacing })) : [{ text: c.text, x: 0, advance: width }];
  for (const piece of pieces) {
    const centre = flip ? start + width - (piece.x + piece.advance / 2) : start + piece.x + piece.advance / 2;
    const { point, angle: raw } = at(centre);
    const angle = flip ? raw + Math.PI : raw;
    if (previousAngle !== undefined && Math.abs(normalise(angle - previousAngle)) > (c.maxAngle * Math.PI) / 180) return null;
    previousAngle = angle;
    const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
    // From the glyph's centre on the line to its left end on the baseline (the baseline sits below the line's centre).
    const x = point[0] - cos * (piece.advance / 2) - sin * baselineShift;
    const y = point[1] - sin * (piece.advance / 2) + cos * baselineShift;
    items.push(textItem(c, piece.text, x, y, angle));
    const half = Math.max(piece.advance, c.size) / 2;
    boxes.push({ x: point[0] - half, y: point[1] - half, width: 2 * half, height: 2 * half });
  }
  return { boxes, items };
}

function pointAt(line: Point[], lengths: number[], d: number): { point: Point; angle: number } {
  let i = 1;
  while (i < line.length - 1 && lengths[i] < d) i++;
  const [a, b] = [line[i - 1], line[i]];
  const span = lengths[i] - lengths[i - 1] || 1;
  const t = Math.min(1, Math.max(0, (d - lengths[i - 1]) / span));
  return { point: [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t], angle: Math.atan2(b[1] - a[1], b[0] - a[0]) };
}

const normalise = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}
