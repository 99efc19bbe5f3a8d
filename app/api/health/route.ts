import { checkHealth, healthStatusCode } from '@/lib/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const report = await checkHealth();
  return Response.json(report, { status: healthStatusCode(report), headers: { 'cache-control': 'no-store' } });
}
