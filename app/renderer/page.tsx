import { env } from '@/lib/env';
import { resolveTileSource } from '@/lib/map/tileSource';
import { PosterRenderer } from './PosterRenderer';

export const dynamic = 'force-dynamic';

/**
 * The page the export worker loads in headless Chromium. The poster config
 * arrives in the URL fragment (never sent to the server, never in logs); the
 * tile source is this deployment's, exactly as the editor gets it.
 */
export default function RendererPage() {
  return <PosterRenderer tileSource={resolveTileSource(env())} />;
}
