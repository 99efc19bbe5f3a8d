import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '@/lib/env';

function problems(source: Record<string, string>) {
  try {
    parseEnv(source);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvError);
    return e as EnvError;
  }
  throw new Error('expected parseEnv to reject');
}

describe('environment', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const e = parseEnv({});
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.PORT).toBe(3000);
    expect(e.STORAGE_DRIVER).toBe('local');
    expect(e.DATA_DIR).toBe('.data');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /whole number from 1 to 65535/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres:\/\//],
    [{ STORAGE_DRIVER: 's3' }, 'STORAGE_DRIVER', /local|supabase/],
    [{ CRON_SECRET: 'short' }, 'CRON_SECRET', /at least 32 characters/],
    [{ STORAGE_DRIVER: 'supabase' }, 'SUPABASE_URL', /required when STORAGE_DRIVER=supabase/],
    [{ NODE_ENV: 'production' }, 'DATABASE_URL', /required in production/],
    [{ APP_URL: 'not a url' }, 'APP_URL', /URL/],
  ])('rejects %o naming %s', (source, variable, message) => {
    const err = problems(source as Record<string, string>);
    const p = err.problems.find((x) => x.variable === variable);
    expect(p, JSON.stringify(err.problems)).toBeDefined();
    expect(p!.message).toMatch(message);
    expect(err.message).toContain(variable);
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000);
  });
});
