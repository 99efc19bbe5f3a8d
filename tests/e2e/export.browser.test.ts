import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { posterPixelSize } from '@/lib/poster/geometry';

/**
 * The whole export experience in real Chromium against the shared test app
 * (next dev, its own database, the worker kicked on enqueue): a person signs
 * in, designs, exports, watches the progress, downloads the file, finds it in
 * their history — and nobody else can see it.
 */
const appUrl = inject('appUrl');
const TITLE = 'Harbour Lights';
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const sparticuz = (await import('@sparticuz/chromium')).default;
  browser = await chromium.launch({
    executablePath: await sparticuz.executablePath(),
    args: [...sparticuz.args, '--disable-background-networking'],
    headless: true,
  });
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

async function signedIn(email: string, next = '/'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  contexts.push(context);
  // next dev's hot reloader reloads open pages whenever something in the tree is rebuilt (another
  // route's first compile, a file saved by someone else); a person's browser would not see that.
  await context.routeWebSocket(/_next\/webpack-hmr|turbopack-hmr|__nextjs/, () => {});
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  page.on('console', (m) => /reload|error/i.test(m.text()) && console.log(`[browser] ${m.text().slice(0, 300)}`));
  // next dev may reload a page while it compiles (a first visit, a file saved in the tree): try the form again then.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(`${appUrl}/sign-in?next=${encodeURIComponent(next)}`, { timeout: 180_000 });
      await page.getByLabel('Email').fill(email);
      await Promise.all([page.waitForURL(`${appUrl}${next}`, { timeout: 180_000 }), page.getByRole('button', { name: 'Continue' }).click()]);
      return page;
    } catch (e) {
      if ((await context.cookies()).some((c) => c.name === 'carto_session')) {
        await page.goto(`${appUrl}${next}`, { timeout: 180_000 });
        return page;
      }
      if (attempt >= 6) throw e;
      await page.waitForTimeout(2_000);
    }
  }
}

describe('exporting a poster, end to end', { timeout: 900_000 }, () => {
  let exportId = '';

  it('a signed-in person exports a PNG, watches it progress, downloads it and finds it in the history', async () => {
    const page = await signedIn(`owner-${Date.now()}@example.com`);

    // Design: a title of their own.
    const title = page.getByLabel('Title', { exact: true });
    await title.fill(TITLE);
    // The preview draws text on a canvas; the title reaching the export is checked in the history below.
    expect(await title.inputValue()).toBe(TITLE);

    // PNG, social size, chosen by their labels; the panel shows what the file will be.
    await page.locator('label:has(input[name="export-format"][value="png"])').click();
    await page.locator('label:has(input[name="export-size"][value="social"])').click();
    expect(await page.locator('input[name="export-size"][value="social"]').isChecked()).toBe(true);
    const expected = posterPixelSize(DEFAULT_POSTER.format, 'social');
    await expect.poll(() => page.locator('label:has(input[value="social"])').innerText()).toContain(`${expected.width} × ${expected.height} px`);

    const exportButton = page.getByRole('button', { name: 'Export PNG' });
    await exportButton.click();

    // The progress moves: record what the panel shows until the file is ready.
    const job = page.locator('[data-testid="export-job"]');
    await job.waitFor({ timeout: 60_000 });
    const seen: { status: string; progress: number; stage: string }[] = [];
    const deadline = Date.now() + 300_000;
    for (;;) {
      const status = (await job.getAttribute('data-status')) ?? '';
      const progress = Number(await page.getByRole('progressbar', { name: 'Export progress' }).getAttribute('aria-valuenow'));
      const stage = await page.getByTestId('export-stage').innerText();
      const last = seen.at(-1);
      if (!last || last.status !== status || last.progress !== progress || last.stage !== stage) seen.push({ status, progress, stage });
      if (['succeeded', 'failed', 'cancelled', 'expired'].includes(status)) break;
      if (Date.now() > deadline) throw new Error(`the export did not finish: ${JSON.stringify(seen)}`);
      await page.waitForTimeout(150);
    }
    expect(seen.at(-1), JSON.stringify(seen)).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(seen.some((s) => s.status === 'queued' || s.status === 'running'), JSON.stringify(seen)).toBe(true);
    const progresses = seen.map((s) => s.progress);
    expect(progresses, 'progress never goes back').toEqual([...progresses].sort((a, b) => a - b));
    expect(new Set(progresses).size, JSON.stringify(seen)).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('[aria-live="polite"]').count()).toBeGreaterThan(0);

    // Download: the file is a PNG of exactly the chosen size.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-download').click()]);
    const file = await readFile((await download.path())!);
    const meta = await sharp(file).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'png', ...expected });

    // The history lists it, with its title, size and the download counted.
    const href = await page.getByRole('link', { name: 'Details' }).getAttribute('href');
    exportId = href!.split('/').pop()!;

    // After a reload the editor starts from the default design: the panel says what the last file is (title, style, place, time) and offers no download of it.
    await page.reload({ timeout: 180_000 });
    const previous = page.getByTestId('previous-export');
    await expect.poll(() => previous.count(), { timeout: 60_000 }).toBe(1);
    expect(await previous.innerText()).toContain(TITLE);
    expect(await page.getByTestId('export-download').count()).toBe(0);
    await page.goto(`${appUrl}/exports`, { timeout: 180_000 });
    const row = page.locator(`[data-export-id="${exportId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const text = await row.innerText();
    expect(text).toContain(TITLE);
    expect(text).toContain(`${expected.width} × ${expected.height} px`);
    expect(text).toMatch(/Ready/);
    expect(text).toContain('1 download');
    expect(await row.locator('img').getAttribute('src')).toContain(`/api/v1/exports/${exportId}/download?thumbnail=1`);

    // Its download page shows the same export, ready to download again.
    await row.getByRole('link', { name: TITLE }).click();
    await page.waitForURL(`${appUrl}/exports/${exportId}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(TITLE);
    expect(await page.getByTestId('export-download').isVisible()).toBe(true);
  });

  it('another person cannot see it: 404 on its page and its download, and not in their history', async () => {
    expect(exportId).toMatch(/^[0-9a-f-]{36}$/);
    const page = await signedIn(`other-${Date.now()}@example.com`, '/exports');

    expect(await page.locator(`[data-export-id="${exportId}"]`).count()).toBe(0);
    await page.getByRole('heading', { name: 'No exports yet' }).waitFor({ state: 'visible', timeout: 60_000 });

    const response = await page.goto(`${appUrl}/exports/${exportId}`, { timeout: 180_000 });
    expect(response?.status()).toBe(404);
    await page.getByTestId('export-not-found').waitFor({ state: 'visible', timeout: 60_000 });
    expect(await page.content()).not.toContain(TITLE);

    const download = await page.request.get(`${appUrl}/api/v1/exports/${exportId}/download`, { maxRedirects: 0 });
    expect(download.status()).toBe(404);
  });
});
