/**
 * Starts everything with no configuration: embedded Postgres (unless
 * DATABASE_URL is set), migrations, the Next app on PORT, and the local
 * scheduler that calls the cron routes the way Vercel would.
 *
 *   npm run dev      next dev (hot reload)
 *   npm start        next start (builds first when there is no build)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import chromium from '@sparticuz/chromium';
import { DEV_WARM_UP_ROUTES, warmUp } from '@/lib/devWarmUp';
import { bootLocal, type LocalServices } from '@/scripts/boot';

const mode = process.argv.includes('--prod') ? 'prod' : 'dev';
const t0 = Date.now();
let services: LocalServices | undefined;
let next: ChildProcess | undefined;
let stopping = false;

async function main() {
  services = await bootLocal({ log: (m) => console.log(`[carto] ${m}`) });
  const { env, port } = services;

  const nextBin = path.join(process.cwd(), 'node_modules', 'next', 'dist', 'bin', 'next');
  if (mode === 'prod' && !existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) {
    console.log('[carto] no production build yet; running `next build` once');
    await run(process.execPath, [nextBin, 'build'], env);
  }
  next = spawn(process.execPath, [nextBin, mode === 'prod' ? 'start' : 'dev', '-p', String(port)], {
    env,
    stdio: 'inherit',
  });
  next.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[carto] Next exited (${signal ?? code}); stopping`);
      void shutdown(code ?? 1);
    }
  });

  await services.waitForApp();
  console.log(`\n  carto-export is running at ${services.appUrl}  (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  services.startScheduler();
  const t = Date.now();
  // The app's worker would unpack Chromium on its first export (about 2.5 s); it finds it unpacked instead.
  // If it fails here, the worker's own launch reports why.
  const unpacked = !env.CHROMIUM_PATH && (await chromium.executablePath().then(() => true, () => false));
  if (mode === 'dev') await warmUp(services.appUrl, DEV_WARM_UP_ROUTES, () => stopping);
  const done = [mode === 'dev' && 'editor, renderer and export routes compiled', unpacked && 'Chromium unpacked'].filter(Boolean);
  if (!stopping && done.length) console.log(`[carto] warmed up in the background in ${((Date.now() - t) / 1000).toFixed(1)} s: ${done.join(', ')}`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (next && next.exitCode === null) {
    next.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => { next?.kill('SIGKILL'); r(null); }, 10_000);
      next!.once('exit', () => { clearTimeout(t); r(null); });
    });
  }
  await services?.stop();
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (e) => {
  console.error(`\n[carto] ${e instanceof Error ? e.message : String(e)}\n`);
  await shutdown(1);
});
