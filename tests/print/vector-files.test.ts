import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as mupdf from 'mupdf';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMapStyle } from '@/lib/map/buildStyle';
import { resolveTileSource } from '@/lib/map/tileSource';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { mapViewForOutput } from '@/lib/poster/geometry';
import { printLayout } from '@/lib/poster/paper';
import { srgbProfile } from '@/lib/rendering/colour';
import { encodeImage } from '@/lib/rendering/encode';
import { writeImagePdf } from '@/lib/rendering/pdf';
import { clipLine, clipRing, joinCutLines } from '@/lib/rendering/vector/geometry';
import { drawMapLayers, VectorUnsupportedError } from '@/lib/rendering/vector/mapLayers';
import { renderVectorPoster } from '@/lib/rendering/vector/renderVectorPoster';
import type { RenderedPoster } from '@/lib/rendering/renderPoster';
import type { PosterConfig } from '@/types/poster';
import { rasterizeSvg } from './fixture/compare';
import { overlayPoster } from './fixture/overlayPoster';
import { startTileServer } from './fixture/tileServer';

/**
 * Vector exports opened by independent readers installed with npm: resvg
 * draws the SVG, mupdf reads the PDF's boxes, fonts and pixels, pdf.js its
 * text and drawing operators. Tiles come from the app's real tile route on a
 * loopback port (no shared app server needed).
 */
let tiles: Awaited<ReturnType<typeof startTileServer>>;
let scratch: string;
const made: RenderedPoster[] = [];
const poster: PosterConfig = { ...DEFAULT_POSTER, layers: { ...DEFAULT_POSTER.layers, labels: true } };
const tileSource = resolveTileSource({});

