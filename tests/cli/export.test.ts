import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '@/lib/db/embedded';
import { DEFAULT_CLI_EMAIL, parseCliArgs, UsageError } from '@/lib/cli/args';
import { formatSeconds, progressBar, progressLine } from '@/lib/cli/progress';
import { posterPixelSize } from '@/lib/poster/geometry';
import { apiExportListSchema } from '@/types/api';

/**
 * `npm run export`: argument parsing on its own, then the real command
 * (a child process) against the running test app — sign-in, the queue, the
 * app's own worker, the signed download — writing a real file.
 */
const app = inject('appUrl');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'carto-cli-'));

type Run = { code: number | null; stdout: string; stderr: string };

function runCli(args: string[], options: { env?: Record<string, string>; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.resolve('node_modules/.bin/tsx'), ['scripts/export.ts', ...args], {
      env: { ...process.env, CARTO_API_KEY: '', CARTO_URL: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function historyOf(email: string) {
  const signIn = await fetch(`${app}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  const { accessToken } = (await signIn.json()) as { accessToken: string };
  const res = await fetch(`${app}/api/v1/exports`, { headers: { authorization: `Bearer ${accessToken}` } });
  return apiExportListSchema.parse(await res.json()).exports;
}

describe('npm run export: options', () => {
  const env = {};

  it('defaults to the editor\'s default poster, a small PNG, the local app and a local sign-in', () => {
    const options = parseCliArgs([], env, scratch)!;
    expect(options.request.size).toBe('small');
    expect(options.request.format).toBe('png');
    expect(options.request.poster.text.title).toBe('Three Rivers');
    expect(options.appUrl).toBe('http://localhost:3000');
    expect(options.auth).toEqual({ kind: 'localSignIn', email: DEFAULT_CLI_EMAIL });
    expect(options.out).toBe(path.join(scratch, 'three-rivers-small.png'));
  });

  it('takes the place, style, text and format from flags, and a key from CARTO_API_KEY', () => {
    const options = parseCliArgs(
      ['--place', 'japan', '--style', 'midnight', '--title', 'Nihon!', '--format', 'pdf', '--size', 'social', '--aspect', '1:1', '--url', 'https://posters.example/', '--webhook-url', 'https://hooks.example/carto'],
      { CARTO_API_KEY: 'cek_secret' },
      scratch,
    )!;
    const { poster } = options.request;
    expect(poster.place.center).toEqual({ lng: 137.5, lat: 37.5 });
    expect(poster.text.title).toBe('Nihon!');
    expect(poster.text.subtitle).toBe('Nihon');
    expect(poster.style).toBe('midnight');
    // The default palette belongs to another style, so the new style's first palette is taken.
    expect(poster.palette).not.toBe('paper');
    expect(poster.format.aspect).toBe('1:1');
    expect(options.appUrl).toBe('https://posters.example');
    expect(options.auth).toEqual({ kind: 'apiKey', apiKey: 'cek_secret' });
    expect(options.webhookUrl).toBe('https://hooks.example/carto');
    expect(options.out).toBe(path.join(scratch, 'nihon-social.pdf'));
  });

  it('lays a partial config file over the default poster, and flags over the file', () => {
    const file = path.join(scratch, 'partial.json');
    writeFileSync(file, JSON.stringify({ poster: { text: { title: 'From file' }, format: { border: 'double' } }, size: 'medium', format: 'jpeg' }));
    const options = parseCliArgs(['--config', file, '--center', '-85.6,41.9', '--zoom', '13'], env, scratch)!;
    expect(options.request.poster.text).toMatchObject({ title: 'From file', subtitle: 'Michigan, United States', coordinates: '41.90° N, 85.60° W' });
    expect(options.request.poster.format).toMatchObject({ border: 'double', aspect: '2:3' });
    expect(options.request.poster.place).toMatchObject({ center: { lng: -85.6, lat: 41.9 }, zoom: 13 });
    expect(options.request).toMatchObject({ size: 'medium', format: 'jpeg' });
    expect(options.out).toBe(path.join(scratch, 'from-file-medium.jpg'));
  });

  it.each([
    [['--center', '200,10'], /place\.center\.lng: longitude must be between -180 and 180/],
    [['--style', 'neon'], /poster\.style/],
    [['--palette', 'nope'], /poster\.palette: unknown palette for style minimal/],
    [['--zoom', 'far'], /--zoom expects a number/],
    [['--center', '10'], /--center expects "lng,lat"/],
    [['--format', 'gif'], /--format gif is not allowed; expected one of png, jpeg, pdf, svg, vector-pdf/],
    [['--place', 'Xqzzqx Vwq'], /--place: no place is called "Xqzzqx Vwq"/],
    [['--colour', 'red'], /Unknown option '--colour'.*--help/],
    [['--config', 'missing.json'], /Cannot read --config .*missing\.json: no such file/],
    [['--title', 'x'.repeat(61)], /poster\.text\.title: the title can be at most 60 characters/],
  ])('refuses %j with a message that says what is wrong', (args, message) => {
    expect(() => parseCliArgs(args, env, scratch)).toThrow(UsageError);
    expect(() => parseCliArgs(args, env, scratch)).toThrow(message);
  });

  it('draws a bar with the stage, elapsed time and estimate, and plain lines for logs', () => {
    const job = { status: 'running' as const, progress: 50, stage: 'rendering tile 2/4', estimatedSeconds: 4, error: null };
    expect(progressBar(job, 3)).toBe('[############------------]  50%  rendering tile 2/4  3s, ~4s left');
    expect(progressBar(job, 3, 30)).toHaveLength(29);
    expect(progressLine({ ...job, status: 'queued', progress: 0, stage: null, error: { code: 'browser_crashed', message: 'the browser crashed' } })).toBe(
      '0% retrying soon (the browser crashed)',
    );
    expect(formatSeconds(125)).toBe('2m05s');
  });
});

describe('npm run export against the running app', () => {
  it('queues the export, shows progress, and writes the file at the preset\'s size', async () => {
    const email = `${randomUUID()}@example.test`;
    const out = path.join(scratch, 'out', 'poster.png');
    const run = await runCli(['--url', app, '--email', email, '--size', 'social', '--title', 'From the CLI', '--out', out]);
    expect(run.stderr).toMatch(/Export [0-9a-f-]{36} queued: social PNG, 1365×2048 px at \d+ dpi\./);
    // Not a terminal here, so progress comes as one line per change. Which
    // stages a once-a-second poll catches depends on the machine's speed, so
    // the test asserts their shape: from queued, never backwards, to succeeded,
    // with the render seen on the way.
    const percents = [...run.stderr.matchAll(/^(\d+)% (.+)$/gm)].map((m) => ({ percent: Number(m[1]), stage: m[2] }));
    expect(percents[0]).toEqual({ percent: 0, stage: 'queued' });
    expect(percents.at(-1)).toEqual({ percent: 100, stage: 'succeeded' });
    expect(percents.map((p) => p.percent)).toEqual([...percents.map((p) => p.percent)].sort((a, b) => a - b));
    expect(percents.some((p) => p.percent > 0 && p.percent < 100)).toBe(true);
    expect(run.stderr).toMatch(/Wrote .*poster\.png \(.+, 1365×2048 px, \d+ dpi\)/);
    expect(run.code).toBe(0);

    const expected = posterPixelSize({ aspect: '2:3', orientation: 'portrait' }, 'social');
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([expected.width, expected.height]);
    expect(readdirSync(path.dirname(out))).toEqual(['poster.png']); // no partial file left behind

    const [job] = await historyOf(email);
    expect(job).toMatchObject({ title: 'From the CLI', status: 'succeeded', size: 'social', format: 'png' });
    expect(job.result?.downloadCount).toBe(1);
  });

  it('exports with an API key instead of a sign-in, as against a deployed app', async () => {
    const email = `${randomUUID()}@example.test`;
    const signIn = await fetch(`${app}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const created = await fetch(`${app}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'cli test' }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };

    const out = path.join(scratch, 'with-key.jpg');
    const run = await runCli(['--url', app, '--size', 'social', '--format', 'jpeg', '--title', 'Keyed', '--out', out, '--quiet'], { env: { CARTO_API_KEY: key } });
    expect(run.stderr).toMatch(/Wrote .*with-key\.jpg/);
    expect(run.code).toBe(0);
    expect((await sharp(out).metadata()).format).toBe('jpeg');
    const [job] = await historyOf(email);
    expect(job).toMatchObject({ title: 'Keyed', status: 'succeeded', format: 'jpeg' });
    // The key was not echoed anywhere.
    expect(run.stderr + run.stdout).not.toContain(key);
  });

  it('cancels the export on the server when interrupted with Ctrl-C', async () => {
    const email = `${randomUUID()}@example.test`;
    const out = path.join(scratch, 'interrupted.png');
    let sent = false;
    const run = await runCli(['--url', app, '--email', email, '--size', 'small', '--out', out], {
      onStderr: (text, child) => {
        if (!sent && /queued: small PNG/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/(Cancelled export|Asked the worker to stop export) [0-9a-f-]{36}\./);
    expect(existsSync(out)).toBe(false);
    const [job] = await historyOf(email);
    expect(job.status === 'cancelled' || job.cancelRequested).toBe(true);
  });

  it('exits 3 with a message when the credentials are refused', async () => {
    const run = await runCli(['--url', app, '--quiet'], { env: { CARTO_API_KEY: 'not-a-real-key' } });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/The app refused the export: .+/);
  });

  it('exits 2 without sending anything when the poster is invalid', async () => {
    const email = `${randomUUID()}@example.test`;
    const run = await runCli(['--url', app, '--email', email, '--palette', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/poster\.palette: unknown palette/);
    expect(await historyOf(email)).toEqual([]);
  });

  it('exits 3 and says how to start the app when nothing answers', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['--url', url, '--quiet']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`No carto-export app answered at ${url} (ECONNREFUSED). Start one with \`npm run dev\``);
  });
});
