import type { NextRequest } from 'next/server';
import { personCalling } from '@/lib/http/access';
import { errorResponse } from '@/lib/http/respond';
import { rotateWebhookSecret } from '@/lib/webhooks/secret';
import type { ApiWebhookSecret } from '@/types/webhooks';
import { NO_STORE } from '../../_lib/http';

/** Replaces the caller's signing secret at once; deliveries from now on are signed with the new one. */
export async function POST(request: NextRequest): Promise<Response> {
  try {
    const body: ApiWebhookSecret = await rotateWebhookSecret(await personCalling(request, 'POST /api/v1/webhook-secret/rotate'));
    return Response.json(body, { headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}
