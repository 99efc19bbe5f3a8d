'use client';

import { useEffect, useState } from 'react';
import { defaultMapSource, OFFLINE_STREET_DETAIL, pickTileSource, STREET_ZOOM, type MapSources, type TileSource } from '@/lib/map/tileSource';
import { usePosterStore } from '@/stores/posterStore';
import styles from './editor.module.css';

/**
 * Which map data the poster uses, with a switch, and what that data holds
 * where the poster is: the offline basemap has streets for one town only, and
 * a tiles file only for its own region, so the editor says so before export.
 */
export function MapSourceSwitch({ sources }: { sources: MapSources }) {
  const config = usePosterStore((s) => s.config);
  const replace = usePosterStore((s) => s.replace);
  const tileSource = pickTileSource(sources, config.mapSource);

  // A new poster takes this deployment's default, stored with it so the export renders what the preview showed.
  useEffect(() => {
    if (!config.mapSource) replace({ ...usePosterStore.getState().config, mapSource: defaultMapSource(sources) });
  }, [config.mapSource, replace, sources]);

  const notice = useStreetDetailNotice(tileSource, config.place.center, config.place.zoom);
  const choose = (mapSource: 'online' | 'offline') => replace({ ...usePosterStore.getState().config, mapSource });
  const localLabel = sources.local.kind === 'file' ? 'Your tiles file (TILES_FILE)' : 'Offline basemap';

  return (
    <section className={styles.section} data-testid="map-source">
      <h2>Map data</h2>
      {sources.forced ? (
        <p className={styles.note} data-source="online">Online tiles set by TILEJSON_URL.</p>
      ) : (
        <div className={styles.chips} role="radiogroup" aria-label="Map data">
          {sources.online && (
            <label className={styles.check} title={sources.onlineReachable ? undefined : 'Did not answer from this server; you can still choose it.'}>
              <input type="radio" name="map-source" data-source="online" checked={tileSource.kind === 'online'} onChange={() => choose('online')} />
              Online planet{sources.onlineReachable ? '' : ' (unreachable)'}
            </label>
          )}
          <label className={styles.check}>
            <input type="radio" name="map-source" data-source="offline" checked={tileSource.kind !== 'online'} onChange={() => choose('offline')} />
            {localLabel}
          </label>
        </div>
      )}
      {notice && <p className={styles.note} role="status" data-testid="map-source-notice">{notice}</p>}
    </section>
  );
}

/** The words for a place the source in use has no street detail for, or null. */
function useStreetDetailNotice(tileSource: TileSource, center: { lng: number; lat: number }, zoom: number): string | null {
  const [fileBounds, setFileBounds] = useState<[number, number, number, number] | null>(null);
  useEffect(() => {
    if (tileSource.kind !== 'file') return;
    fetch(tileSource.tilejsonPath)
      .then((r) => r.json() as Promise<{ bounds?: [number, number, number, number] }>)
      .then((tj) => setFileBounds(tj.bounds ?? null))
      .catch(() => setFileBounds(null));
  }, [tileSource]);

  if (zoom < STREET_ZOOM || tileSource.kind === 'online') return null;
  const inside = (b: [number, number, number, number]) => center.lng >= b[0] && center.lng <= b[2] && center.lat >= b[1] && center.lat <= b[3];
  if (tileSource.kind === 'offline' && !inside(OFFLINE_STREET_DETAIL.bounds)) {
    return `No street detail here offline: the offline basemap has streets only for ${OFFLINE_STREET_DETAIL.name}. This poster will show coastlines, lakes, rivers, borders and place names. For streets, choose the online planet, or set TILES_FILE to a tiles file of this region.`;
  }
  if (tileSource.kind === 'file' && fileBounds && !inside(fileBounds)) {
    return 'This place is outside your tiles file: the poster will be empty here. Choose the online planet, or a tiles file that covers this region.';
  }
  return null;
}
