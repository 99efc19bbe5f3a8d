import 'server-only';
import { sql } from '@/lib/db/client';

/**
 * One worker call as service_role in ONE round trip. `asService` costs six
 * (begin; set_config and the call, each described before it runs because the
 * transaction pooler rules out prepared statements; commit), which made the
 * worker's claim+complete several times slower than a queue's single query.
 *
 * Instead this sends one simple-protocol message,
 * `select set_config('role', 'service_role', true); <call>`, which Postgres
 * runs as one implicit transaction: the role lasts exactly as long as the
 * call, and an error rolls the whole message back and leaves the pooled
 * connection clean. The simple protocol has no parameters, so values are
 * inlined as literals, escaped as libpq's PQescapeLiteral does.
 */

export type SqlValue = string | number | bigint | boolean | null | undefined | readonly string[] | { json: unknown };

/** Marks a value to be sent as jsonb. */
export const jsonb = (value: unknown): { json: unknown } => ({ json: value });

export function literal(value: SqlValue): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return `(${value.toString()})`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot send ${value} to Postgres`);
    return `(${String(value)})`;
  }
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `array[${value.map((v) => quote(String(v))).join(', ')}]::text[]`;
  return `${quote(JSON.stringify((value as { json: unknown }).json))}::jsonb`;
}

function quote(text: string): string {
  if (text.includes('\0')) throw new TypeError('Postgres text cannot contain NUL characters');
  const body = text.replace(/'/g, "''");
  // With a backslash, use E'' with backslashes doubled: correct whatever standard_conforming_strings says.
  return text.includes('\\') ? ` E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

/** Runs `call` (one statement, values inlined with `literal`) as service_role; returns its rows. */
export async function serviceQuery(strings: TemplateStringsArray, ...values: SqlValue[]): Promise<Record<string, unknown>[]> {
  const call = strings.reduce((text, part, i) => text + part + (i < values.length ? literal(values[i]) : ''), '');
  const results = (await sql()
    .unsafe(`select set_config('role', 'service_role', true); ${call}`)
    .simple()) as unknown as Record<string, unknown>[][];
  return [...results[1]];
}
