import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { closeSql } from '@/lib/db/client';
import { requestExport, getExport } from '@/lib/exports/queue';
import { browserPool } from '@/lib/worker/browserPool';
import { tick } from '@/lib/worker/tick';
import { resolvePalette } from '@/lib/map/palettes';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { posterPixelSize } from '@/lib/poster/geometry';
import { localStorageRoot } from '@/lib/storage';
import type { JwtClaims } from '@/types/auth';
import { createUser } from '../queue/helpers';

let user: JwtClaims;

beforeAll(async () => {
  user = await createUser();
  // First request compiles the renderer page in the test app's next dev.
  await fetch(`${inject('appUrl')}/renderer`, { signal: AbortSignal.timeout(120_000) });
}, 150_000);

afterAll(async () => {
  await browserPool().close();
  await closeSql();
});

async function exportOnce(format: 'png' | 'jpeg' | 'pdf', size: 'social' | 'small' = 'social') {
  const { job } = await requestExport(user, { poster: DEFAULT_POSTER, format, size });
  const report = await tick({ budgetMs: 600_000, maxJobs: 1 });
  expect(report.processed).toEqual([expect.objectContaining({ id: job.id, outcome: 'succeeded' })]);
  const done = await getExport(user, job.id);
  const file = path.join(localStorageRoot(), done.resultPath!);
  expect(existsSync(file)).toBe(true);
  return { done, file };
}

function hex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color)!;
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** Share of pixels within `tolerance` of a colour. */
async function shareOf(file: string, color: string, tolerance = 12): Promise<number> {
  const { data, info } = await sharp(file).resize(400).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const [r, g, b] = hex(color);
  let hits = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (Math.abs(data[i] - r) <= tolerance && Math.abs(data[i + 1] - g) <= tolerance && Math.abs(data[i + 2] - b) <= tolerance) hits++;
  }
  return hits / (data.length / info.channels);
}

describe('an export, from queue to stored file', { timeout: 240_000 }, () => {
  it('a PNG has exactly the preset size and DPI, is not blank, and shows the palette', async () => {
    const { done, file } = await exportOnce('png');
    const expected = posterPixelSize(DEFAULT_POSTER.format, 'social');
    const meta = await sharp(file).metadata();
    expect({ w: meta.width, h: meta.height, format: meta.format, density: meta.density }).toEqual({ w: expected.width, h: expected.height, format: 'png', density: 72 });
    expect(done).toMatchObject({ status: 'succeeded', resultWidth: expected.width, resultHeight: expected.height, resultContentType: 'image/png', progress: 100 });
    expect(done.expiresAt!.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const palette = resolvePalette(DEFAULT_POSTER);
    expect(await shareOf(file, palette.paper)).toBeGreaterThan(0.05);
    expect(await shareOf(file, palette.land)).toBeGreaterThan(0.05);
    const stats = await sharp(file).stats();
    expect(stats.channels[0].stdev).toBeGreaterThan(5);
    expect(existsSync(path.join(localStorageRoot(), done.thumbnailPath!))).toBe(true);
  });

  it('a JPEG has the preset size and DPI', async () => {
    const { file } = await exportOnce('jpeg');
    const meta = await sharp(file).metadata();
    const expected = posterPixelSize(DEFAULT_POSTER.format, 'social');
    expect({ w: meta.width, h: meta.height, format: meta.format, density: meta.density }).toEqual({ w: expected.width, h: expected.height, format: 'jpeg', density: 72 });
  });

  it('a PDF page is the physical print size in points', async () => {
    const { done, file } = await exportOnce('pdf', 'small');
    const text = (await import('node:fs')).readFileSync(file).toString('latin1');
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
    const px = posterPixelSize(DEFAULT_POSTER.format, 'small');
    // 300 DPI: 2400 × 3600 px is 8 × 12 in, 576 × 864 pt.
    expect(box && [Number(box[1]), Number(box[2])]).toEqual([(px.width / 300) * 72, (px.height / 300) * 72]);
    expect(done.resultContentType).toBe('application/pdf');
  });
});
