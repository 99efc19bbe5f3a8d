/** Applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
import { bootLocal } from '@/scripts/boot';

bootLocal({ log: (m) => console.log(`[carto] ${m}`) })
  .then((s) => s.stop())
  .catch((e) => {
    console.error(`[carto] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
