import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';

/**
 * Runs before each test file: a database of its own, cloned from the
 * migrated template, and a data folder of its own. Library code reads them
 * from the environment exactly as the app does.
 */
const adminUrl = inject('pgAdminUrl');
const name = `t_${randomBytes(6).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name} template carto_template`);
await admin.end();

const dataDir = path.join(inject('testDataRoot'), name);
mkdirSync(dataDir, { recursive: true });

process.env.DATABASE_URL = adminUrl.replace(/\/postgres$/, `/${name}`);
process.env.DATA_DIR = dataDir;
// The same secrets and URL as the shared app server, so tokens and signed URLs made here work there.
Object.assign(process.env, inject('appSecrets'));
process.env.APP_URL = inject('appUrl');
// A job's info events would bury the test report; `LOG_LEVEL=info npm test` shows them.
process.env.LOG_LEVEL ??= 'warn';
