import 'server-only';
import fontkit from '@pdf-lib/fontkit';
import { fontFileName, POSTER_FONT_IDS, type PosterFontId } from '@/lib/map/fonts';
import { posterFontFile } from '@/lib/poster/fontFiles';
import { FONT_WEIGHTS, type FontWeight } from '@/lib/poster/presets';
import type { FontRef } from './scene';

/**
 * The poster fonts as outlines and metrics, read from the same @fontsource
 * files the preview and renderer load, so text is measured, placed and
 * embedded with the very glyphs Chromium draws.
 */
type Font = ReturnType<typeof fontkit.create>;

const cache = new Map<string, Promise<{ font: Font; bytes: Uint8Array }>>();

export function posterFont(ref: FontRef): Promise<{ font: Font; bytes: Uint8Array }> {
  const id = (POSTER_FONT_IDS as readonly string[]).includes(ref.id) ? (ref.id as PosterFontId) : 'inter';
  const weight = nearestWeight(ref.weight);
  const file = fontFileName(id, weight);
  let loaded = cache.get(file);
  if (!loaded) {
    loaded = posterFontFile(file).then((bytes) => ({ font: fontkit.create(Buffer.from(bytes)), bytes }));
    cache.set(file, loaded);
  }
  return loaded;
}

function nearestWeight(weight: number): FontWeight {
  return FONT_WEIGHTS.reduce((best, w) => (Math.abs(w - weight) < Math.abs(best - weight) ? w : best), FONT_WEIGHTS[0]);
}

export interface PlacedGlyph {
  id: number;
  /** SVG path data in font units (y up). */
  path: string;
  /** Pen position along the run, in scene px. */
  x: number;
  advance: number;
}

const runs = new WeakMap<Font, Map<string, ReturnType<Font['layout']>>>();

/** fontkit's shaping is the slow part of placing labels (the same name is measured many times): kept per font and text. */
function shaped(font: Font, text: string) {
  let byText = runs.get(font);
  if (!byText) runs.set(font, (byText = new Map()));
  let run = byText.get(text);
  if (!run) {
    if (byText.size > 20_000) byText.clear();
    run = font.layout(text);
    byText.set(text, run);
  }
  return run;
}

/** Glyphs of a run with kerning (as Canvas lays it out) plus letter spacing after each character. */
export function layoutRun(font: Font, text: string, size: number, spacing: number): { glyphs: PlacedGlyph[]; width: number } {
  const run = shaped(font, text);
  const scale = size / font.unitsPerEm;
  const glyphs: PlacedGlyph[] = [];
  let x = 0;
  run.glyphs.forEach((glyph, i) => {
    const advance = run.positions[i].xAdvance * scale + spacing;
    glyphs.push({ id: glyph.id, path: glyph.path.toSVG(), x: x + run.positions[i].xOffset * scale, advance });
    x += advance;
  });
  return { glyphs, width: x };
}

/** Ascent and descent (descent negative) in scene px, from the font's horizontal header as Chromium reads it. */
export function verticalMetrics(font: Font, size: number) {
  const scale = size / font.unitsPerEm;
  return { ascent: font.ascent * scale, descent: font.descent * scale };
}

