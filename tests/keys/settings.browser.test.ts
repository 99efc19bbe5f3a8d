import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * The settings page in real Chromium against the shared test app: a person
 * creates a key, sees it once and copies it, the key works, and after they
 * revoke it (confirming first) it no longer does.
 */
const appUrl = inject('appUrl');
let browser: Browser;

beforeAll(async () => {
  const sparticuz = (await import('@sparticuz/chromium')).default;
  browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args: [...sparticuz.args, '--disable-background-networking'], headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

const history = (key: string) => fetch(`${appUrl}/api/v1/exports`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(60_000) });

describe('the settings page', { timeout: 300_000 }, () => {
  it('creates a key shown once with a copy button, lists it, and revokes it after a confirmation', async () => {
    const signIn = await fetch(`${appUrl}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${randomUUID()}@example.test` }) });
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: appUrl });
    await context.addCookies([{ name: 'carto_session', value: accessToken, url: appUrl }]);
    // next dev's hot reloader would reload the page whenever something in the tree is rebuilt.
    await context.routeWebSocket(/_next\/webpack-hmr|turbopack-hmr|__nextjs/, () => {});
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${appUrl}/settings`, { timeout: 180_000 });
    await expect.poll(() => page.getByRole('heading', { name: 'API keys' }).isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByText('No API keys yet.').isVisible()).toBe(true);

    await page.getByLabel('Name').fill('poster robot');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-api-key');
    await shown.waitFor();
    expect(await shown.innerText()).toMatch(/will not be shown again/);
    const key = (await shown.locator('code').innerText()).trim();
    expect(key).toMatch(/^cek_[0-9A-Za-z]{8}_[0-9A-Za-z]{43}$/);
    await shown.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect.poll(() => shown.getByRole('button', { name: 'Copied', exact: true }).isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    const row = page.getByTestId('api-keys').locator('tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toMatch(/poster robot[\s\S]*cek_[\s\S]*never[\s\S]*Active/);
    expect((await history(key)).status).toBe(200);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.content()).not.toContain(key);

    await row.getByRole('button', { name: 'Revoke…' }).click();
    await row.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect.poll(() => row.innerText(), { timeout: 60_000 }).toMatch(/Revoked/);
    expect((await history(key)).status).toBe(401);

    // Reloaded, the page lists it as revoked and still never shows the key.
    await page.reload();
    expect(await page.getByTestId('api-keys').innerText()).toMatch(/poster robot[\s\S]*Revoked/);
    expect(await page.content()).not.toContain(key);
    await context.close();
  });
});
