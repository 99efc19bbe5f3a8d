import 'server-only';
import sharp, { type Sharp } from 'sharp';
import { InvalidOutputError } from './errors';
import type { ImageKind } from './encode';
import { THUMBNAIL } from './formats';

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
 * Writes the history thumbnail (WebP, 400 px long edge) of the poster in a
 * file, or read by a sharp pipeline (consumed), and refuses a poster that is a single flat colour.
 * The thumbnail is what gets measured: its statistics cost nothing next to
 * those of 175 MP.
 */
export async function writeThumbnail(poster: string | Sharp, thumbnailFile: string): Promise<{ width: number; height: number; bytes: number }> {
  const source = typeof poster === 'string' ? sharp(poster, { limitInputPixels: false, sequentialRead: true }) : poster;
  const info = await source
    .resize(THUMBNAIL.longEdge, THUMBNAIL.longEdge, { fit: 'inside' })
    .webp({ quality: 82 })
    .toFile(thumbnailFile);
  const stats = await sharp(thumbnailFile).stats();
  if (stats.channels.slice(0, 3).every((channel) => channel.stdev < BLANK_STDDEV)) {
    throw new InvalidOutputError('The rendered poster is blank (a single flat colour): the map did not draw.');
  }
  return { width: info.width, height: info.height, bytes: info.size };
}
