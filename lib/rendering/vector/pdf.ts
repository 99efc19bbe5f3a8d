import 'server-only';
import fontkit from '@pdf-lib/fontkit';
import type { PDFFont } from 'pdf-lib';
import subsetFont from 'subset-font';
import { appendContent, createPrintPdf, type PrintPage } from '../pdf';
import { posterFont } from './fonts';
import { fontKey } from './overlayRecorder';
import { isGradient, type Colour, type LinearGradient, type PathItem, type Scene, type TextItem } from './scene';

/**
 * A scene as a vector print PDF: paths as PDF paths, text as real text in the
 * poster's fonts, embedded as subsets (selectable and searchable), on the
 * print page of lib/rendering/pdf.ts (trim, bleed and media boxes, crop
 * marks, sRGB output intent).
 */
export async function sceneToPdf(scene: Scene, page: PrintPage): Promise<Uint8Array> {
  const { doc, page: pdfPage, boxes } = await createPrintPdf(page);
  doc.registerFontkit(fontkit);
  const fonts = new Map<string, { font: PDFFont; name: string }>();
  const states = new Map<string, string>();
  const s = 72 / scene.dpi;
  // Scene px (y down, origin at the trim's top-left) → PDF points (y up).
  const ops: string[] = [`q ${n(s)} 0 0 ${n(-s)} ${n(boxes.trim.x)} ${n(boxes.trim.y + boxes.trim.height)} cm`];

  const alphaState = (fill: number, stroke: number) => {
    const key = `${n(fill)}/${n(stroke)}`;
    let name = states.get(key);
    if (!name) {
      const dict = doc.context.obj({ Type: 'ExtGState', ca: fill, CA: stroke });
      name = pdfPage.node.newExtGState('GS', doc.context.register(dict)).asString();
      states.set(key, name);
    }
    return `${name} gs`;
  };
  // Each font is cut down to the characters this poster uses (HarfBuzz, via subset-font) and embedded whole as
  // TrueType: pdf-lib's own subsetter fails on the WOFF2 files the fonts ship as.
  const used = new Map<string, { ref: TextItem['font']; chars: Set<string> }>();
  for (const item of scene.items) {
    if (item.kind !== 'text') continue;
    const entry = used.get(fontKey(item.font)) ?? { ref: item.font, chars: new Set<string>() };
    for (const c of item.text) entry.chars.add(c);
    used.set(fontKey(item.font), entry);
  }
  for (const [key, { ref, chars }] of used) {
    const { bytes } = await posterFont(ref);
    const truetype = await subsetFont(Buffer.from(bytes), [...chars].join(''), { targetFormat: 'truetype' });
    const font = await doc.embedFont(truetype, { subset: false });
    fonts.set(key, { font, name: pdfPage.node.newFontDictionary(font.name, font.ref).asString() });
  }
  const fontFor = (item: TextItem) => fonts.get(fontKey(item.font))!;

  let clip: string | undefined;
  for (const item of scene.items) {
    const itemClip = item.clip ? `${n(item.clip.x)} ${n(item.clip.y)} ${n(item.clip.width)} ${n(item.clip.height)} re W n` : undefined;
    if (itemClip !== clip) {
      if (clip) ops.push('Q');
      if (itemClip) ops.push(`q ${itemClip}`);
      clip = itemClip;
    }
    if (item.kind === 'path') ops.push(pathOps(item, alphaState));
    else ops.push(textOps(item, fontFor(item), alphaState));
  }
  if (clip) ops.push('Q');
  ops.push('Q');
  appendContent(pdfPage, ops.join('\n'));
  return doc.save({ useObjectStreams: true });
}

function rgb(c: Colour): string {
  const v = [1, 3, 5].map((i) => n(parseInt(c.hex.slice(i, i + 2), 16) / 255));
  return v.join(' ');
}

