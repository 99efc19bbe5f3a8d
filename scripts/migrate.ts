/** Applies pending migrations to DATABASE_URL (or the embedded database), creates the Supabase bucket if it is the store, and exits. */
import { ensureSupabaseBucket } from '@/lib/storage';
import { bootLocal } from '@/scripts/boot';

const log = (m: string) => console.log(`[carto] ${m}`);
bootLocal({ log })
  .then(async (s) => {
    try {
      await ensureSupabaseBucket(log);
    } finally {
      await s.stop();
    }
  })
  .catch((e) => {
    console.error(`[carto] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
