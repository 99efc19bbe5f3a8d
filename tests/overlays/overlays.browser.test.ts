import { readFile, writeFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import { PDFDocument, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gpxTrack, loop, THREE_RIVERS, xmlBomb } from './fixture';

/**
 * A personal poster in real Chromium against the shared test app: a person
 * uploads a GPX track, adds two labelled markers (one dragged into place),
 * exports PNG and PDF, and the exported pixels show the route and the
 * markers where the preview shows them; a third marker comes from place search. OVERLAY_TEST_OUT=<folder> keeps the
 * preview and the exported PNG for a look.
 */
const appUrl = inject('appUrl');
const ROUTE = '#ff00ff';
const HOME = '#00c000';
const FINISH = '#0040ff';
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  const sparticuz = (await import('@sparticuz/chromium')).default;
  browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args: [...sparticuz.args, '--disable-background-networking'], headless: true });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  // next dev's hot reloader would reload the page when another route compiles; a person's browser would not see that.
  await context.routeWebSocket(/_next\/webpack-hmr|turbopack-hmr|__nextjs/, () => {});
  page = await context.newPage();
  page.setDefaultTimeout(120_000);
  page.on('console', (m) => m.type() === 'error' && console.log(`[browser] ${m.text().slice(0, 300)}`));
}, 180_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
});

async function signIn(email: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(`${appUrl}/sign-in?next=/`, { timeout: 180_000 });
      await page.getByLabel('Email').fill(email);
      await Promise.all([page.waitForURL(`${appUrl}/`, { timeout: 180_000 }), page.getByRole('button', { name: 'Continue' }).click()]);
      return;
    } catch (e) {
      // next dev may reload the page while it compiles a route for the first time.
      if ((await context.cookies()).some((c) => c.name === 'carto_session')) return void (await page.goto(`${appUrl}/`, { timeout: 180_000 }));
      if (attempt >= 6) throw e;
      await page.waitForTimeout(2_000);
    }
  }
}

/** Every tile loaded and really drawn (SwiftShader's `idle` comes before the frame). */
async function mapSettled(): Promise<void> {
  await page.waitForFunction(() => {
    const map = (window as unknown as { __posterMap?: { loaded(): boolean; isStyleLoaded(): boolean; areTilesLoaded(): boolean } }).__posterMap;
    return Boolean(map && map.loaded() && map.isStyleLoaded() && map.areTilesLoaded());
  }, undefined, { timeout: 180_000, polling: 200 });
  await page.evaluate(async () => {
    const map = (window as unknown as { __posterMap: { triggerRepaint(): void; getCanvas(): HTMLCanvasElement } }).__posterMap;
    map.triggerRepaint();
    for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
    const gl = map.getCanvas().getContext('webgl2')!;
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  });
}

type Pixels = { data: Buffer; width: number; height: number };
type Spot = { x: number; y: number; share: number; box: { left: number; top: number; right: number; bottom: number } };

async function rgb(image: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Where pixels of one colour are, as fractions of the image: centroid, share and bounding box (2nd–98th percentile). */
function spotOf({ data, width, height }: Pixels, hex: string): Spot {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0, p = 0; i < data.length; i += 3, p++) {
    if (Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) <= 60) {
      xs.push((p % width) / width);
      ys.push(Math.floor(p / width) / height);
    }
  }
  const pct = (v: number[], q: number) => [...v].sort((a, c) => a - c)[Math.floor(q * (v.length - 1))] ?? NaN;
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return { x: mean(xs), y: mean(ys), share: xs.length / (width * height), box: { left: pct(xs, 0.02), top: pct(ys, 0.02), right: pct(xs, 0.98), bottom: pct(ys, 0.98) } };
}

function expectSameSpot(exported: Spot, preview: Spot, what: string): void {
  expect(exported.share, `${what} is in the export`).toBeGreaterThan(0);
  expect(Math.hypot(exported.x - preview.x, exported.y - preview.y), `${what}: centre ${JSON.stringify(exported)} vs preview ${JSON.stringify(preview)}`).toBeLessThan(0.01);
  for (const side of ['left', 'top', 'right', 'bottom'] as const) expect(Math.abs(exported.box[side] - preview.box[side]), `${what}: ${side} edge`).toBeLessThan(0.015);
}

