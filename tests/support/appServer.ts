import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '@/lib/db/embedded';

/**
 * The app itself, for tests that need real HTTP (the worker's /renderer
 * page, the browser end-to-end tests): one `next dev` for the whole run, in
 * its own build folder (.next-test) so it runs beside a developer's server.
 */
export async function startTestApp(env: NodeJS.ProcessEnv): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'dev', '-p', String(port)], {
    env: { ...env, PORT: String(port), APP_URL: url, NEXT_DIST_DIR: '.next-test', NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  const deadline = Date.now() + 120_000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop(child);
      throw new Error(`The test app did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, stop: async () => stop(child) };
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
