import 'server-only';
import type { JwtClaims } from '@/types/auth';
import { sql, type Tx } from '@/lib/db/client';

/**
 * Runs `fn` in one transaction as the caller, exactly as Supabase's API does:
 * `role` switched to `authenticated` and the JWT claims in
 * `request.jwt.claims`, so row-level security decides what the caller sees.
 * Both settings are transaction-local and vanish at commit, so a pooled
 * connection never carries one user's identity into the next transaction.
 */
export function withUser<T>(claims: JwtClaims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return sql().begin(async (tx) => {
    await tx`select set_config('role', ${claims.role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    return fn(tx);
  }) as Promise<T>;
}

/** As an unauthenticated visitor (`anon`), for the few public reads and for tests of what anon cannot do. */
export function asAnon<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return sql().begin(async (tx) => {
    await tx`select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true)`;
    return fn(tx);
  }) as Promise<T>;
}

/** As the service role (worker, cron, admin tasks): bypasses row-level security, may call worker functions. */
export function asService<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return sql().begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true)`;
    return fn(tx);
  }) as Promise<T>;
}
