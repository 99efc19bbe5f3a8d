import { afterAll, describe, expect, it } from 'vitest';
import { POST as create } from '@/app/api/v1/exports/route';
import { parseCliArgs } from '@/lib/cli/args';
import { closeSql, sql } from '@/lib/db/client';
import { estimateBytes, estimateRenderSeconds } from '@/lib/exports/estimate';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { PAPER_SIZE_IDS, printLayout } from '@/lib/poster/paper';
import { apiRequest, asExport, exportRequest, rowCount, signIn } from '../api/helpers';

afterAll(closeSql);

const post = (token: string, body: unknown) => create(apiRequest('POST', '/api/v1/exports', { token, body }));
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; details?: { path: string; message: string }[] } }).error;

describe('paper sizes a person thinks in', () => {
  it('an A4 PNG at 300 DPI is 2480 × 3508 px; A4 landscape turns it; 150 DPI halves it', () => {
    expect(printLayout({ size: 'a4' }, DEFAULT_POSTER.format).trimPx).toEqual({ width: 2480, height: 3508 });
    expect(printLayout({ size: 'a4', orientation: 'landscape' }, DEFAULT_POSTER.format).trimPx).toEqual({ width: 3508, height: 2480 });
    expect(printLayout({ size: 'a4', dpi: 150 }, DEFAULT_POSTER.format).trimPx).toEqual({ width: 1240, height: 1754 });
  });

  it('every paper size has its physical size in points; inch sizes get a 0.125 in bleed, metric ones 3 mm', () => {
    const pt = (size: (typeof PAPER_SIZE_IDS)[number]) => printLayout({ size, bleed: true }, DEFAULT_POSTER.format);
    expect(pt('letter').trimPt).toEqual({ width: 612, height: 792 });
    expect(pt('letter').bleedPt).toBeCloseTo(9, 6);
    expect(pt('24x36in').trimPt).toEqual({ width: 1728, height: 2592 });
    expect(pt('a0').trimPt.width).toBeCloseTo((841 * 72) / 25.4, 6);
    expect(pt('70x100cm').trimPt.height).toBeCloseTo((1000 * 72) / 25.4, 6);
    expect(pt('a4').bleedPt).toBeCloseTo((3 * 72) / 25.4, 6);
    expect(pt('a4').bleedPx).toBe(35); // 3 mm at 300 DPI
    for (const size of PAPER_SIZE_IDS) expect(pt(size).trimPt.width, size).toBeLessThan(pt(size).trimPt.height);
  });
});

