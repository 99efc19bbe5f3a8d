import { randomUUID } from 'node:crypto';
import type { JSONValue } from 'postgres';
import { sql } from '@/lib/db/client';
import type { JwtClaims } from '@/types/auth';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import type { ExportRequest } from '@/types/exports';

/** A user in auth.users (the foreign key needs one) and the claims they would sign in with. */
export async function createUser(): Promise<JwtClaims> {
  const id = randomUUID();
  await sql()`insert into auth.users (id, email) values (${id}, ${`${id}@example.test`})`;
  return { sub: id, role: 'authenticated' };
}

export function posterRequest(overrides: Partial<ExportRequest> = {}): ExportRequest {
  return { poster: DEFAULT_POSTER, format: 'png', size: 'small', ...overrides };
}

/** A request as a jsonb parameter, for inserting rows directly. */
export const requestJson = (overrides: Partial<ExportRequest> = {}) => sql().json(posterRequest(overrides) as JSONValue);

/** Makes a queued job due now, as if its backoff had passed, without sleeping through it. */
export async function makeDue(id: string): Promise<void> {
  await sql()`update public.export_jobs set run_at = now() where id = ${id}`;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
