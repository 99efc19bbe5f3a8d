import 'server-only';
import fs from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { InvalidOutputError } from './errors';
import type { ImageKind } from './encode';
import { THUMBNAIL } from './formats';
import type { PdfPage } from './pdf';

/** Below this standard deviation (0–255) in every channel the poster is one flat colour: nothing was drawn. */
const BLANK_STDDEV = 1;

/** Checks the encoded poster before it is uploaded: format, exact pixel size and written DPI. */
export async function checkImageFile(file: string, expected: { kind: ImageKind; width: number; height: number; dpi: number }): Promise<void> {
  const meta = await sharp(file, { limitInputPixels: false }).metadata();
  const problems: string[] = [];
  if (meta.format !== expected.kind) problems.push(`format ${meta.format}, expected ${expected.kind}`);
  if (meta.width !== expected.width || meta.height !== expected.height) {
    problems.push(`size ${meta.width}×${meta.height}, expected ${expected.width}×${expected.height}`);
  }
  if (meta.density === undefined || Math.abs(meta.density - expected.dpi) > 0.5) problems.push(`density ${meta.density} dpi, expected ${expected.dpi}`);
  if (problems.length > 0) throw new InvalidOutputError(`The rendered poster is wrong: ${problems.join('; ')}.`);
}

/**
 * Writes the history thumbnail (WebP, 400 px long edge) of the poster read
 * by `poster` (consumed) and refuses a poster that is a single flat colour.
 * The thumbnail is what gets measured: its statistics cost nothing next to
 * those of 175 MP.
 */
export async function writeThumbnail(poster: Sharp, thumbnailFile: string): Promise<{ width: number; height: number; bytes: number }> {
  const info = await poster
    .resize(THUMBNAIL.longEdge, THUMBNAIL.longEdge, { fit: 'inside' })
    .webp({ quality: 82 })
    .toFile(thumbnailFile);
  const stats = await sharp(thumbnailFile).stats();
  if (stats.channels.slice(0, 3).every((channel) => channel.stdev < BLANK_STDDEV)) {
    throw new InvalidOutputError('The rendered poster is blank (a single flat colour): the map did not draw.');
  }
  return { width: info.width, height: info.height, bytes: info.size };
}

/** The PDF is ours, so this is a check that it was written whole with the asked page size. */
export async function checkPdfFile(file: string, page: PdfPage): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 1024));
    const tail = Buffer.alloc(Math.min(size, 32));
    await handle.read(head, 0, head.length, 0);
    await handle.read(tail, 0, tail.length, size - tail.length);
    const mediaBox = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(head.toString('latin1'));
    const whole = head.toString('latin1').startsWith('%PDF-') && tail.toString('latin1').trimEnd().endsWith('%%EOF');
    if (!whole || !mediaBox) throw new InvalidOutputError('The PDF was not written completely.');
    if (Math.abs(Number(mediaBox[1]) - page.widthPt) > 0.01 || Math.abs(Number(mediaBox[2]) - page.heightPt) > 0.01) {
      throw new InvalidOutputError(`The PDF page is ${mediaBox[1]}×${mediaBox[2]} pt, expected ${page.widthPt}×${page.heightPt} pt.`);
    }
  } finally {
    await handle.close();
  }
}
