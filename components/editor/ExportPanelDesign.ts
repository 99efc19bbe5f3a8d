'use client';

import { useEffect, useRef, useState } from 'react';
import { MAP_STYLES } from '@/lib/map/styles';
import type { PosterConfig } from '@/types/poster';

/**
 * Which design the export panel's last export was made from, kept in
 * localStorage beside the export store's watched id: after a reload the
 * design on screen may be another (the editor starts from the default), and
 * the panel must not offer that file as if it were of the design now shown.
 */
export type ExportedDesign = { id: string; design: string; title: string; style: string; place: string; at: string };

const KEY = 'carto-export:exported-design';

export const designKey = (config: PosterConfig): string => JSON.stringify(config);

function read(): ExportedDesign | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null') as ExportedDesign | null;
  } catch {
    return null;
  }
}

/** Records the design of each new export (when the store's current id changes after an Export click); returns what the current export is of. */
export function useExportedDesign(currentId: string | null): { remember: (config: PosterConfig) => void; exported: ExportedDesign | null } {
  const pending = useRef<PosterConfig | null>(null);
  const [exported, setExported] = useState<ExportedDesign | null>(null);

  useEffect(() => {
    if (!currentId) return;
    const config = pending.current;
    if (config) {
      pending.current = null;
      const entry: ExportedDesign = {
        id: currentId,
        design: designKey(config),
        title: config.text.title || 'Untitled poster',
        style: MAP_STYLES[config.style].label,
        place: config.text.coordinates || `${config.place.center.lat.toFixed(2)}, ${config.place.center.lng.toFixed(2)}`,
        at: new Date().toISOString(),
      };
      localStorage.setItem(KEY, JSON.stringify(entry));
      setExported(entry);
    } else {
      const stored = read();
      setExported(stored?.id === currentId ? stored : null);
    }
  }, [currentId]);

  return { remember: (config) => (pending.current = config), exported };
}
