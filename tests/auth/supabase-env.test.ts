import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv, supabaseKeys } from '@/lib/env';

const problemsOf = (source: Record<string, string>) => {
  try {
    parseEnv(source);
    return [];
  } catch (e) {
    return (e as EnvError).problems;
  }
};
const legacyJwt = (role: string) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ role, iss: 'supabase' })).toString('base64url')}.sig`;
const URL = 'https://abcd.supabase.co';

describe('Supabase keys in the environment', () => {
  it('takes the publishable and secret keys, and the legacy anon and service_role keys when those are unset', () => {
    expect(supabaseKeys(parseEnv({ SUPABASE_URL: URL, SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_a', SUPABASE_SECRET_KEY: 'sb_secret_b', SUPABASE_ANON_KEY: legacyJwt('anon') }))).toEqual({ publishable: 'sb_publishable_a', secret: 'sb_secret_b' });
    expect(supabaseKeys(parseEnv({ SUPABASE_URL: URL, SUPABASE_ANON_KEY: legacyJwt('anon'), SUPABASE_SERVICE_ROLE_KEY: legacyJwt('service_role') }))).toEqual({ publishable: legacyJwt('anon'), secret: legacyJwt('service_role') });
  });

  it('the Supabase storage driver runs on a secret key alone', () => {
    expect(problemsOf({ STORAGE_DRIVER: 'supabase', SUPABASE_URL: URL, SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_a', SUPABASE_SECRET_KEY: 'sb_secret_b' })).toEqual([]);
    expect(problemsOf({ STORAGE_DRIVER: 'supabase', SUPABASE_URL: URL, SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_a' })).toEqual([
      { variable: 'SUPABASE_SECRET_KEY', message: expect.stringMatching(/required when STORAGE_DRIVER=supabase/) },
    ]);
  });

  it('Supabase Auth needs the publishable key its sign-in page uses', () => {
    expect(problemsOf({ SUPABASE_URL: URL })).toEqual([{ variable: 'SUPABASE_PUBLISHABLE_KEY', message: expect.stringMatching(/sign-in page/) }]);
  });

  it.each([
    ['SUPABASE_PUBLISHABLE_KEY', 'sb_secret_abc'],
    ['SUPABASE_ANON_KEY', legacyJwt('service_role')],
  ])('refuses a secret key in %s, which every browser receives', (variable, key) => {
    expect(problemsOf({ SUPABASE_URL: URL, [variable]: key })).toEqual([{ variable, message: expect.stringMatching(/secret key .* every browser/) }]);
  });
});
