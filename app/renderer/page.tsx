import { env } from '@/lib/env';
import { probedMapSources } from '@/lib/map/tiles/probe';
import { PosterRenderer } from './PosterRenderer';

export const dynamic = 'force-dynamic';

/**
 * The page the export worker loads in headless Chromium. The poster config
 * arrives in the URL fragment (never sent to the server, never in logs); the
 * tile source is the one the poster stored (`mapSource`), as its preview used it.
 */
export default async function RendererPage() {
  return <PosterRenderer sources={await probedMapSources(env())} />;
}
