import type { PosterConfig, PosterPlace } from '@/types/poster';

/** Places the editor offers; Three Rivers first, because the offline basemap has its streets. */
export const PRESET_PLACES = [
  { id: 'three-rivers', name: 'Three Rivers', subtitle: 'Michigan, United States', place: { center: { lng: -85.6265, lat: 41.9475 }, zoom: 14.1, bearing: 0 } },
  { id: 'great-lakes', name: 'Great Lakes', subtitle: 'North America', place: { center: { lng: -84.5, lat: 45 }, zoom: 4.6, bearing: 0 } },
  { id: 'mediterranean', name: 'Mediterranean', subtitle: 'Europe · Africa · Asia', place: { center: { lng: 18, lat: 38 }, zoom: 3.4, bearing: 0 } },
  { id: 'japan', name: 'Japan', subtitle: 'Nihon', place: { center: { lng: 137.5, lat: 37.5 }, zoom: 4.2, bearing: 0 } },
  { id: 'new-zealand', name: 'New Zealand', subtitle: 'Aotearoa', place: { center: { lng: 173, lat: -41 }, zoom: 4.4, bearing: 0 } },
] as const satisfies readonly { id: string; name: string; subtitle: string; place: PosterPlace }[];

/** `41.94° N, 85.63° W` */
export function formatCoordinates(center: { lat: number; lng: number }): string {
  const lat = `${Math.abs(center.lat).toFixed(2)}° ${center.lat >= 0 ? 'N' : 'S'}`;
  const lng = `${Math.abs(center.lng).toFixed(2)}° ${center.lng >= 0 ? 'E' : 'W'}`;
  return `${lat}, ${lng}`;
}

const first = PRESET_PLACES[0];

export const DEFAULT_POSTER: PosterConfig = {
  place: { center: { ...first.place.center }, zoom: first.place.zoom, bearing: first.place.bearing },
  text: { title: first.name, subtitle: first.subtitle, coordinates: formatCoordinates(first.place.center) },
  style: 'minimal',
  palette: 'paper',
  customPalette: null,
  layers: { streets: true, buildings: true, water: true, parks: true, railroads: true, contours: false, labels: false },
  typography: { font: 'montserrat', titleSize: 0.075, subtitleSize: 0.022, weight: 700, letterSpacing: 0.25, uppercase: true, position: 'bottom', backdrop: 'fade' },
  format: { aspect: '2:3', orientation: 'portrait', margin: 0.05, border: 'none' },
};
