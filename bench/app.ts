/**
 * The app server the benchmarks render against: `next dev` in its own build
 * folder (.next-bench), like tests/support/appServer.ts does with .next-test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@/lib/db/embedded';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `next dev` in its own build folder (.next-bench), like tests/support/appServer.ts does with .next-test. */
export async function startApp(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess; stop: () => void }> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'dev', '-p', String(port)], {
    env: { ...env, PORT: String(port), APP_URL: url, NEXT_DIST_DIR: '.next-bench', NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  const stop = () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM'); // its own process group: next dev and its workers
      } catch {
        /* already gone */
      }
    }
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(60_000) })).ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`The app server did not start:\n${output.slice(-3000)}`);
    }
    await sleep(300);
  }
  return { url, child, stop };
}

/** next dev adds its build folder to tsconfig.json; take that back out. */
export function restoreTsconfig(before: string, log: (s: string) => void): void {
  const after = readFileSync('tsconfig.json', 'utf8');
  if (after === before) return;
  try {
    const a = JSON.parse(after) as { include?: string[] };
    const b = JSON.parse(before) as { include?: string[] };
    a.include = a.include?.filter((entry) => !entry.startsWith('.next-bench/'));
    if (JSON.stringify(a) === JSON.stringify(b)) {
      writeFileSync('tsconfig.json', before);
      log('tsconfig.json: removed the .next-bench entries next dev added');
    }
  } catch {
    /* not ours to fix */
  }
}
