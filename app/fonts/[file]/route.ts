import { posterFontFile } from '@/lib/poster/fontFiles';
import { errorResponse } from '@/lib/http/respond';

/** Poster font files, served by the app so neither the editor, the renderer nor MapLibre labels need the internet. */
export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  try {
    const bytes = await posterFontFile(file);
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': 'font/woff2', 'cache-control': 'public, max-age=31536000, immutable', 'access-control-allow-origin': '*' },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
