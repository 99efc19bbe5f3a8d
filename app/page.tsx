import { Editor } from '@/components/editor/Editor';
import { env } from '@/lib/env';
import { probedMapSources } from '@/lib/map/tiles/probe';

export const dynamic = 'force-dynamic'; // the tile source comes from this deployment's environment

export default async function EditorPage() {
  return <Editor sources={await probedMapSources(env())} />;
}
