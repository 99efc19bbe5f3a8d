import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Calls the cron routes listed in vercel.json on their schedules, with the
 * bearer secret, as Vercel does in production — so the local default needs
 * no other scheduler and vercel.json stays the one list of cron jobs.
 */

type CronEntry = { path: string; schedule: string };

export function readVercelCrons(file = path.join(process.cwd(), 'vercel.json')): CronEntry[] {
  const config = JSON.parse(readFileSync(file, 'utf8')) as { crons?: CronEntry[] };
  return config.crons ?? [];
}

/** Whether a five-field cron expression (numbers, `*`, `*\/n`, `a-b`, lists) matches a minute, in UTC as on Vercel. */
export function cronMatches(expression: string, at: Date): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`Cron schedule "${expression}" must have five fields`);
  const values = [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay()];
  return fields.every((field, i) => field.split(',').some((part) => partMatches(part, values[i])));
}

function partMatches(part: string, value: number): boolean {
  const [range, stepText] = part.split('/');
  const step = stepText ? Number(stepText) : 1;
  let lo: number;
  let hi: number;
  if (range === '*') [lo, hi] = [0, 59];
  else if (range.includes('-')) [lo, hi] = range.split('-').map(Number) as [number, number];
  else [lo, hi] = [Number(range), stepText ? 59 : Number(range)];
  return value >= lo && value <= hi && (value - lo) % step === 0;
}

export function startLocalScheduler(opts: {
  baseUrl: string;
  cronSecret?: string;
  log: (m: string) => void;
  crons?: CronEntry[];
}): () => void {
  const crons = opts.crons ?? readVercelCrons();
  if (!crons.length) return () => {};
  const running = new Set<string>();
  const fire = async (entry: CronEntry) => {
    // A run still going when the next minute comes is not started twice, as on Vercel.
    if (running.has(entry.path)) return;
    running.add(entry.path);
    try {
      const res = await fetch(opts.baseUrl + entry.path, { headers: { authorization: `Bearer ${opts.cronSecret}` } });
      if (!res.ok) opts.log(`cron ${entry.path} answered ${res.status}`);
      await res.arrayBuffer();
    } catch (e) {
      opts.log(`cron ${entry.path} failed: ${(e as Error).message}`);
    } finally {
      running.delete(entry.path);
    }
  };
  let lastMinute = -1;
  const timer = setInterval(() => {
    const now = new Date();
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute === lastMinute) return;
    lastMinute = minute;
    for (const entry of crons) if (cronMatches(entry.schedule, now)) void fire(entry);
  }, 1_000);
  opts.log(`local scheduler: ${crons.map((c) => `${c.path} (${c.schedule})`).join(', ')}`);
  return () => clearInterval(timer);
}