beforeAll(async () => {
  tiles = await startTileServer();
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'carto-print-test-'));
});
afterAll(async () => {
  await Promise.all(made.map((m) => m.cleanup()));
  await tiles?.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

async function exportVector(format: 'svg' | 'vector-pdf', print: Parameters<typeof printLayout>[0]) {
  const result = await renderVectorPoster({ poster, format, layout: printLayout(print, poster.format), baseUrl: tiles.origin, tileSource });
  made.push(result);
  return result;
}

describe('an SVG export', { timeout: 60_000 }, () => {
  it('is the poster as paths and outlined text, sized in mm with its bleed, and resvg draws it', async () => {
    const svgFile = await exportVector('svg', { size: 'a4', bleed: true });
    const svg = await fs.readFile(svgFile.file, 'utf8');
    // A4 plus 3 mm bleed on every side; the view box is in 300 DPI pixels (2480 + 2 × 35).
    expect(svg).toMatch(/width="216mm" height="303mm" viewBox="-35.43 -35.43 2551.18 3578.74"/);
    expect(svg).not.toMatch(/<image/);
    expect(svg.match(/<path d=/g)!.length).toBeGreaterThan(10);
    // One path per layer and paint, made of many lines and rings: hundreds of subpaths.
    expect(svg.match(/M-?\d/g)!.length).toBeGreaterThan(300);
    expect(svg).toMatch(/<g id="road-major"/);
    expect(svg).toMatch(/stroke-linecap="round" stroke-linejoin="round"/);
    // Text as glyph outlines, each glyph defined once, with the words kept for search.
    expect(svg).toMatch(/<title>THREE RIVERS<\/title>/);
    expect(svg.match(/<path id="g\d+-\d+"/g)!.length).toBeGreaterThan(20);
    const drawn = rasterizeSvg(svg, 600);
    const stats = await sharp(drawn.data, { raw: { width: drawn.width, height: drawn.height, channels: 4 } }).stats();
    expect(stats.channels[0].stdev).toBeGreaterThan(10);
    expect(svgFile).toMatchObject({ contentType: 'image/svg+xml', ext: 'svg', width: 612, height: 859, failedTiles: 0 });
    expect(svgFile.bytes).toBeLessThan(3_000_000);
  });
});

describe('personal routes and markers', { timeout: 60_000 }, () => {
  it('are drawn in the vector file too: the route as a stroked path with its casing and dots, markers and their labels', async () => {
    const p = overlayPoster();
    const result = await renderVectorPoster({ poster: p, format: 'svg', layout: printLayout({ size: 'a4' }, p.format), baseUrl: tiles.origin, tileSource });
    made.push(result);
    const svg = await fs.readFile(result.file, 'utf8');
    expect(svg).toMatch(/<g id="overlay-route-0-line"[^>]*>\s*<path d="M[^"]+" fill="none" stroke="#d7263d"/);
    expect(svg).toMatch(/<g id="overlay-route-0-casing"/);
    // Waypoints and end dots are grouped under their own style layers, as the preview draws them.
    expect(svg).toMatch(/<g id="overlay-route-0-(points|ends)"/);
    expect(svg).toMatch(/<title>Home<\/title>/);
  });
});

describe('a vector PDF export', { timeout: 60_000 }, () => {
  let file: string;
  beforeAll(async () => {
    file = (await exportVector('vector-pdf', { size: 'a4', bleed: true, cropMarks: true })).file;
  }, 60_000);

  it('has A4 as its TrimBox, 3 mm more as its BleedBox and room for crop marks in its MediaBox (mupdf)', async () => {
    const doc = mupdf.Document.openDocument(await fs.readFile(file), 'application/pdf') as mupdf.PDFDocument;
    const page = doc.loadPage(0) as mupdf.PDFPage;
    const box = (name: string) => page.getObject().get(name).asJS() as number[];
    const mm = (pt: number) => (pt * 25.4) / 72;
    const [tx0, ty0, tx1, ty1] = box('TrimBox');
    expect([mm(tx1 - tx0), mm(ty1 - ty0)].map((v) => Math.round(v * 10) / 10)).toEqual([210, 297]);
    const [bx0, by0, bx1, by1] = box('BleedBox');
    expect(mm(tx0 - bx0)).toBeCloseTo(3, 3);
    expect(mm(bx1 - bx0)).toBeCloseTo(216, 3);
    expect(mm(by1 - by0)).toBeCloseTo(303, 3);
    const [mx0, my0, mx1] = box('MediaBox');
    expect([mx0, my0]).toEqual([0, 0]);
    expect(mx1 - bx1).toBeCloseTo(24, 3); // 6 pt gap + 18 pt mark
    // The sRGB output intent names its ICC profile.
    const intent = doc.getTrailer().get('Root').get('OutputIntents').get(0);
    expect(intent.get('S').asName()).toBe('GTS_PDFX');
    expect(intent.get('DestOutputProfile').readStream().getLength()).toBeGreaterThan(400);
    // Crop marks are drawn outside the bleed: dark pixels in the media margin, beside the trim line.
    const pixmap = page.toPixmap(mupdf.Matrix.scale(2, 2), mupdf.ColorSpace.DeviceRGB, false, true);
    const png = Buffer.from(pixmap.asPNG());
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => data[(Math.round(y) * info.width + Math.round(x)) * 3];
    const trimY = (box('MediaBox')[3] - ty1) * 2; // the top trim line, in pixels from the top
    const markX = (bx0 - 6 - 9) * 2; // the middle of the left mark
    const near = [-2, -1, 0, 1, 2].map((d) => at(markX, trimY + d));
    expect(Math.min(...near)).toBeLessThan(200);
    // … and nothing there away from the trim line.
    expect(at(markX, trimY + 40)).toBe(255);
  });

  it('embeds the poster’s fonts as subsets and its text can be selected (pdf.js); it is paths, not an image', async () => {
    const bytes = new Uint8Array(await fs.readFile(file));
    const doc = await pdfjs.getDocument({ data: bytes, disableFontFace: true, useSystemFonts: false }).promise;
    const page = await doc.getPage(1);
    const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('|');
    expect(text.replace(/[\s|]/g, '')).toContain('THREERIVERS');
    expect(text.replace(/[\s|]/g, '')).toContain('MICHIGAN,UNITEDSTATES');
    expect(text.replace(/[\s|]/g, '')).toContain('OpenStreetMap');
    const ops = await page.getOperatorList();
    const count = (op: number) => ops.fnArray.filter((f) => f === op).length;
    expect(count(pdfjs.OPS.constructPath)).toBeGreaterThan(20);
    expect(count(pdfjs.OPS.paintImageXObject)).toBe(0);
    expect(count(pdfjs.OPS.showText)).toBeGreaterThan(10);

    // pdf.js took the bytes over (transferred them); mupdf reads the file again.
    const mu = mupdf.Document.openDocument(await fs.readFile(file), 'application/pdf') as mupdf.PDFDocument;
    const fonts = mu.loadPage(0) as mupdf.PDFPage;
    const fontDict = fonts.getObject().get('Resources').get('Font');
    const embedded: { name: string; bytes: number }[] = [];
    fontDict.forEach((font: mupdf.PDFObject) => {
      const descendant = font.get('DescendantFonts').get(0);
      const program = descendant.get('FontDescriptor').get('FontFile2');
      embedded.push({ name: descendant.get('BaseFont').asName(), bytes: program.isNull() ? 0 : program.readStream().getLength() });
    });
    expect(embedded.map((f) => f.name).join(' ')).toMatch(/Montserrat/);
    for (const font of embedded) {
      expect(font.bytes, font.name).toBeGreaterThan(1000);
      // A subset: far smaller than the whole Latin font (~30 KB as WOFF2, ~70 KB as TrueType).
      expect(font.bytes, font.name).toBeLessThan(30_000);
    }
  });
});

describe('geometry across tile borders', () => {
  it('a road cut at a tile edge is joined back into one stroke (no doubled caps, no gap, dashes run on)', () => {
    const road: [number, number][] = [[10, 50], [90, 50], [150, 60], [250, 60]];
    // Two neighbouring tiles [0,100] and [100,200] on x, seen in one coordinate space.
    const left = clipLine(road, 0, 100);
    const right = clipLine(road.map(([x, y]) => [x - 100, y] as [number, number]), 0, 100).map((p) => ({ ...p, points: p.points.map(([x, y]) => [x + 100, y] as [number, number]) }));
    expect(left).toHaveLength(1);
    expect(right).toHaveLength(1);
    const joined = joinCutLines([...right, ...left]);
    expect(joined).toHaveLength(1);
    expect(joined[0][0]).toEqual([10, 50]);
    expect(joined[0].at(-1)![0]).toBeCloseTo(200, 6);
    // Two roads that merely meet at a junction stay two strokes.
    expect(joinCutLines([{ points: [[0, 0], [5, 5]], startCut: false, endCut: false }, { points: [[5, 5], [9, 0]], startCut: false, endCut: false }])).toHaveLength(2);
  });

  it('an area cut at a tile edge shares that edge exactly, so one nonzero fill leaves no seam', () => {
    const lake: [number, number][] = [[50, 20], [150, 20], [150, 80], [50, 80]];
    const left = clipRing(lake, 0, 100);
    const right = clipRing(lake.map(([x, y]) => [x - 100, y] as [number, number]), 0, 100).map(([x, y]) => [x + 100, y]);
    const onEdge = (ring: number[][]) => ring.filter(([x]) => x === 100).map(([, y]) => y).sort();
    expect(onEdge(left)).toEqual([20, 80]);
    expect(onEdge(right)).toEqual([20, 80]);
  });
});

describe('map layers a vector file cannot carry', () => {
  it('are refused with a message naming them, never dropped', async () => {
    const style = buildMapStyle(poster, { tileSource, baseUrl: tiles.origin });
    style.sources.dem = { type: 'raster-dem', tiles: ['http://127.0.0.1:9/{z}/{x}/{y}.png'] };
    style.layers.push({ id: 'terrain-shade', type: 'hillshade', source: 'dem' });
    const view = mapViewForOutput(poster, { width: 1000, height: 1500 });
    const refused = drawMapLayers(style, { view, area: view.rect, tolerance: 0.3 }, {}, async () => {
      throw new Error('no labels expected');
    });
    await expect(refused).rejects.toBeInstanceOf(VectorUnsupportedError);
    await expect(refused).rejects.toThrow(/terrain-shade \(hillshade\)/);
  });
});

describe('raster print files', () => {
  it('a PNG and a JPEG carry the sRGB profile and their DPI', async () => {
    for (const kind of ['png', 'jpeg'] as const) {
      const out = path.join(scratch, `poster.${kind}`);
      await encodeImage(sharp({ create: { width: 64, height: 96, channels: 3, background: '#336699' } }), out, { kind, dpi: 150, timeoutSeconds: 30 });
      const meta = await sharp(out).metadata();
      expect(meta.density).toBe(150);
      expect(meta.icc?.equals(await srgbProfile())).toBe(true);
    }
  });

  it('a raster PDF on paper has its trim, bleed and crop marks, and the image fills the bleed box', async () => {
    const png = path.join(scratch, 'bleed.png');
    // A5 at 150 DPI with 3 mm bleed: 874 × 1240 px plus 18 px a side.
    await encodeImage(sharp({ create: { width: 910, height: 1276, channels: 3, background: '#88aa44' } }), png, { kind: 'png', dpi: 150, timeoutSeconds: 30 });
    const pdf = path.join(scratch, 'bleed.pdf');
    const layout = printLayout({ size: 'a5', dpi: 150, bleed: true, cropMarks: true }, DEFAULT_POSTER.format);
    await writeImagePdf(png, pdf, { trimPt: layout.trimPt, bleedPt: layout.bleedPt, cropMarks: true, title: 'Bleed' });
    const doc = mupdf.Document.openDocument(await fs.readFile(pdf), 'application/pdf') as mupdf.PDFDocument;
    const page = doc.loadPage(0) as mupdf.PDFPage;
    const [bx0, by0, bx1, by1] = page.getObject().get('BleedBox').asJS() as number[];
    const [tx0, , tx1] = page.getObject().get('TrimBox').asJS() as number[];
    expect(((tx1 - tx0) * 25.4) / 72).toBeCloseTo(148, 3);
    expect(((bx1 - bx0) * 25.4) / 72).toBeCloseTo(154, 3);
    const pixmap = page.toPixmap(mupdf.Matrix.identity, mupdf.ColorSpace.DeviceRGB, false, true);
    const { data, info } = await sharp(Buffer.from(pixmap.asPNG())).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const height = info.height;
    const at = (x: number, y: number) => [...data.subarray((Math.round(height - y) * info.width + Math.round(x)) * 3, (Math.round(height - y) * info.width + Math.round(x)) * 3 + 3)];
    expect(at(bx0 + 2, by0 + 2)).toEqual([0x88, 0xaa, 0x44]); // inside the bleed: the image
    expect(at(bx0 - 3, (by0 + by1) / 2)).toEqual([255, 255, 255]); // outside it: paper
  });
});
