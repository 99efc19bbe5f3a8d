import { latToMercatorY, lngToMercatorX, mercatorXToLng, mercatorYToLat, type MapView } from '@/lib/poster/geometry';

/**
 * Where a longitude/latitude lands on a poster, and back: the projection
 * MapLibre applies to the map (Web Mercator, 512 px tiles, rotated by the
 * bearing around the map rectangle's centre), done in plain numbers so the
 * markers drawn over the preview and over every export tile sit on the same
 * spot of the map. `view` comes from `mapViewForOutput`.
 */

const TILE_SIZE = 512;

export function posterPoint(view: MapView, lng: number, lat: number): { x: number; y: number } {
  const world = TILE_SIZE * 2 ** view.zoom;
  // The nearest copy of the world, so a marker just across the antimeridian is drawn next to the centre.
  let mx = lngToMercatorX(lng) - lngToMercatorX(view.center.lng);
  mx -= Math.round(mx);
  const wx = mx * world;
  const wy = (latToMercatorY(lat) - latToMercatorY(view.center.lat)) * world;
  const b = (view.bearing * Math.PI) / 180;
  const dx = wx * Math.cos(b) + wy * Math.sin(b);
  const dy = -wx * Math.sin(b) + wy * Math.cos(b);
  return {
    x: view.rect.x + view.rect.width / 2 + dx * view.pixelRatio,
    y: view.rect.y + view.rect.height / 2 + dy * view.pixelRatio,
  };
}

export function lngLatAt(view: MapView, x: number, y: number): { lng: number; lat: number } {
  const world = TILE_SIZE * 2 ** view.zoom;
  const dx = (x - (view.rect.x + view.rect.width / 2)) / view.pixelRatio;
  const dy = (y - (view.rect.y + view.rect.height / 2)) / view.pixelRatio;
  const b = (view.bearing * Math.PI) / 180;
  const wx = dx * Math.cos(b) - dy * Math.sin(b);
  const wy = dx * Math.sin(b) + dy * Math.cos(b);
  let lng = mercatorXToLng(lngToMercatorX(view.center.lng) + wx / world);
  lng = ((((lng + 180) % 360) + 360) % 360) - 180;
  return { lng, lat: mercatorYToLat(latToMercatorY(view.center.lat) + wy / world) };
}
