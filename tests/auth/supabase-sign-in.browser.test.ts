import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEV_WARM_UP_ROUTES } from '@/lib/devWarmUp';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { posterPixelSize } from '@/lib/poster/geometry';
import { startTestApp } from '../support/appServer';
import { startAuthStandIn, type AuthStandIn } from './authStandIn';

/**
 * Signing in as a deployed app does: an app configured for Supabase Auth
 * (SUPABASE_URL and a publishable key), its own sign-in page, @supabase/ssr's
 * cookie session refreshed by the proxy. Supabase Auth (GoTrue) cannot be
 * built here, so the app talks to a stand-in of its HTTP endpoints that
 * issues real ES256 tokens and serves a JWKS (./authStandIn.ts). The shared
 * test app runs the local sign-in, so this file starts a second app of its
 * own (its own build folder and database); it needs no shared app server.
 */

let auth: AuthStandIn;
let app: { url: string; stop: () => Promise<void> };
let browser: Browser;
let dropDatabase = async () => {};
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const adminUrl = inject('pgAdminUrl');
  const name = `s_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template carto_template`);
  dropDatabase = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  const databaseUrl = adminUrl.replace(/\/postgres$/, `/${name}`);
  auth = await startAuthStandIn(databaseUrl);
  const dataDir = path.join(inject('testDataRoot'), name);
  mkdirSync(dataDir, { recursive: true });
  const sparticuz = (await import('@sparticuz/chromium')).default;
  [app, browser] = await Promise.all([
    startTestApp(
      { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, SUPABASE_URL: auth.url, SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_stand-in', LOG_LEVEL: 'warn' },
      process.env.SIGN_IN_APP_LOG ?? path.join(inject('testDataRoot'), `${name}.log`),
      { distDir: '.next-test-supabase', warmUpRoutes: [...DEV_WARM_UP_ROUTES, '/sign-in', '/exports', '/api/auth/session'] },
    ),
    chromium.launch({ executablePath: await sparticuz.executablePath(), args: [...sparticuz.args, '--disable-background-networking'], headless: true }),
  ]);
}, 600_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
  await auth?.close();
  await dropDatabase();
});

async function newPage(): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  contexts.push(context);
  await context.routeWebSocket(/_next\/webpack-hmr|turbopack-hmr|__nextjs/, () => {}); // no hot reloads mid-test
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  return { page, context };
}

const session = async (page: Page) => (await page.request.get(`${app.url}/api/auth/session`)).json() as Promise<{ signedIn: boolean; email?: string }>;
const authCookies = async (context: BrowserContext) => (await context.cookies()).filter((c) => /^sb-.+-auth-token(\.\d+)?$/.test(c.name));
/** The session cookie as the browser holds it once it has taken the response's Set-Cookie (a moment after the URL changes). */
const heldSession = async (context: BrowserContext, other = '') => {
  await expect.poll(async () => (await authCookies(context)).map((c) => c.value).join(), { timeout: 10_000 }).not.toBe(other);
  return (await authCookies(context)).map((c) => c.value).join();
};

describe('signing in through Supabase Auth', { timeout: 900_000 }, () => {
  it('with email and password: exports a poster, downloads it, signs out', async () => {
    const email = `ada-${randomUUID()}@example.test`;
    await auth.createUser(email, 'correct horse battery');
    const { page, context } = await newPage();
    await page.goto(`${app.url}/sign-in?next=/`, { timeout: 180_000 });

    // A wrong password says so, on the same page.
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.locator('form [role="alert"]').innerText(), { timeout: 60_000 }).toMatch(/do not match an account/);

    await page.getByLabel('Password').fill('correct horse battery');
    await Promise.all([page.waitForURL(`${app.url}/`, { timeout: 180_000 }), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await heldSession(context);
    expect(await session(page)).toEqual({ signedIn: true, email });

    await page.locator('label:has(input[name="export-format"][value="png"])').click();
    await page.locator('label:has(input[name="export-size"][value="social"])').click();
    await page.getByRole('button', { name: 'Export PNG' }).click();
    const job = page.locator('[data-testid="export-job"]');
    await job.waitFor({ timeout: 60_000 });
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 480_000, interval: 500 }).toMatch(/succeeded|failed|cancelled/);
    expect(await job.getAttribute('data-status')).toBe('succeeded');
    expect(await page.getByTestId('export-stage').innerText()).not.toMatch(/uploading/i);

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export-download').click()]);
    const meta = await sharp(await readFile((await download.path())!)).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'png', ...posterPixelSize(DEFAULT_POSTER.format, 'social') });

    await Promise.all([page.waitForURL(`${app.url}/`), page.getByRole('button', { name: 'Sign out' }).first().click()]);
    expect(await authCookies(context)).toHaveLength(0);
    expect(await session(page)).toEqual({ signedIn: false });
  });

  it('with a code by email; a wrong code says so', async () => {
    const email = `code-${randomUUID()}@example.test`;
    const { page, context } = await newPage();
    await page.goto(`${app.url}/sign-in?next=/exports`, { timeout: 180_000 });
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in code' }).click();
    await page.getByRole('status').filter({ hasText: `We sent a sign-in code and link to ${email}` }).waitFor({ timeout: 60_000 });

    await page.getByLabel('Code').fill('000000' === auth.outbox(email)!.code ? '111111' : '000000');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.locator('form [role="alert"]').innerText(), { timeout: 60_000 }).toMatch(/wrong or has expired/);

    await page.getByLabel('Code').fill(auth.outbox(email)!.code);
    await Promise.all([page.waitForURL(`${app.url}/exports`, { timeout: 180_000 }), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await heldSession(context);
    expect(await session(page)).toEqual({ signedIn: true, email });
  });

  it('with the link from the email', async () => {
    const email = `link-${randomUUID()}@example.test`;
    const { page } = await newPage();
    await page.goto(`${app.url}/sign-in?next=/exports`, { timeout: 180_000 });
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in code' }).click();
    await page.getByRole('status').waitFor({ timeout: 60_000 });
    const mail = auth.outbox(email)!;
    expect(mail.redirectTo).toBe(`${app.url}/auth/confirm?next=%2Fexports`);
    await page.goto(`${mail.redirectTo}&token_hash=${mail.tokenHash}&type=email`, { timeout: 180_000 });
    expect(page.url()).toBe(`${app.url}/exports`);
    expect(await session(page)).toEqual({ signedIn: true, email });
  });

  it('an expiring session is refreshed by the proxy and stays signed in', async () => {
    const email = `long-${randomUUID()}@example.test`;
    await auth.createUser(email, 'a long session');
    auth.setAccessTokenSeconds(30); // inside @supabase/ssr's 90 s margin: the next request refreshes it
    try {
      const { page, context } = await newPage();
      await page.goto(`${app.url}/sign-in?next=/exports`, { timeout: 180_000 });
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('a long session');
      await Promise.all([page.waitForURL(`${app.url}/exports`, { timeout: 180_000 }), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
      const before = await heldSession(context);
      const refreshes = auth.refreshes();
      expect(await session(page)).toEqual({ signedIn: true, email });
      expect(auth.refreshes()).toBeGreaterThan(refreshes);
      await heldSession(context, before); // the refreshed session replaced the old one in the browser
      expect(await session(page)).toEqual({ signedIn: true, email });
    } finally {
      auth.setAccessTokenSeconds(3600);
    }
  });
});
