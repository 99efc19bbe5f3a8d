import type { ApiError } from '@/types/api';

/**
 * The one reader of the API's error responses, for every client of the API:
 * the export panel, history and download pages (through the export store),
 * the settings page and the CLI. The server writes `{ error: { code,
 * message, details } }` (lib/http/respond.ts); this turns any failed response,
 * ours or a proxy's, into a problem whose message a person can act on.
 */
export type ApiProblem = { status: number; code: string; message: string; details?: unknown; retryAfterSeconds?: number };

export async function readApiProblem(res: Response): Promise<ApiProblem> {
  let error: Partial<ApiError['error']> | undefined;
  try {
    error = (JSON.parse(await res.text()) as Partial<ApiError>).error;
  } catch {
    // not our body (a proxy's HTML page, a cut-off response): say what the server answered
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  return {
    status: res.status,
    code: typeof error?.code === 'string' ? error.code : `http_${res.status}`,
    message:
      typeof error?.message === 'string' && error.message
        ? error.message
        : `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}. Try again in a moment.`,
    ...(error?.details !== undefined ? { details: error.details } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  };
}
