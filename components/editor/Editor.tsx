'use client';

import { pickTileSource, type MapSources } from '@/lib/map/tileSource';
import { usePosterStore } from '@/stores/posterStore';
import { ExportPanel } from './ExportPanel';
import { FormatControls, LayerControls, PlaceControls, StyleControls, TextControls } from './Controls';
import { MapSourceSwitch } from './MapSourceSwitch';
import { MarkerControls } from './Markers';
import { RouteControls } from './Overlays';
import { PosterPreview } from './PosterPreview';
import styles from './editor.module.css';

/** The poster editor: controls on the left, the whole poster on the right. */
export function Editor({ sources, exportPanel }: { sources: MapSources; exportPanel?: React.ReactNode }) {
  const tileSource = pickTileSource(sources, usePosterStore((s) => s.config.mapSource));
  return (
    <div className={styles.editor}>
      <aside className={styles.sidebar}>
        <header className={styles.brand}>
          <strong>carto-export</strong>
          <span>map posters, ready to print</span>
        </header>
        <PlaceControls />
        <StyleControls />
        <TextControls />
        <MarkerControls />
        <RouteControls />
        <FormatControls />
        <MapSourceSwitch sources={sources} />
        <LayerControls tileSource={tileSource} />
        {exportPanel ?? <ExportPanel />}
      </aside>
      <main className={styles.stage}>
        <PosterPreview tileSource={tileSource} />
      </main>
    </div>
  );
}
