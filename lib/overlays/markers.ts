import { resolvePalette } from '@/lib/map/palettes';
import { canvasFontFamily } from '@/lib/map/fonts';
import { mapViewForOutput, type PixelSize } from '@/lib/poster/geometry';
import type { PosterCanvasContext } from '@/lib/poster/overlay';
import type { PosterConfig, PosterPlace } from '@/types/poster';
import type { Marker, MarkerIcon } from '@/types/overlays';
import { overlayColor } from './colors';
import { posterPoint } from './project';

/**
 * Markers drawn with Canvas 2D over the map, shared by the editor preview
 * and the export renderer like the poster's text (lib/poster/overlay.ts): in
 * full-poster coordinates, sizes as fractions of the poster width, labels in
 * the poster's font, so a marker sits on the same spot at every size and
 * across export tiles. Load the fonts first (`loadPosterFonts`).
 */

export interface PlacedMarker {
  marker: Marker;
  index: number;
  /** The point the marker marks (a pin's tip, the centre of the others), in poster pixels. */
  x: number;
  y: number;
  /** Icon height in poster pixels. */
  size: number;
}

/**
 * Where each marker lands. `place` overrides the config's view: the preview
 * passes the map's live view while the person pans, before the store hears of it.
 */
export function placeMarkers(config: Pick<PosterConfig, 'format' | 'place' | 'overlays'>, pixelSize: PixelSize, place?: PosterPlace): PlacedMarker[] {
  const view = mapViewForOutput({ format: config.format, place: place ?? config.place }, pixelSize);
  return (config.overlays?.markers ?? []).map((marker, index) => ({
    marker,
    index,
    ...posterPoint(view, marker.lng, marker.lat),
    size: marker.size * pixelSize.width,
  }));
}

export function drawPosterMarkers(ctx: PosterCanvasContext, config: PosterConfig, pixelSize: PixelSize, place?: PosterPlace): void {
  const placed = placeMarkers(config, pixelSize, place);
  if (!placed.length) return;
  const palette = resolvePalette(config);
  const { rect } = mapViewForOutput(config, pixelSize);
  const family = `"${canvasFontFamily(config.typography.font)}", sans-serif`;
  ctx.save();
  // Markers belong to the map: one near its edge is cut there, never drawn on the margin.
  ctx.beginPath();
  ctx.rect(rect.x, rect.y, rect.width, rect.height);
  ctx.clip();
  let number = 0;
  for (const p of placed) {
    const fill = overlayColor(p.marker.color, palette);
    drawIcon(ctx, p.marker.icon, p.x, p.y, p.size, fill, palette.paper, p.marker.icon === 'number' ? ++number : 0, family);
    if (p.marker.label.trim()) drawLabel(ctx, p, family, config.typography.weight, palette.ink, palette.paper);
  }
  ctx.restore();
}

/** The icon's box around its anchor, as fractions of its size: where the label goes and what a drag grabs. */
export function iconBox(icon: MarkerIcon): { left: number; top: number; right: number; bottom: number } {
  return icon === 'pin' ? { left: -0.38, top: -1, right: 0.38, bottom: 0 } : { left: -0.5, top: -0.5, right: 0.5, bottom: 0.5 };
}

function drawIcon(ctx: PosterCanvasContext, icon: MarkerIcon, x: number, y: number, s: number, fill: string, paper: string, n: number, family: string): void {
  ctx.save();
  ctx.fillStyle = fill;
  ctx.strokeStyle = paper;
  ctx.lineWidth = Math.max(1, s * 0.06);
  ctx.lineJoin = 'round';
  ctx.beginPath();
  switch (icon) {
    case 'pin': {
      // A teardrop whose tip is the marked point: a circle and the two tangents from the tip.
      const r = s * 0.36;
      const cy = y - s + r;
      const a = Math.acos(r / (y - cy));
      ctx.moveTo(x, y);
      ctx.arc(x, cy, r, Math.PI / 2 + a, Math.PI / 2 - a + 2 * Math.PI);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      ctx.beginPath();
      ctx.fillStyle = paper;
      ctx.arc(x, cy, r * 0.4, 0, 2 * Math.PI);
      ctx.fill();
      break;
    }
    case 'dot':
      ctx.arc(x, y, s * 0.3, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      break;
    case 'number':
      ctx.arc(x, y, s * 0.45, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = paper;
      ctx.font = `700 ${s * (n > 9 ? 0.42 : 0.52)}px ${family}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(String(n), x, y + s * 0.03);
      break;
    case 'star': {
      for (let i = 0; i < 10; i++) {
        const r = i % 2 === 0 ? s * 0.5 : s * 0.21;
        const angle = -Math.PI / 2 + (i * Math.PI) / 5;
        const px = x + r * Math.cos(angle);
        const py = y + s * 0.04 + r * Math.sin(angle);
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      }
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      break;
    }
    case 'heart': {
      const w = s * 0.5;
      const top = y - s * 0.28;
      ctx.moveTo(x, y + s * 0.42);
      ctx.bezierCurveTo(x - w * 1.1, y - s * 0.05, x - w * 0.9, top - s * 0.3, x, top);
      ctx.bezierCurveTo(x + w * 0.9, top - s * 0.3, x + w * 1.1, y - s * 0.05, x, y + s * 0.42);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      break;
    }
  }
  ctx.restore();
}

function drawLabel(ctx: PosterCanvasContext, p: PlacedMarker, family: string, weight: number, ink: string, paper: string): void {
  const box = iconBox(p.marker.icon);
  const size = p.size * 0.5;
  ctx.save();
  ctx.font = `${weight} ${size}px ${family}`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const x = p.x + box.right * p.size + size * 0.35;
  const y = p.y + ((box.top + box.bottom) / 2) * p.size;
  // A paper halo keeps the label readable over streets and routes.
  ctx.lineJoin = 'round';
  ctx.lineWidth = size * 0.3;
  ctx.strokeStyle = paper;
  ctx.strokeText(p.marker.label, x, y);
  ctx.fillStyle = ink;
  ctx.fillText(p.marker.label, x, y);
  ctx.restore();
}
