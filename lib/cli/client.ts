import type { CliAuth } from '@/lib/cli/args';
import { readApiProblem } from '@/lib/http/apiProblem';
import type { ApiExport } from '@/types/api';
import type { ExportRequest } from '@/types/exports';

/**
 * The CLI's view of the HTTP API: the same routes the export panel uses, so
 * a CLI export goes through the same validation, quotas, queue and worker.
 */

/** The app answered with an error; `status` and `code` are the API's. */
export class ApiRequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

/** Nothing answered at the URL (refused, DNS, timeout). */
export class AppUnreachable extends Error {}

export type ExportClient = {
  createExport(request: ExportRequest & { webhookUrl?: string }, idempotencyKey: string): Promise<ApiExport>;
  getExport(id: string): Promise<ApiExport>;
  cancelExport(id: string): Promise<ApiExport>;
  /** The file's bytes, through the download route's redirect to a short-lived signed URL. */
  download(downloadUrl: string): Promise<Uint8Array>;
};

export async function connect(appUrl: string, auth: CliAuth): Promise<ExportClient> {
  const authorization = auth.kind === 'apiKey' ? `Bearer ${auth.apiKey}` : `Bearer ${await signInLocally(appUrl, auth.email)}`;

  async function call<T>(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await request(appUrl, route, {
      method,
      headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw await apiError(response);
    return (await response.json()) as T;
  }

  return {
    createExport: (exportRequest, idempotencyKey) => call<ApiExport>('POST', '/api/v1/exports', exportRequest, { 'idempotency-key': idempotencyKey }),
    getExport: (id) => call<ApiExport>('GET', `/api/v1/exports/${encodeURIComponent(id)}`),
    cancelExport: (id) => call<ApiExport>('DELETE', `/api/v1/exports/${encodeURIComponent(id)}`),
    async download(downloadUrl) {
      const response = await request(appUrl, downloadUrl, { headers: { authorization } });
      if (!response.ok) throw await apiError(response);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** Local sign-in of the embedded default (an email, no password): its token is a Bearer token like any other. */
async function signInLocally(appUrl: string, email: string): Promise<string> {
  const response = await request(appUrl, '/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (!response.ok) {
    const error = await apiError(response);
    if (error.code === 'local_sign_in_disabled') {
      throw new ApiRequestError(401, error.code, 'This app signs users in through Supabase, so the CLI needs an API key: create one on the settings page and pass it as CARTO_API_KEY (or --api-key).');
    }
    throw error;
  }
  const { accessToken } = (await response.json()) as { accessToken: string };
  return accessToken;
}

async function request(appUrl: string, route: string, init: RequestInit): Promise<Response> {
  const url = new URL(route, appUrl + '/');
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    // undici puts the socket error in `cause`, an AggregateError when both IPv4 and IPv6 were tried.
    const cause = (e as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
    const reason = cause?.code ?? cause?.errors?.[0]?.code ?? (cause as Error | undefined)?.message ?? (e as Error).message;
    throw new AppUnreachable(
      `No carto-export app answered at ${appUrl} (${reason}). Start one with \`npm run dev\`, or point --url (or CARTO_URL) at a deployed app.`,
    );
  }
}

async function apiError(response: Response): Promise<ApiRequestError> {
  const { status, code, message, details } = await readApiProblem(response);
  return new ApiRequestError(status, code, message, details);
}