describe('the export API takes paper sizes, bleed and crop marks', () => {
  it('queues an A3 landscape vector PDF with bleed and crop marks: the status says the paper, trim and bleed', async () => {
    const { token, userId } = await signIn();
    const res = await post(token, exportRequest({ format: 'vector-pdf', size: 'a3', orientation: 'landscape', bleed: true, cropMarks: true }));
    expect(res.status).toBe(202);
    const job = await asExport(res);
    expect(job).toMatchObject({ format: 'vector-pdf', size: 'a3', sizeLabel: 'A3 landscape · bleed 3 mm · crop marks', dpi: 72, paper: { widthMm: 420, heightMm: 297, bleedMm: 3, cropMarks: true } });
    // The page in points: 420 + 6 mm by 297 + 6 mm.
    expect({ w: job.width, h: job.height }).toEqual({ w: Math.round((426 * 72) / 25.4), h: Math.round((303 * 72) / 25.4) });
    const [row] = await sql()<{ request: Record<string, unknown> }[]>`select request from public.export_jobs where user_id = ${userId}`;
    expect(row.request).toMatchObject({ size: 'a3', orientation: 'landscape', bleed: true, cropMarks: true });
  });

  it('queues a custom 12 × 18 in PNG at 150 DPI with bleed: the file is the trim plus the bleed in pixels', async () => {
    const { token } = await signIn();
    const job = await asExport(await post(token, exportRequest({ format: 'png', size: 'custom', paper: { width: 12, height: 18, unit: 'in' }, dpi: 150, bleed: true })));
    // 12 × 18 in at 150 DPI = 1800 × 2700, plus 0.125 in (19 px) on every side.
    expect(job).toMatchObject({ width: 1800 + 38, height: 2700 + 38, dpi: 150, sizeLabel: '12×18 in portrait · bleed 0.125 in' });
  });

  it.each([
    ['bleed on a screen preset', { size: 'small', bleed: true }, 'bleed'],
    ['crop marks on a screen preset', { size: 'medium', format: 'pdf', cropMarks: true }, 'cropMarks'],
    ['a 0 mm custom width', { size: 'custom', paper: { width: 0, height: 300, unit: 'mm' } }, 'paper.width'],
    ['a 5 m poster', { size: 'custom', paper: { width: 1000, height: 5000, unit: 'mm' } }, 'paper.height'],
    ['a 1.5 in custom side', { size: 'custom', paper: { width: 1.5, height: 10, unit: 'in' } }, 'paper.width'],
    ['custom without its paper', { size: 'custom' }, 'paper'],
    ['paper with a named size', { size: 'a4', paper: { width: 200, height: 300, unit: 'mm' } }, 'paper'],
    ['crop marks on a PNG', { size: 'a4', cropMarks: true }, 'cropMarks'],
    ['a DPI for an SVG', { size: 'a4', format: 'svg', dpi: 300 }, 'dpi'],
    ['72 DPI on paper', { size: 'a4', dpi: 72 }, 'dpi'],
    ['a border at the trim with bleed', { size: 'a4', bleed: true, poster: { ...DEFAULT_POSTER, format: { ...DEFAULT_POSTER.format, margin: 0, border: 'thin' } } }, 'poster.format.margin'],
  ])('refuses %s with 400 naming the field, and queues nothing', async (_, overrides, field) => {
    const { token, userId } = await signIn();
    const res = await post(token, exportRequest(overrides));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.details!.map((d) => d.path)).toEqual([field]);
    expect(error.details![0].message.length).toBeGreaterThan(20);
    expect(await rowCount(userId)).toBe(0);
  });

  it('the database refuses an unknown format or size sent past the API, and takes the new ones', async () => {
    const problem = async (request: unknown) =>
      (await sql()<{ p: string | null }[]>`select public.export_request_problem(${sql().json(request as never)}, 100000) as p`)[0].p;
    expect(await problem({ poster: {}, format: 'vector-pdf', size: 'a4', bleed: true })).toBeNull();
    expect(await problem({ poster: {}, format: 'svg', size: 'custom', paper: { width: 300, height: 400, unit: 'mm' } })).toBeNull();
    expect(await problem({ poster: {}, format: 'tiff', size: 'a4' })).toMatch(/format must be one of/);
    expect(await problem({ poster: {}, format: 'png', size: 'b5' })).toMatch(/size must be/);
    expect(await problem({ poster: {}, format: 'png', size: 'custom' })).toMatch(/paper/);
    expect(await problem({ poster: {}, format: 'png', size: 'a4', dpi: 72 })).toMatch(/dpi/);
  });
});

describe('estimates and the command line', () => {
  it('a vector export is estimated flat, a raster one by its pixels', () => {
    const a0 = printLayout({ size: 'a0' }, DEFAULT_POSTER.format).trimPx;
    const a5 = printLayout({ size: 'a5' }, DEFAULT_POSTER.format).trimPx;
    expect(estimateRenderSeconds('png', a0)).toBeGreaterThan(estimateRenderSeconds('png', a5) * 5);
    expect(estimateRenderSeconds('svg', a0)).toBe(estimateRenderSeconds('svg', a5));
    expect(estimateBytes('vector-pdf', a0)).toBe(estimateBytes('vector-pdf', a5));
    expect(estimateBytes('png', a0)).toBeGreaterThan(estimateBytes('png', a5));
  });

  it('npm run export takes a paper size, custom paper, DPI, bleed and crop marks', () => {
    const a3 = parseCliArgs(['--format', 'vector-pdf', '--size', 'a3', '--bleed', '--crop-marks'], {}, '/tmp')!;
    expect(a3.request).toMatchObject({ format: 'vector-pdf', size: 'a3', bleed: true, cropMarks: true });
    expect(a3.out).toBe('/tmp/three-rivers-a3.pdf');
    const custom = parseCliArgs(['--size', 'custom', '--paper', '13x19in', '--dpi', '150'], {}, '/tmp')!;
    expect(custom.request).toMatchObject({ size: 'custom', paper: { width: 13, height: 19, unit: 'in' }, dpi: 150 });
    expect(() => parseCliArgs(['--size', 'small', '--bleed'], {}, '/tmp')).toThrow(/bleed is for paper sizes/);
    expect(() => parseCliArgs(['--paper', 'big'], {}, '/tmp')).toThrow(/--paper big is not a paper size/);
  });
});
