// Set before the environment is first read (lazily, by env()).
process.env.QUOTA_ACTIVE_JOBS = '5';
process.env.EXPORT_TTL_DAYS = '2';
process.env.EXPORT_BACKOFF_MAX_SECONDS = '120';

import { afterAll, describe, expect, it } from 'vitest';
import { closeSql } from '@/lib/db/client';
import { applyQueueSettings, getQueueSettings, queueSettingsFromEnv } from '@/lib/exports/settings';

afterAll(closeSql);

describe('queue limits from the environment', () => {
  it('are written to the database, where the SQL functions enforce them', async () => {
    await applyQueueSettings(queueSettingsFromEnv());
    expect(await getQueueSettings()).toMatchObject({
      maxActiveJobs: 5,
      resultTtlSeconds: 2 * 86_400,
      backoffMaxSeconds: 120,
      maxExportsPerDay: 50,
      maxStoredBytes: 100 * 1024 * 1024,
    });
  });
});