function pathOps(item: PathItem, alphaState: (fill: number, stroke: number) => string): string {
  const geometry = item.subpaths
    .map((s) => s.points.map((p, i) => `${n1(p[0])} ${n1(p[1])} ${i === 0 ? 'm' : 'l'}`).join(' ') + (s.closed ? ' h' : ''))
    .join('\n');
  if (item.fill && isGradient(item.fill)) return gradientOps(item, item.fill, alphaState);
  const out = ['q'];
  if (item.fill) out.push(`${rgb(item.fill)} rg`, alphaState(item.fill.alpha, item.stroke?.colour.alpha ?? 1));
  if (item.stroke) {
    const st = item.stroke;
    out.push(`${rgb(st.colour)} RG`, `${n(st.width)} w`, `${CAP[st.cap]} J`, `${JOIN[st.join]} j`, st.dash ? `[${st.dash.map(n).join(' ')}] 0 d` : '[] 0 d');
    if (!item.fill) out.push(alphaState(1, st.colour.alpha));
  }
  out.push(geometry, item.fill && item.stroke ? 'B' : item.fill ? 'f' : 'S', 'Q');
  return out.join('\n');
}

const CAP = { butt: 0, round: 1, square: 2 } as const;
const JOIN = { miter: 0, round: 1, bevel: 2 } as const;

/**
 * The fading backdrop: a PDF axial shading cannot fade to transparent without
 * a soft mask, so the fade is drawn as thin bands of paper with falling
 * opacity (finer than a printer's dot at any poster size).
 */
function gradientOps(item: PathItem, g: LinearGradient, alphaState: (fill: number, stroke: number) => string): string {
  const ring = item.subpaths[0].points;
  const xs = ring.map((p) => p[0]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [from, to] = [g.from[1], g.to[1]];
  const bands = 64;
  const out: string[] = [];
  for (let i = 0; i < bands; i++) {
    const t = (i + 0.5) / bands;
    const colour = colourAt(g, t);
    const y0 = from + ((to - from) * i) / bands;
    const y1 = from + ((to - from) * (i + 1)) / bands;
    out.push(`q ${rgb(colour)} rg ${alphaState(colour.alpha, 1)} ${n1(x0)} ${n1(Math.min(y0, y1))} ${n1(x1 - x0)} ${n1(Math.abs(y1 - y0) + 0.05)} re f Q`);
  }
  return out.join('\n');
}

function colourAt(g: LinearGradient, t: number): Colour {
  const stops = g.stops;
  let i = 1;
  while (i < stops.length - 1 && stops[i].offset < t) i++;
  const [a, b] = [stops[i - 1], stops[i]];
  const u = b.offset === a.offset ? 0 : Math.min(1, Math.max(0, (t - a.offset) / (b.offset - a.offset)));
  return { hex: a.colour.hex, alpha: a.colour.alpha + (b.colour.alpha - a.colour.alpha) * u };
}

function textOps(item: TextItem, font: { font: PDFFont; name: string }, alphaState: (fill: number, stroke: number) => string): string {
  const angle = item.angle ?? 0;
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  // The page's y axis points down here, so the text matrix turns glyphs back upright.
  const tm = `${n6(cos)} ${n6(sin)} ${n6(sin)} ${n6(-cos)} ${n(item.x)} ${n(item.y)} Tm`;
  const text = font.font.encodeText(item.text).toString();
  const show = `BT ${font.name} ${n(item.size)} Tf ${n(item.spacing)} Tc ${tm} ${text} Tj ET`;
  const out = ['q'];
  if (item.stroke) {
    out.push(`${rgb(item.stroke.colour)} RG ${n(item.stroke.width)} w 1 j 1 Tr`, alphaState(1, item.stroke.colour.alpha), show);
  }
  if (item.fill) out.push(`${rgb(item.fill)} rg 0 Tr`, alphaState(item.fill.alpha, 1), show);
  out.push('Q');
  return out.join('\n');
}

const n = (v: number) => Number(v.toFixed(3)).toString();
const n1 = (v: number) => Number(v.toFixed(1)).toString();
const n6 = (v: number) => Number(v.toFixed(6)).toString();
