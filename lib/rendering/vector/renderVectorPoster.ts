import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { buildMapStyle } from '@/lib/map/buildStyle';
import { resolvePalette } from '@/lib/map/palettes';
import type { TileSource } from '@/lib/map/tileSource';
import { mapFontName, POSTER_FONTS, type PosterFontId } from '@/lib/map/fonts';
import { mapViewForOutput, posterGeometry } from '@/lib/poster/geometry';
import { drawPosterMarkers } from '@/lib/overlays/markers';
import { drawPosterOverlay } from '@/lib/poster/overlay';
import type { PrintLayout } from '@/lib/poster/paper';
import { FONT_WEIGHTS } from '@/lib/poster/presets';
import type { PosterConfig } from '@/types/poster';
import { RenderCancelledError } from '../errors';
import { OUTPUT_FORMATS, THUMBNAIL, type VectorFormat } from '../formats';
import { checkPdfFile, type PrintPage } from '../pdf';
import type { RenderedPoster, RenderPosterOptions } from '../renderPoster';
import { writeThumbnail } from '../validate';
import { posterFont } from './fonts';
import { drawMapLayers } from './mapLayers';
import { fontKey, OverlayRecorder } from './overlayRecorder';
import { sceneToPdf } from './pdf';
import type { Rect, Scene } from './scene';
import { sceneToSvg } from './svg';
import { contourTiles, geojsonTiles, vectorSourceTiles, type TileSet } from './tiles';

export interface RenderVectorRequest {
  poster: PosterConfig;
  format: VectorFormat;
  layout: PrintLayout;
  /** The app's origin: the style's tile URLs point at its tile route, as the preview's do. */
  baseUrl: string;
  /** The deployment's tile source, exactly as the editor and /renderer get it. */
  tileSource: TileSource;
}

/** Print resolution the vector geometry is simplified to: finer than any printer's dot. */
const SIMPLIFY_MM = 0.02;
/** A placeholder the contour source is built with; its tiles come from `contourTiles`, as the browser's protocol makes them. */
const CONTOURS_URL = 'contours://{z}/{x}/{y}';

/**
 * One vector export: the poster's scene (paper, the map from vector tiles by
 * the preview's style, the preview's overlay) written as SVG or as a vector
 * PDF, checked, with a thumbnail. No browser is involved.
 */
