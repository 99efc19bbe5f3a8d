import type { PosterConfig } from '@/types/poster';
import { resolvePalette } from '@/lib/map/palettes';
import { attributionText, NATURAL_EARTH_ATTRIBUTION } from '@/lib/map/attribution';
import { canvasFontFamily } from '@/lib/map/fonts';
import { posterGeometry, type PixelSize, type Rect } from './geometry';

/**
 * Drawing of everything on a poster that is not the map, shared by the
 * editor preview and the export renderer. Both functions draw in
 * full-poster coordinates and never read the canvas size, so the exporter can
 * draw one piece of a huge poster by `ctx.translate(-x, -y)` on a small
 * canvas. Load the fonts first (`loadPosterFonts`): Canvas does not wait.
 */
export type PosterCanvasContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

export interface OverlayOptions {
  /** Credit line; defaults to the offline basemap's. */
  attribution?: string;
}

/** Paper under the whole poster; the map is drawn on top of it, inside the map rectangle. */
export function drawPosterUnderlay(ctx: PosterCanvasContext, config: PosterConfig, pixelSize: PixelSize): void {
  const colors = resolvePalette(config);
  ctx.save();
  ctx.fillStyle = colors.paper;
  ctx.fillRect(0, 0, pixelSize.width, pixelSize.height);
  ctx.restore();
}

interface TextLine {
  text: string;
  size: number;
  weight: number;
  spacing: number;
  opacity: number;
}

/** Title, subtitle, coordinates, their backdrop, the border and the attribution, over the map. */
export function drawPosterOverlay(ctx: PosterCanvasContext, config: PosterConfig, pixelSize: PixelSize, options: OverlayOptions = {}): void {
  const colors = resolvePalette(config);
  const geometry = posterGeometry(config, pixelSize);
  const { unit, map } = geometry;
  const t = config.typography;
  const family = `"${canvasFontFamily(t.font)}", sans-serif`;

  ctx.save();
  // Text outside the map rectangle (in the margin) stays; nothing inside bleeds onto the paper.
  const lines = textLines(config, unit);
  const fitted = lines.map((line) => fitLine(ctx, line, family, map.width * 0.9));
  const block = textBlockRect(fitted, map, unit, t.position);
  if (fitted.length > 0) drawBackdrop(ctx, t.backdrop, t.position, block, map, unit, colors.paper);

  ctx.fillStyle = colors.ink;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  let y = block.y;
  const cx = map.x + map.width / 2;
  fitted.forEach((line, i) => {
    y += line.size * (i === 0 ? 0.95 : 1.1);
    ctx.font = `${line.weight} ${line.size}px ${family}`;
    ctx.letterSpacing = `${line.spacing}px`;
    ctx.globalAlpha = line.opacity;
    // Letter spacing adds space after the last glyph too; shift by half of it to stay centred.
    ctx.fillText(line.text, cx + line.spacing / 2, y);
    if (i === 0 && fitted.length > 1) {
      // A short rule under the title, the classic city-poster divider.
      const ruleY = y + line.size * 0.32;
      ctx.globalAlpha = 0.8;
      ctx.fillRect(cx - unit * 0.04, ruleY, unit * 0.08, Math.max(1, unit * 0.0015));
      y = ruleY + line.size * 0.1;
    }
  });
  ctx.globalAlpha = 1;
  ctx.letterSpacing = '0px';

  drawBorder(ctx, config.format.border, map, unit, colors.ink);
  drawAttribution(ctx, options.attribution ?? attributionText(NATURAL_EARTH_ATTRIBUTION), geometry, pixelSize, family, colors);
  ctx.restore();
}

function textLines(config: PosterConfig, unit: number): TextLine[] {
  const t = config.typography;
  const caps = (s: string) => (t.uppercase ? s.toUpperCase() : s);
  const lines: TextLine[] = [];
  const title = config.text.title.trim();
  const subtitle = config.text.subtitle.trim();
  const coordinates = config.text.coordinates.trim();
  if (title) lines.push({ text: caps(title), size: t.titleSize * unit, weight: t.weight, spacing: t.letterSpacing * t.titleSize * unit, opacity: 1 });
  if (subtitle) lines.push({ text: caps(subtitle), size: t.subtitleSize * unit, weight: 400, spacing: Math.max(t.letterSpacing, 0.08) * t.subtitleSize * unit, opacity: 0.85 });
  if (coordinates) lines.push({ text: coordinates, size: t.subtitleSize * 0.8 * unit, weight: 400, spacing: 0.12 * t.subtitleSize * 0.8 * unit, opacity: 0.7 });
  return lines;
}

/** Shrinks a line that would run wider than the map. */
function fitLine(ctx: PosterCanvasContext, line: TextLine, family: string, maxWidth: number): TextLine {
  ctx.font = `${line.weight} ${line.size}px ${family}`;
  ctx.letterSpacing = `${line.spacing}px`;
  const width = ctx.measureText(line.text).width;
  if (width <= maxWidth) return line;
  const k = maxWidth / width;
  return { ...line, size: line.size * k, spacing: line.spacing * k };
}

