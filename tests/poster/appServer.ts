import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * The app, for browser tests. Next allows one `next dev` per working tree
 * (it holds `.next/dev/lock`), so a dev server already running here is
 * reused; otherwise one is started on a free port and stopped afterwards.
 */
export async function startApp(): Promise<{ url: string; stop: () => Promise<void> }> {
  const running = runningDevServer();
  if (running && (await responds(running))) return { url: running, stop: async () => {} };

  const port = await freePort();
  const child = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'dev', '-p', String(port)], {
    env: { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 90_000;
  while (!(await responds(url))) {
    // Another test file may have started the tree's one dev server first; then ours exits on the lock.
    const other = child.exitCode !== null ? runningDevServer() : null;
    if (other && (await responds(other))) return { url: other, stop: async () => {} };
    if (child.exitCode !== null || Date.now() > deadline) {
      stopChild(child);
      throw new Error(`next dev did not start:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, stop: async () => stopChild(child) };
}

function runningDevServer(): string | null {
  try {
    const lock = JSON.parse(readFileSync('.next/dev/lock', 'utf8')) as { pid: number; appUrl: string };
    process.kill(lock.pid, 0); // throws if that process is gone
    return lock.appUrl;
  } catch {
    return null;
  }
}

async function responds(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/api/tiles`, { signal: AbortSignal.timeout(60_000) });
    return r.ok;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess) {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM'); // its own process group: next dev and its workers
    } catch {
      /* already gone */
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
