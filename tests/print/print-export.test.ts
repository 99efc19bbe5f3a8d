import fs from 'node:fs/promises';
import path from 'node:path';
import * as mupdf from 'mupdf';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { closeSql } from '@/lib/db/client';
import { getExport, requestExport } from '@/lib/exports/queue';
import { resolvePalette } from '@/lib/map/palettes';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { srgbProfile } from '@/lib/rendering/colour';
import { localStorageRoot } from '@/lib/storage';
import { browserPool } from '@/lib/worker/browserPool';
import { tick } from '@/lib/worker/tick';
import type { ExportRequest } from '@/types/exports';
import type { JwtClaims } from '@/types/auth';
import { createUser } from '../queue/helpers';

/** Print exports end to end: queue → worker → stored file, raster with bleed and vector, as a person downloads them. */
let user: JwtClaims;

beforeAll(async () => {
  user = await createUser();
  await fetch(`${inject('appUrl')}/renderer`, { signal: AbortSignal.timeout(120_000) });
}, 150_000);
afterAll(async () => {
  await browserPool().close();
  await closeSql();
});

async function exportOnce(request: Omit<ExportRequest, 'poster'> & { poster?: ExportRequest['poster'] }) {
  const { job } = await requestExport(user, { poster: DEFAULT_POSTER, ...request } as ExportRequest);
  const report = await tick({ budgetMs: 600_000, maxJobs: 1 });
  expect(report.processed).toEqual([expect.objectContaining({ id: job.id, outcome: 'succeeded' })]);
  const done = await getExport(user, job.id);
  return { done, file: path.join(localStorageRoot(), done.resultPath!) };
}

describe('a print export, from queue to stored file', { timeout: 240_000 }, () => {
  it('an A5 PNG at 150 DPI with bleed grows by the bleed in pixels; a poster drawn to the edge runs its map into it; sRGB embedded', async () => {
    const edgeToEdge = { ...DEFAULT_POSTER, format: { ...DEFAULT_POSTER.format, margin: 0 } };
    const { done, file } = await exportOnce({ poster: edgeToEdge, format: 'png', size: 'a5', dpi: 150, bleed: true });
    // 148 × 210 mm at 150 DPI = 874 × 1240 px, plus 3 mm (18 px) on every side.
    const meta = await sharp(file).metadata();
    expect({ w: meta.width, h: meta.height, density: meta.density }).toEqual({ w: 910, h: 1276, density: 150 });
    expect(meta.icc?.equals(await srgbProfile())).toBe(true);
    expect(done).toMatchObject({ resultWidth: 910, resultHeight: 1276 });
    // The bleed band is map (it varies), not one flat paper colour.
    const band = await sharp(file).extract({ left: 0, top: 200, width: 18, height: 800 }).stats();
    expect(band.channels.some((c) => c.stdev > 3)).toBe(true);
  });

  it('a raster PDF on paper with bleed and crop marks has its boxes; a poster with a margin fills the bleed with paper', async () => {
    const { file } = await exportOnce({ format: 'pdf', size: 'a5', dpi: 150, bleed: true, cropMarks: true });
    const doc = mupdf.Document.openDocument(await fs.readFile(file), 'application/pdf') as mupdf.PDFDocument;
    const page = doc.loadPage(0) as mupdf.PDFPage;
    const [tx0, ty0, tx1, ty1] = page.getObject().get('TrimBox').asJS() as number[];
    const [bx0, , bx1] = page.getObject().get('BleedBox').asJS() as number[];
    expect([((tx1 - tx0) * 25.4) / 72, ((ty1 - ty0) * 25.4) / 72].map((v) => Math.round(v))).toEqual([148, 210]);
    // The image is whole pixels: 18 px at 150 DPI is 3.05 mm a side.
    expect(((bx1 - bx0) * 25.4) / 72).toBeCloseTo(148 + 2 * ((18 / 150) * 25.4), 1);
    const pixmap = page.toPixmap(mupdf.Matrix.identity, mupdf.ColorSpace.DeviceRGB, false, true);
    const { data, info } = await sharp(Buffer.from(pixmap.asPNG())).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const paper = resolvePalette(DEFAULT_POSTER).paper;
    const at = (x: number, y: number) => `#${[...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    expect(at(Math.round(bx0 + 3), Math.round(info.height / 2))).toBe(paper);
  });

  it('a vector PDF goes through the same queue, with no browser, and is stored as a PDF', async () => {
    const { done, file } = await exportOnce({ format: 'vector-pdf', size: 'a4' });
    expect(done).toMatchObject({ resultContentType: 'application/pdf', resultWidth: 595, resultHeight: 842 });
    const head = (await fs.readFile(file)).subarray(0, 5).toString('latin1');
    expect(head).toBe('%PDF-');
    expect(done.thumbnailPath).toBeTruthy();
  });
});
