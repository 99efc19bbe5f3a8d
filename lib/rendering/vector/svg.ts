import 'server-only';
import { layoutRun, posterFont } from './fonts';
import { fontKey } from './overlayRecorder';
import { isGradient, type Colour, type LinearGradient, type PathItem, type Rect, type Scene, type Stroke, type TextItem } from './scene';

/**
 * A scene as SVG 1.1: paths for the map, text as glyph outlines (each glyph
 * defined once and reused), so any viewer, editor or plotter draws exactly
 * the poster's fonts without having them. The page is the trim plus bleed,
 * sized in mm; the view box is in the raster export's pixels.
 */
export async function sceneToSvg(scene: Scene): Promise<string> {
  const defs: string[] = [];
  const clipIds = new Map<string, string>();
  const glyphIds = new Set<string>();
  const fontIndex = new Map<string, number>();
  let gradients = 0;

  const clipId = (rect: Rect) => {
    const key = `${rect.x},${rect.y},${rect.width},${rect.height}`;
    let id = clipIds.get(key);
    if (!id) {
      id = `clip${clipIds.size}`;
      clipIds.set(key, id);
      defs.push(`<clipPath id="${id}"><rect x="${n(rect.x)}" y="${n(rect.y)}" width="${n(rect.width)}" height="${n(rect.height)}"/></clipPath>`);
    }
    return id;
  };
  const gradientId = (g: LinearGradient) => {
    const id = `fade${gradients++}`;
    const stops = g.stops.map((s) => `<stop offset="${n(s.offset)}" stop-color="${s.colour.hex}" stop-opacity="${n(s.colour.alpha)}"/>`).join('');
    defs.push(`<linearGradient id="${id}" gradientUnits="userSpaceOnUse" x1="${n(g.from[0])}" y1="${n(g.from[1])}" x2="${n(g.to[0])}" y2="${n(g.to[1])}">${stops}</linearGradient>`);
    return id;
  };

  const body: string[] = [];
  let openClip: string | undefined;
  let openGroup: string | undefined;
  const usedNames = new Map<string, number>();
  for (const item of scene.items) {
    const clip = item.clip ? clipId(item.clip) : undefined;
    if (clip !== openClip || item.name !== openGroup) {
      if (openGroup !== undefined) body.push('</g>');
      if (openClip !== undefined) body.push('</g>');
      if (clip) body.push(`<g clip-path="url(#${clip})">`);
      openClip = clip;
      const count = usedNames.get(item.name) ?? 0;
      usedNames.set(item.name, count + 1);
      // Layer groups by name, as Illustrator and Inkscape list them.
      body.push(`<g id="${escapeXml(slug(item.name))}${count ? `-${count}` : ''}">`);
      openGroup = item.name;
    }
    body.push(item.kind === 'path' ? pathElement(item, gradientId) : await textElement(item, defs, glyphIds, fontIndex));
  }
  if (openGroup !== undefined) body.push('</g>');
  if (openClip !== undefined) body.push('</g>');

  const b = scene.bleed;
  const mm = (px: number) => Number(((px / scene.dpi) * 25.4).toFixed(3));
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" ` +
    `width="${mm(scene.width + 2 * b)}mm" height="${mm(scene.height + 2 * b)}mm" viewBox="${n(-b)} ${n(-b)} ${n(scene.width + 2 * b)} ${n(scene.height + 2 * b)}">\n` +
    `<defs>${defs.join('')}</defs>\n${body.join('\n')}\n</svg>\n`
  );
}

function pathElement(item: PathItem, gradientId: (g: LinearGradient) => string): string {
  const d = item.subpaths.map((s) => `M${s.points.map((p) => `${n1(p[0])} ${n1(p[1])}`).join(' ')}${s.closed ? 'Z' : ''}`).join('');
  const attrs = item.fill ? fillAttrs(item.fill, gradientId) : 'fill="none"';
  return `<path d="${d}" ${attrs}${item.stroke ? ` ${strokeAttrs(item.stroke)}` : ''}/>`;
}

function fillAttrs(fill: Colour | LinearGradient, gradientId: (g: LinearGradient) => string): string {
  if (isGradient(fill)) return `fill="url(#${gradientId(fill)})"`;
  return `fill="${fill.hex}"${fill.alpha < 1 ? ` fill-opacity="${n(fill.alpha)}"` : ''}`;
}

function strokeAttrs(stroke: Stroke): string {
  return (
    `stroke="${stroke.colour.hex}"${stroke.colour.alpha < 1 ? ` stroke-opacity="${n(stroke.colour.alpha)}"` : ''} stroke-width="${n(stroke.width)}"` +
    ` stroke-linecap="${stroke.cap}" stroke-linejoin="${stroke.join}"${stroke.dash ? ` stroke-dasharray="${stroke.dash.map(n).join(' ')}"` : ''}`
  );
}

async function textElement(item: TextItem, defs: string[], glyphIds: Set<string>, fontIndex: Map<string, number>): Promise<string> {
  const { font } = await posterFont(item.font);
  const key = fontKey(item.font);
  if (!fontIndex.has(key)) fontIndex.set(key, fontIndex.size);
  const f = fontIndex.get(key)!;
  const k = item.size / font.unitsPerEm;
  const run = layoutRun(font, item.text, item.size, item.spacing);
  const uses: string[] = [];
  for (const glyph of run.glyphs) {
    if (!glyph.path) continue;
    const id = `g${f}-${glyph.id}`;
    if (!glyphIds.has(id)) {
      glyphIds.add(id);
      defs.push(`<path id="${id}" d="${glyph.path}"/>`);
    }
    uses.push(`<use xlink:href="#${id}" transform="translate(${n(glyph.x)} 0) scale(${n6(k)} ${n6(-k)})"/>`);
  }
  const place = `translate(${n(item.x)} ${n(item.y)})${item.angle ? ` rotate(${n((item.angle * 180) / Math.PI)})` : ''}`;
  // The text itself rides along for search and accessibility; the outlines are what is drawn.
  const label = `<title>${escapeXml(item.text)}</title>`;
  const halo = item.stroke
    ? `<g fill="none" stroke="${item.stroke.colour.hex}" stroke-opacity="${n(item.stroke.colour.alpha)}" stroke-width="${n6(item.stroke.width / k)}" stroke-linejoin="round">${uses.join('')}</g>`
    : '';
  const fill = item.fill ? `<g fill="${item.fill.hex}"${item.fill.alpha < 1 ? ` fill-opacity="${n(item.fill.alpha)}"` : ''}>${uses.join('')}</g>` : '';
  return `<g transform="${place}">${label}${halo}${fill}</g>`;
}

const n = (v: number) => Number(v.toFixed(2)).toString();
const n1 = (v: number) => Number(v.toFixed(1)).toString();
const n6 = (v: number) => Number(v.toFixed(6)).toString();
const slug = (name: string) => name.replace(/[^A-Za-z0-9_-]+/g, '-');

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
