/**
 * An error raised by one of our SQL functions: a stable SQLSTATE of a class
 * of our own (CX queue, CK API keys), message = the stable code, detail = a
 * JSON object, hint = what the person should do next.
 */
export type Raised = { sqlState: string; detail: Record<string, unknown>; hint: string; message: string };

/** The parts of `e` if one of our functions raised it with a SQLSTATE of `sqlStateClass`, else null. */
export function raisedBy(e: unknown, sqlStateClass: string): Raised | null {
  if (typeof e !== 'object' || e === null) return null;
  const pg = e as { code?: unknown; message?: unknown; detail?: unknown; hint?: unknown };
  if (typeof pg.code !== 'string' || !pg.code.startsWith(sqlStateClass)) return null;
  let detail: Record<string, unknown> = {};
  try {
    detail = typeof pg.detail === 'string' ? (JSON.parse(pg.detail) as Record<string, unknown>) : {};
  } catch {
    // a detail that is not JSON carries nothing we need
  }
  const message = String(pg.message);
  return { sqlState: pg.code, detail, hint: typeof pg.hint === 'string' && pg.hint ? pg.hint : message, message };
}
