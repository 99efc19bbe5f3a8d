import type { NextRequest } from 'next/server';
import { personCalling } from '@/lib/http/access';
import { errorResponse } from '@/lib/http/respond';
import { getWebhookSecret } from '@/lib/webhooks/secret';
import type { ApiWebhookSecret } from '@/types/webhooks';
import { NO_STORE } from '../_lib/http';

/** The caller's webhook signing secret (made on first request), to verify the Carto-Signature of deliveries. */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const body: ApiWebhookSecret = await getWebhookSecret(await personCalling(request, 'GET /api/v1/webhook-secret'));
    return Response.json(body, { headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}
