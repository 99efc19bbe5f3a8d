import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Secrets for the embedded default, made once per data folder and kept in
 * `${DATA_DIR}/secrets.json` (mode 0600, git-ignored) so sessions, signed
 * URLs and the embedded database password survive restarts. Production sets
 * real ones in the environment; these are never used when those are set.
 */
export type DevSecrets = {
  pgPassword: string;
  cronSecret: string;
  authSecret: string;
  fileUrlSecret: string;
};

export function loadDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'secrets.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  } catch {
    const secrets: DevSecrets = {
      pgPassword: randomBytes(18).toString('hex'),
      cronSecret: randomBytes(32).toString('hex'),
      authSecret: randomBytes(32).toString('hex'),
      fileUrlSecret: randomBytes(32).toString('hex'),
    };
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    // `wx` so two processes starting at once keep the first one's secrets.
    try {
      writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
    } catch {
      return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
    }
    return secrets;
  }
}

/** Fills unset secret variables of this process from the data folder's secrets. */
export function applyDevSecrets(dataDir: string, target: NodeJS.ProcessEnv = process.env): DevSecrets {
  const s = loadDevSecrets(dataDir);
  target.CRON_SECRET ||= s.cronSecret;
  target.AUTH_SECRET ||= s.authSecret;
  target.FILE_URL_SECRET ||= s.fileUrlSecret;
  return s;
}
