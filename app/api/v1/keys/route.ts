import type { NextRequest } from 'next/server';
import { createApiKey, listApiKeys } from '@/lib/auth/apiKeys';
import { personCalling } from '@/lib/http/access';
import { errorResponse, parseJsonBody } from '@/lib/http/respond';
import { apiKeyCreateSchema, type ApiKeyCreated, type ApiKeyList } from '@/types/apiKeys';
import { NO_STORE } from '../_lib/http';

/** Creates an API key for the signed-in person: 201 with the key, shown this once. */
export async function POST(request: NextRequest): Promise<Response> {
  try {
    const claims = await personCalling(request, 'POST /api/v1/keys');
    const input = await parseJsonBody(request, apiKeyCreateSchema, 4096);
    const body: ApiKeyCreated = await createApiKey(claims, input);
    return Response.json(body, { status: 201, headers: { ...NO_STORE, location: `/api/v1/keys/${body.apiKey.id}` } });
  } catch (e) {
    return errorResponse(e);
  }
}

/** The signed-in person's keys (prefix, dates, status; never the secret). */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const claims = await personCalling(request, 'GET /api/v1/keys');
    const body: ApiKeyList = { keys: await listApiKeys(claims) };
    return Response.json(body, { headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}