/** The page image of a PDF written by lib/rendering/pdf.ts (read with pdf-lib): PNG data (FlateDecode, PNG predictors) wrapped back into a PNG, or a JPEG as it is. */
async function pdfPageImage(pdf: Buffer): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf);
  const image = doc.context.enumerateIndirectObjects().map(([, o]) => o).find((o): o is PDFRawStream => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'));
  if (!image) throw new Error('no image in the PDF');
  const width = (image.dict.get(PDFName.of('Width')) as PDFNumber).asNumber();
  const height = (image.dict.get(PDFName.of('Height')) as PDFNumber).asNumber();
  const stream = Buffer.from(image.contents);
  if (image.dict.get(PDFName.of('Filter')) === PDFName.of('DCTDecode')) return stream;
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed) >>> 0);
    return Buffer.concat([len, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, as the image dictionary says
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', stream), chunk('IEND', Buffer.alloc(0))]);
}

async function exportAndDownload(format: 'png' | 'pdf', previous: string | null): Promise<{ file: Buffer; href: string }> {
  await page.locator(`label:has(input[name="export-format"][value="${format}"])`).click();
  await page.locator('label:has(input[name="export-size"][value="social"])').click();
  await page.getByRole('button', { name: `Export ${format.toUpperCase()}` }).click();
  const link = page.getByTestId('export-download');
  await expect.poll(async () => {
    const status = await page.getByTestId('export-job').getAttribute('data-status').catch(() => null);
    if (status === 'failed') throw new Error(`the ${format} export failed: ${await page.getByTestId('export-job').innerText()}`);
    const href = (await link.count()) ? await link.getAttribute('href') : null;
    return status === 'succeeded' && href !== previous ? href : null;
  }, { timeout: 300_000, interval: 500 }).not.toBeNull();
  const href = (await link.getAttribute('href'))!;
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), link.click()]);
  return { file: await readFile((await download.path())!), href };
}

