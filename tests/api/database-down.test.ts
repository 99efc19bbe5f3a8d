import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freePort } from '@/lib/db/embedded';
import { signLocalToken } from '@/lib/auth/tokens';
import { GET as list } from '@/app/api/v1/exports/route';
import { GET as status } from '@/app/api/v1/exports/[id]/route';
import { apiRequest, params } from './helpers';

// This file's app talks to a database that is not there: nothing listens on the port (read once, at first use).
process.env.DATABASE_URL = `postgres://postgres:x@127.0.0.1:${await freePort()}/gone`;

describe('the database is down', () => {
  it('GET /api/v1/exports answers 503 database_unavailable with Retry-After, not 500', async () => {
    const token = await signLocalToken(randomUUID(), 'down@example.test');
    for (const res of [
      await list(apiRequest('GET', '/api/v1/exports', { token })),
      await status(apiRequest('GET', '/api/v1/exports/x', { token }), params({ id: randomUUID() })),
    ]) {
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('database_unavailable');
      expect(body.error.message).toMatch(/try again/);
    }
  });
});
