import type { NextRequest } from 'next/server';
import { errorResponse } from '@/lib/http/respond';
import { getWebhookSecret } from '@/lib/webhooks/secret';
import type { ApiWebhookSecret } from '@/types/webhooks';
import { callerOf, NO_STORE } from '../_lib/http';

/** The caller's webhook signing secret (made on first request), to verify the Carto-Signature of deliveries. */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const body: ApiWebhookSecret = await getWebhookSecret(await callerOf(request));
    return Response.json(body, { headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}
