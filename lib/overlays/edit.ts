import { EMPTY_OVERLAYS, markerSchema, type Marker, type Overlays, type Route } from '@/types/overlays';
import type { PosterConfig } from '@/types/poster';
import { OverlayFileError } from './errors';
import { OVERLAY_LIMITS } from './limits';

/** Edits of a poster's markers and routes, as pure functions the editor's store applies. */

export function overlaysOf(config: Pick<PosterConfig, 'overlays'>): Overlays {
  return config.overlays ?? EMPTY_OVERLAYS;
}

// Six decimals: about 0.1 m, finer than any print shows.
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** A new marker at a point, with the defaults of the schema; refused past the marker limit. */
export function addMarker(overlays: Overlays, at: { lng: number; lat: number }, defaults: Partial<Marker> = {}): Overlays {
  if (overlays.markers.length >= OVERLAY_LIMITS.markers) {
    throw new OverlayFileError('too_many_markers', `A poster can have at most ${OVERLAY_LIMITS.markers} markers; remove one first.`);
  }
  const marker = markerSchema.parse({ ...defaults, lng: round6(at.lng), lat: round6(clampLat(at.lat)) });
  return { ...overlays, markers: [...overlays.markers, marker] };
}

export function updateMarker(overlays: Overlays, index: number, patch: Partial<Marker>): Overlays {
  const next = { ...patch };
  if (next.lng !== undefined) next.lng = round6(((((next.lng + 180) % 360) + 360) % 360) - 180);
  if (next.lat !== undefined) next.lat = round6(clampLat(next.lat));
  return { ...overlays, markers: overlays.markers.map((m, i) => (i === index ? { ...m, ...next } : m)) };
}

export function removeMarker(overlays: Overlays, index: number): Overlays {
  return { ...overlays, markers: overlays.markers.filter((_, i) => i !== index) };
}

export function updateRoute(overlays: Overlays, index: number, patch: Partial<Omit<Route, 'data'>>): Overlays {
  return { ...overlays, routes: overlays.routes.map((r, i) => (i === index ? { ...r, ...patch } : r)) };
}

export function removeRoute(overlays: Overlays, index: number): Overlays {
  return { ...overlays, routes: overlays.routes.filter((_, i) => i !== index) };
}

// Markers stay where a poster can show them (the schema's ±85°).
function clampLat(lat: number): number {
  return Math.max(-85, Math.min(85, lat));
}
