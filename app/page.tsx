import { Editor } from '@/components/editor/Editor';
import { env } from '@/lib/env';
import { resolveTileSource } from '@/lib/map/tileSource';

export const dynamic = 'force-dynamic'; // the tile source comes from this deployment's environment

export default function EditorPage() {
  return <Editor tileSource={resolveTileSource(env())} />;
}
