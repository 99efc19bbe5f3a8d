import { describe, expect, it } from 'vitest';
import { cronMatches, readVercelCrons } from '@/lib/cron/localScheduler';

describe('the local scheduler', () => {
  it.each([
    ['* * * * *', '2026-01-05T10:07:00Z', true],
    ['*/5 * * * *', '2026-01-05T10:10:00Z', true],
    ['*/5 * * * *', '2026-01-05T10:11:00Z', false],
    ['0 3 * * *', '2026-01-05T03:00:00Z', true],
    ['0 3 * * *', '2026-01-05T04:00:00Z', false],
    ['15,45 * * * *', '2026-01-05T04:45:00Z', true],
    ['0 9-17 * * 1-5', '2026-01-04T12:00:00Z', false], // a Sunday
  ])('reads "%s" at %s as %s', (expr, at, expected) => {
    expect(cronMatches(expr, new Date(at))).toBe(expected);
  });

  it('rejects a schedule without five fields', () => {
    expect(() => cronMatches('* * *', new Date())).toThrow(/five fields/);
  });

  it('schedules exactly the crons listed in vercel.json, each valid', () => {
    for (const c of readVercelCrons()) {
      expect(c.path).toMatch(/^\/api\/cron\//);
      expect(() => cronMatches(c.schedule, new Date())).not.toThrow();
    }
  });
});
