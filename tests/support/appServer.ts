import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@/lib/db/embedded';
import { DEV_WARM_UP_ROUTES, warmUp } from '@/lib/devWarmUp';

/**
 * The app itself, for tests that need real HTTP (the worker's /renderer
 * page, the browser end-to-end tests): one `next dev` for the whole run, in
 * its own build folder (.next-test) so it runs beside a developer's server.
 */
export async function startTestApp(
  env: NodeJS.ProcessEnv,
  logFile: string,
  // A test that needs the app configured otherwise (Supabase Auth) starts a second one in a build folder of its own.
  { distDir = DIST_DIR, warmUpRoutes = WARM_UP }: { distDir?: string; warmUpRoutes?: string[] } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  await waitForOtherRun(distDir);
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'dev', '-p', String(port)], {
    env: { ...env, PORT: String(port), APP_URL: url, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  // Everything it prints, for tests of what reaches a terminal (tests/ops/logs.test.ts).
  const log = createWriteStream(logFile);
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (d) => {
      output = (output + d).slice(-20_000);
      log.write(d);
    });
  }
  const deadline = Date.now() + 120_000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop(child);
      throw new Error(`The test app did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await warmUp(url, warmUpRoutes);
  return { url, stop: async () => stop(child) };
}

/** What `npm run dev` warms, and the other pages and routes tests use: before any test starts, so none spends its own time limit on a compile. */
const WARM_UP = [...DEV_WARM_UP_ROUTES, '/sign-in', '/exports', '/settings', '/api/v1/keys', '/api/v1/keys/00000000-0000-0000-0000-000000000000'];

const DIST_DIR = '.next-test';

/**
 * Next allows one dev server per build folder; another test run in this
 * working tree holds it until it ends. Wait for it rather than fail.
 * (A second build folder would make Next rewrite tsconfig.json.)
 */
async function waitForOtherRun(distDir: string) {
  const lock = path.join(distDir, 'dev', 'lock');
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  while (Date.now() < deadline) {
    let pid: number | undefined;
    try {
      pid = (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid;
      process.kill(pid, 0);
    } catch {
      return; // no lock, or its process is gone
    }
    if (!told) console.log(`waiting for another test run's app server (pid ${pid}) to finish`);
    told = true;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(60_000) })).ok;
  } catch {
    return false;
  }
}

function stop(child: ChildProcess) {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM'); // its own process group: next dev and its workers
    } catch {
      /* already gone */
    }
  }
}