describe('a personal poster: a route and two markers, exported', { timeout: 900_000 }, () => {
  it('the PNG and the PDF show the route and the markers where the preview shows them', async () => {
    await signIn(`runner-${Date.now()}@example.com`);
    await mapSettled();
    // No text backdrop, so nothing of the map is faded under the title.
    await page.locator('label:has-text("Backdrop") select').selectOption('none');

    // Files that are not routes are refused in the browser too, naming the problem, and add nothing.
    await page.getByTestId('route-upload').setInputFiles([
      { name: 'bomb.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(xmlBomb()) },
      { name: 'cut.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(gpxTrack(loop(THREE_RIVERS, 0.01, 50)).slice(0, 900)) },
    ]);
    await expect.poll(() => page.getByTestId('route-problem').allInnerTexts()).toEqual([
      expect.stringMatching(/^bomb\.gpx declares a DOCTYPE or entities/),
      expect.stringMatching(/^cut\.gpx is not well-formed XML \(.+\)/),
    ]);
    expect(await page.getByTestId('route-row').count()).toBe(0);

    // A generated track: a 1,500-point loop through Three Rivers; the map fits itself to it.
    const zoomBefore = await page.getByLabel('Zoom', { exact: true }).inputValue();
    await page.getByTestId('route-upload').setInputFiles({ name: 'riverside-loop.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(gpxTrack(loop(THREE_RIVERS, 0.006, 1500), { name: 'Riverside loop' })) });
    await page.getByTestId('route-row').waitFor();
    expect(await page.getByTestId('route-row').innerText()).toContain('Riverside loop');
    await expect.poll(() => page.getByTestId('route-note').innerText()).toMatch(/riverside-loop\.gpx: 1,500 points/);
    await expect.poll(() => page.getByLabel('Zoom', { exact: true }).inputValue()).not.toBe(zoomBefore);
    await page.getByLabel('Riverside loop colour', { exact: true }).selectOption('custom');
    await page.getByLabel('Riverside loop custom colour').fill(ROUTE);
    await page.getByLabel('Riverside loop width').fill('5');
    await page.getByLabel('Riverside loop opacity').fill('1');

    // Two markers, each placed by a click on the map, labelled and coloured.
    const preview = page.getByTestId('poster-preview');
    const box = (await preview.boundingBox())!;
    for (const [i, [fx, fy], label, color] of [[0, [0.34, 0.3], 'Home', HOME], [1, [0.62, 0.42], 'Finish', FINISH]] as const) {
      await page.getByRole('button', { name: 'Add marker' }).click();
      await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
      await page.getByLabel(`Marker ${i + 1} label`).fill(label);
      await page.getByLabel(`Marker ${i + 1} icon`).selectOption(i === 0 ? 'pin' : 'star');
      await page.getByLabel(`Marker ${i + 1} colour`, { exact: true }).selectOption('custom');
      await page.getByLabel(`Marker ${i + 1} custom colour`).fill(color);
      await page.getByLabel(`Marker ${i + 1} size`).fill('0.05');
    }
    expect(await page.getByTestId('marker-row').count()).toBe(2);

    // Dragged on the preview: the second marker moves, and its coordinates with it.
    const lngBefore = Number(await page.getByLabel('Marker 2 longitude').inputValue());
    const handle = (await page.locator('[data-testid="marker-handle"][data-index="1"]').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    for (let step = 1; step <= 5; step++) await page.mouse.move(handle.x + handle.width / 2 + step * 8, handle.y + handle.height / 2 + step * 6);
    await page.mouse.up();
    expect(Number(await page.getByLabel('Marker 2 longitude').inputValue())).toBeGreaterThan(lngBefore);

    await mapSettled();
    const shot = await preview.screenshot({ type: 'png' });
    if (process.env.OVERLAY_TEST_OUT) await writeFile(`${process.env.OVERLAY_TEST_OUT}/preview.png`, shot);
    const shown = await rgb(shot);
    const inPreview = { route: spotOf(shown, ROUTE), home: spotOf(shown, HOME), finish: spotOf(shown, FINISH) };
    for (const [what, spot] of Object.entries(inPreview)) expect(spot.share, `${what} in the preview`).toBeGreaterThan(what === 'route' ? 0.002 : 0.0002);
    // The preview shows them where they were put: the home pin's tip at the click, the dragged star lower right of its click.
    expect(inPreview.home.box.bottom).toBeCloseTo(0.3, 1);
    expect(inPreview.finish.x).toBeGreaterThan(0.62);

    const png = await exportAndDownload('png', null);
    if (process.env.OVERLAY_TEST_OUT) await writeFile(`${process.env.OVERLAY_TEST_OUT}/export.png`, png.file);
    const exported = await rgb(png.file);
    expect(exported.width).toBeGreaterThan(shown.width * 1.5);
    for (const [what, hex] of [['route', ROUTE], ['home marker', HOME], ['finish marker', FINISH]] as const) {
      expectSameSpot(spotOf(exported, hex), inPreview[what === 'route' ? 'route' : what === 'home marker' ? 'home' : 'finish'], `PNG ${what}`);
    }

    const pdf = await exportAndDownload('pdf', png.href);
    expect(pdf.file.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const page1 = await rgb(await pdfPageImage(pdf.file));
    for (const [what, hex] of [['route', ROUTE], ['home marker', HOME], ['finish marker', FINISH]] as const) {
      expectSameSpot(spotOf(page1, hex), inPreview[what === 'route' ? 'route' : what === 'home marker' ? 'home' : 'finish'], `PDF ${what}`);
    }

    // A marker from place search: picked from the list, it lands on the place, named after it.
    const search = page.getByLabel('Search a place for a marker');
    await search.fill('Vienna');
    await page.locator('[role="option"]', { hasText: 'Vienna' }).first().waitFor();
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('marker-row').count()).toBe(3);
    expect(await page.getByLabel('Marker 3 label').inputValue()).toBe('Vienna');
    expect(Number(await page.getByLabel('Marker 3 longitude').inputValue())).toBeCloseTo(16.37, 1);
  });
});
