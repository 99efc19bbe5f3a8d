'use client';

import { useRef } from 'react';
import { overlaysOf, updateMarker } from '@/lib/overlays/edit';
import { iconBox, placeMarkers } from '@/lib/overlays/markers';
import { lngLatAt } from '@/lib/overlays/project';
import { mapViewForOutput, type PixelSize } from '@/lib/poster/geometry';
import { usePosterStore } from '@/stores/posterStore';
import type { PosterPlace } from '@/types/poster';
import styles from './editor.module.css';

/**
 * Invisible grips over the markers the preview draws (lib/overlays/markers.ts),
 * placed by the same projection, so a person drags a marker where they see
 * it. `size` is the preview in CSS px; `place` the map's live view.
 */
export function MarkerHandles({ size, place }: { size: PixelSize; place: PosterPlace }) {
  const config = usePosterStore((s) => s.config);
  const setOverlays = usePosterStore((s) => s.setOverlays);
  // The marker being dragged, and where on its icon it was grabbed (so it does not jump to the pointer).
  const dragging = useRef<{ index: number; dx: number; dy: number } | null>(null);
  if (size.width <= 0) return null;
  const placed = placeMarkers(config, size, place);

  const posterOffset = (event: React.PointerEvent<HTMLElement>) => {
    const poster = (event.currentTarget.parentElement as HTMLElement).getBoundingClientRect();
    return { x: event.clientX - poster.left, y: event.clientY - poster.top };
  };
  const moveTo = (event: React.PointerEvent<HTMLElement>) => {
    const drag = dragging.current!;
    const p = posterOffset(event);
    const current = usePosterStore.getState().config;
    const at = lngLatAt(mapViewForOutput({ format: current.format, place }, size), p.x - drag.dx, p.y - drag.dy);
    setOverlays(updateMarker(overlaysOf(current), drag.index, at));
  };

  return (
    <>
      {placed.map(({ marker, index, x, y, size: s }) => {
        const box = iconBox(marker.icon);
        return (
          <div
            key={index}
            className={styles.markerHandle}
            data-testid="marker-handle"
            data-index={index}
            title={marker.label || `Marker ${index + 1}`}
            style={{ left: x + box.left * s, top: y + box.top * s, width: (box.right - box.left) * s, height: (box.bottom - box.top) * s }}
            onPointerDown={(e) => {
              e.preventDefault();
              e.currentTarget.setPointerCapture(e.pointerId);
              const p = posterOffset(e);
              dragging.current = { index, dx: p.x - x, dy: p.y - y };
            }}
            onPointerMove={(e) => {
              if (dragging.current?.index === index) moveTo(e);
            }}
            onPointerUp={(e) => {
              if (dragging.current?.index === index) moveTo(e);
              dragging.current = null;
            }}
          />
        );
      })}
    </>
  );
}
