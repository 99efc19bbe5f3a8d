import { formatCoordinates } from '@/lib/poster/defaults';
import { posterAspect, posterGeometry, REFERENCE_POSTER_WIDTH } from '@/lib/poster/geometry';
import type { PlaceResult } from '@/types/places';
import type { PosterConfig, PosterPlace } from '@/types/poster';
import { lngWidth, type Bbox } from './extent';

/**
 * From a found place to a poster: the map framed on the place's extent for
 * this poster's shape, and the text the editor fills in (which the person can
 * still change). Pure; used by the editor, the export API and the CLI alike.
 */

// MapLibre's world is 512 px wide at zoom 0.
const WORLD_PX = 512;
// Room left around the extent, per side, as a share of the map.
const PADDING = 0.06;
const MAX_ZOOM = 16;
const MAX_LAT = 85;

const mercatorY = (lat: number) => {
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return (1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2;
};
const latOfMercatorY = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;

/** Centre and zoom that show `bbox` whole in the map of a poster of this format (at the reference size the zoom is defined for). */
export function fitExtent(bbox: Bbox, format: PosterConfig['format']): PosterPlace {
  const map = posterGeometry({ format }, { width: REFERENCE_POSTER_WIDTH, height: REFERENCE_POSTER_WIDTH / posterAspect(format) }).map;
  const dx = lngWidth(bbox) / 360;
  const top = mercatorY(bbox[3]);
  const bottom = mercatorY(bbox[1]);
  const dy = Math.max(bottom - top, 1e-9);
  const usable = 1 - 2 * PADDING;
  const zoom = Math.log2(Math.min((map.width * usable) / (Math.max(dx, 1e-9) * WORLD_PX), (map.height * usable) / (dy * WORLD_PX)));
  let lng = bbox[0] + lngWidth(bbox) / 2;
  if (lng > 180) lng -= 360;
  const lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, latOfMercatorY((top + bottom) / 2)));
  return { center: { lng: round(lng, 5), lat: round(lat, 5) }, zoom: round(Math.max(0, Math.min(MAX_ZOOM, zoom)), 2), bearing: 0 };
}

/** Title, subtitle and coordinates line for a place: "Wien" / "Vienna, Austria" / "48.21° N, 16.37° E". */
export function placeText(place: PlaceResult): PosterConfig['text'] {
  const title = (place.matchedName ?? place.name).slice(0, 60);
  const subtitle = (place.kind === 'city' ? [place.region, place.country] : place.kind === 'region' ? [place.country] : [])
    .filter((part, i, all) => part && all.indexOf(part) === i && part !== title)
    .join(', ')
    .slice(0, 80);
  return { title, subtitle, coordinates: formatCoordinates(place.center) };
}

/** The poster moved to a place: map framed on it, title, subtitle and coordinates filled in. */
export function posterAtPlace(poster: PosterConfig, place: PlaceResult): PosterConfig {
  return { ...poster, place: fitExtent(place.bbox as Bbox, poster.format), text: placeText(place) };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