export async function renderVectorPoster(request: RenderVectorRequest, options: Pick<RenderPosterOptions, 'onProgress' | 'shouldStop' | 'signal' | 'tempDir'> = {}): Promise<RenderedPoster> {
  const started = Date.now();
  const checkpoint = async (stage: string, fraction: number) => {
    if (options.signal?.aborted || (await options.shouldStop?.())) throw new RenderCancelledError();
    await options.onProgress?.({ stage, fraction });
  };
  const dir = await fs.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'carto-vector-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  try {
    await checkpoint('loading map tiles', 0.05);
    const { scene, failedTiles, totalTiles } = await buildScene(request, () => checkpoint('drawing the map', 0.5));
    const renderMs = Date.now() - started;

    await checkpoint(request.format === 'svg' ? 'writing SVG' : 'writing PDF', 0.8);
    const { ext, contentType } = OUTPUT_FORMATS[request.format];
    const file = path.join(/*turbopackIgnore: true*/ dir, `poster.${ext}`);
    const svg = await sceneToSvg(scene);
    const page: PrintPage = { trimPt: request.layout.trimPt, bleedPt: request.layout.bleedPt, cropMarks: request.layout.cropMarks, title: request.poster.text.title };
    if (request.format === 'svg') await fs.writeFile(file, svg);
    else await fs.writeFile(file, await sceneToPdf(scene, page));

    await checkpoint('checking', 0.92);
    if (request.format === 'vector-pdf') await checkPdfFile(file, page);
    // The thumbnail is the SVG drawn by libvips (librsvg): a second, independent drawing of the same scene.
    const svgFile = path.join(/*turbopackIgnore: true*/ dir, 'thumbnail-source.png');
    const longEdgeInches = (Math.max(scene.width, scene.height) + 2 * scene.bleed) / scene.dpi;
    await sharp(Buffer.from(svg), { density: (2 * THUMBNAIL.longEdge) / longEdgeInches, limitInputPixels: false }).png().toFile(svgFile);
    const thumbnailFile = path.join(/*turbopackIgnore: true*/ dir, `thumbnail.${THUMBNAIL.ext}`);
    const thumbnail = await writeThumbnail(svgFile, thumbnailFile);
    await fs.rm(svgFile, { force: true });

    const { size } = await fs.stat(file);
    const width = Math.round(request.layout.trimPt.width + 2 * request.layout.bleedPt);
    const height = Math.round(request.layout.trimPt.height + 2 * request.layout.bleedPt);
    await options.onProgress?.({ stage: 'rendered', fraction: 1 });
    return {
      file,
      format: request.format,
      ext,
      contentType,
      bytes: size,
      width,
      height,
      dpi: 72,
      thumbnail: { file: thumbnailFile, ext: THUMBNAIL.ext, contentType: THUMBNAIL.contentType, ...thumbnail },
      tiles: 0,
      failedTiles,
      totalTiles,
      timings: { renderMs, encodeMs: Date.now() - started - renderMs, totalMs: Date.now() - started },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The poster as scene items in the raster export's pixels: paper, the map, then the overlay on top. */
export async function buildScene(request: RenderVectorRequest, onMapLoaded?: () => Promise<void>): Promise<{ scene: Scene; failedTiles: number; totalTiles: number }> {
  const { poster, layout, tileSource } = request;
  // Exact, not rounded to whole pixels as a raster file must be: a vector page is its paper size to the micrometre.
  const px = (pt: number) => (pt * layout.dpi) / 72;
  const trim = layout.kind === 'paper' ? { width: px(layout.trimPt.width), height: px(layout.trimPt.height) } : layout.trimPx;
  const bleed = px(layout.bleedPt);
  const view = mapViewForOutput(poster, trim);
  const geometry = posterGeometry(poster, trim);
  const whole: Rect = { x: -bleed, y: -bleed, width: trim.width + 2 * bleed, height: trim.height + 2 * bleed };
  // A poster drawn to the edge runs its map into the bleed; one with a margin runs its paper.
  const area = geometry.margin === 0 ? whole : geometry.map;

  const withContours = poster.layers.contours && tileSource.dem !== null;
  const style = buildMapStyle(poster, { tileSource, baseUrl: request.baseUrl, contoursTileUrl: withContours ? CONTOURS_URL : null });
  const sources: Record<string, TileSet> = {};
  for (const [id, source] of Object.entries(style.sources)) {
    if (id === 'contours' && tileSource.dem) sources[id] = await contourTiles(tileSource.dem);
    else if (source.type === 'vector') sources[id] = await vectorSourceTiles(source);
    else if (source.type === 'geojson') sources[id] = geojsonTiles(source.data);
  }
  const map = await drawMapLayers(style, { view, area, tolerance: (SIMPLIFY_MM / 25.4) * layout.dpi }, sources, labelFont);
  await onMapLoaded?.();

  const fonts = new Map<string, Awaited<ReturnType<typeof posterFont>>['font']>();
  for (const weight of FONT_WEIGHTS) {
    const ref = { id: poster.typography.font, weight };
    fonts.set(fontKey(ref), (await posterFont(ref)).font);
  }
  const recorder = new OverlayRecorder(fonts);
  // Markers, then title, border and credits, in the renderer's order and by its own drawing code.
  drawPosterMarkers(recorder.asContext(), poster, trim);
  drawPosterOverlay(recorder.asContext(), poster, trim, { attribution: tileSource.attribution });

  const paper = resolvePalette(poster).paper;
  const paperRect = { kind: 'path' as const, name: 'paper', subpaths: [{ points: corners(whole), closed: true }], fill: { hex: paper.toLowerCase(), alpha: 1 } };
  return { scene: { width: trim.width, height: trim.height, bleed, dpi: layout.dpi, items: [paperRect, ...map.items, ...recorder.items] }, failedTiles: map.failedTiles, totalTiles: map.totalTiles };
}

/** The style's `text-font` ("Inter 500") back to the poster font file the style's font-faces point at. */
async function labelFont(stack: string[], weightHint: number) {
  const name = stack[0] ?? '';
  const id = (Object.keys(POSTER_FONTS) as PosterFontId[]).find((f) => FONT_WEIGHTS.some((w) => mapFontName(f, w) === name)) ?? 'inter';
  const weight = FONT_WEIGHTS.find((w) => mapFontName(id, w) === name) ?? weightHint;
  const ref = { id, weight };
  return { ref, font: (await posterFont(ref)).font };
}

function corners(r: Rect): [number, number][] {
  return [[r.x, r.y], [r.x + r.width, r.y], [r.x + r.width, r.y + r.height], [r.x, r.y + r.height]];
}
