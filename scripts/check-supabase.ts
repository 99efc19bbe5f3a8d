/**
 * `npm run check:supabase`: asks the configured Supabase project, for real,
 * what the tests ask stand-ins — the signing keys, the publishable key, the
 * bucket, a stored file's round trip and the migrated database — and prints
 * one line per check. Exits 1 if any fails. Not part of `npm test`, which
 * needs no Supabase service.
 */
import { randomUUID } from 'node:crypto';
import { createSql } from '@/lib/db/client';
import { migrationsVersion } from '@/lib/db/version';
import { env, supabaseKeys } from '@/lib/env';
import { OUTPUT_FORMATS, THUMBNAIL } from '@/lib/rendering/formats';
import { getStorage } from '@/lib/storage';

type Check = [name: string, run: () => Promise<string>];

async function main() {
  const e = env();
  if (!e.SUPABASE_URL) throw new Error('SUPABASE_URL is not set: this checks a Supabase project (see the README, Production).');
  const base = e.SUPABASE_URL.replace(/\/$/, '');
  const { publishable } = supabaseKeys(e);
  const checks: Check[] = [
    ['signing keys (JWKS)', async () => {
      const res = await fetch(`${base}/auth/v1/.well-known/jwks.json`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { keys } = (await res.json()) as { keys: { kid?: string; alg?: string }[] };
      if (!keys.length && !e.SUPABASE_JWT_SECRET) throw new Error('the project publishes no signing keys and SUPABASE_JWT_SECRET is unset: no token can be verified');
      return keys.length ? `${keys.length} key(s): ${keys.map((k) => k.alg).join(', ')}` : 'none published; legacy SUPABASE_JWT_SECRET in use';
    }],
    ['publishable key (Auth)', async () => {
      const res = await fetch(`${base}/auth/v1/settings`, { headers: { apikey: publishable! }, signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`Supabase Auth refused it (HTTP ${res.status}): check SUPABASE_PUBLISHABLE_KEY`);
      const settings = (await res.json()) as { external?: { email?: boolean } };
      if (settings.external?.email === false) throw new Error('the Email provider is disabled: enable it in Authentication → Sign In / Providers');
      return 'accepted; email sign-in enabled';
    }],
  ];
  if (e.STORAGE_DRIVER === 'supabase') {
    checks.push(
      ['bucket', async () => {
        await getStorage().check({ contentTypes: [...Object.values(OUTPUT_FORMATS).map((f) => f.contentType), THUMBNAIL.contentType] });
        return `"${e.STORAGE_BUCKET}" exists, is private and takes every export type`;
      }],
      ['store, sign, download, remove', async () => {
        const storage = getStorage();
        const path = `carto-check/${randomUUID()}.png`;
        const bytes = Buffer.from(`carto-export check ${new Date().toISOString()}`);
        await storage.put(path, bytes, { contentType: 'image/png' });
        try {
          const res = await fetch(await storage.signedUrl(path, { expiresInSeconds: 60 }), { signal: AbortSignal.timeout(10_000) });
          if (!res.ok || !Buffer.from(await res.arrayBuffer()).equals(bytes)) throw new Error(`the signed URL answered ${res.status} without the stored bytes`);
        } finally {
          await storage.remove([path]);
        }
        return 'a file went there and back through a signed URL';
      }],
    );
  }
  checks.push(['database', async () => {
    const db = createSql(e.DATABASE_URL!, 1);
    try {
      const version = await migrationsVersion(db);
      const [{ ok }] = await db<{ ok: boolean }[]>`select to_regprocedure('public.auth_user_exists(uuid)') is not null as ok`;
      if (!ok) throw new Error(`migrations at version ${version} lack auth_user_exists: run npm run migrate`);
      return `migrations at version ${version}`;
    } finally {
      await db.end();
    }
  }]);

  let failed = 0;
  for (const [name, run] of checks) {
    try {
      console.log(`ok      ${name}: ${await run()}`);
    } catch (err) {
      failed++;
      console.log(`NOT OK  ${name}: ${(err as Error).message}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