function textBlockRect(lines: TextLine[], map: Rect, unit: number, position: PosterConfig['typography']['position']): Rect {
  const height = lines.reduce((h, l, i) => h + l.size * (i === 0 ? 0.95 : 1.1) + (i === 0 && lines.length > 1 ? l.size * 0.42 : 0), 0) + (lines.at(-1)?.size ?? 0) * 0.3;
  const pad = unit * 0.06;
  const y = position === 'top' ? map.y + pad : position === 'bottom' ? map.y + map.height - pad - height : map.y + (map.height - height) / 2;
  return { x: map.x, y, width: map.width, height };
}

function drawBackdrop(ctx: PosterCanvasContext, backdrop: PosterConfig['typography']['backdrop'], position: PosterConfig['typography']['position'], block: Rect, map: Rect, unit: number, paper: string): void {
  const pad = unit * 0.06;
  ctx.save();
  ctx.beginPath();
  ctx.rect(map.x, map.y, map.width, map.height);
  ctx.clip();
  ctx.fillStyle = paper;
  if (backdrop === 'band') {
    const top = position === 'top' ? map.y : block.y - pad * 0.8;
    const bottom = position === 'bottom' ? map.y + map.height : block.y + block.height + pad * 0.8;
    ctx.fillRect(map.x, top, map.width, bottom - top);
  } else if (backdrop === 'fade') {
    // Opaque paper behind the text, fading into the map away from the poster edge.
    const solidTop = position === 'bottom' ? block.y - pad * 0.5 : map.y;
    const solidBottom = position === 'top' ? block.y + block.height + pad * 0.5 : map.y + map.height;
    const reach = block.height + pad * 2;
    if (position === 'center') {
      const g = ctx.createLinearGradient(0, block.y - reach, 0, block.y + block.height + reach);
      g.addColorStop(0, transparent(paper));
      g.addColorStop(0.35, paper);
      g.addColorStop(0.65, paper);
      g.addColorStop(1, transparent(paper));
      ctx.fillStyle = g;
      ctx.fillRect(map.x, block.y - reach, map.width, block.height + 2 * reach);
    } else {
      const from = position === 'bottom' ? solidTop : solidBottom;
      const to = position === 'bottom' ? solidTop - reach : solidBottom + reach;
      const g = ctx.createLinearGradient(0, from, 0, to);
      g.addColorStop(0, paper);
      g.addColorStop(1, transparent(paper));
      ctx.fillStyle = g;
      ctx.fillRect(map.x, Math.min(from, to), map.width, Math.abs(to - from));
      ctx.fillStyle = paper;
      ctx.fillRect(map.x, solidTop, map.width, solidBottom - solidTop);
    }
  } else if (backdrop === 'box') {
    const widest = block.width * 0.7;
    ctx.globalAlpha = 0.92;
    ctx.fillRect(map.x + (map.width - widest) / 2, block.y - pad * 0.5, widest, block.height + pad);
  }
  ctx.restore();
}

function transparent(hex: string): string {
  return `${hex}00`;
}

function drawBorder(ctx: PosterCanvasContext, border: PosterConfig['format']['border'], map: Rect, unit: number, ink: string): void {
  if (border === 'none') return;
  ctx.save();
  ctx.strokeStyle = ink;
  const frame = (inset: number, width: number) => {
    ctx.lineWidth = width;
    // Stroke inside the map rectangle so a zero margin never cuts the line in half.
    const d = inset + width / 2;
    ctx.strokeRect(map.x + d, map.y + d, map.width - 2 * d, map.height - 2 * d);
  };
  const thin = Math.max(1, unit * 0.002);
  if (border === 'thin') frame(0, thin);
  if (border === 'thick') frame(0, unit * 0.008);
  if (border === 'double') {
    frame(0, thin * 2);
    frame(unit * 0.008, thin);
  }
  if (border === 'inset') frame(unit * 0.025, thin);
  ctx.restore();
}

function drawAttribution(ctx: PosterCanvasContext, text: string, geometry: ReturnType<typeof posterGeometry>, pixelSize: PixelSize, family: string, colors: { paper: string; ink: string }): void {
  const { unit, map, margin } = geometry;
  const size = unit * 0.0085;
  ctx.save();
  ctx.font = `400 ${size}px ${family}`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = colors.ink;
  if (margin >= size * 2) {
    // Room in the bottom margin: credit sits on the paper, clear of the map.
    ctx.globalAlpha = 0.65;
    ctx.fillText(text, map.x + map.width, map.y + map.height + Math.min(margin / 2, size * 1.6));
  } else {
    const pad = unit * 0.012;
    ctx.lineWidth = size * 0.3;
    ctx.strokeStyle = colors.paper;
    ctx.globalAlpha = 0.85;
    ctx.strokeText(text, pixelSize.width - pad, pixelSize.height - pad);
    ctx.fillText(text, pixelSize.width - pad, pixelSize.height - pad);
  }
  ctx.restore();
}
