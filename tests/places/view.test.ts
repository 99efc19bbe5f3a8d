import { describe, expect, it } from 'vitest';
import { cityExtent, sensibleExtent } from '@/lib/places/extent';
import { fitExtent, placeText } from '@/lib/places/view';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import type { PlaceResult } from '@/types/places';

/** From a found place to the poster's map and text: pure geometry, no index needed. */
const portrait = DEFAULT_POSTER.format;
const landscape = { ...portrait, orientation: 'landscape' as const };

describe('framing a place on the poster', () => {
  it('shows a tall country larger on a portrait poster than on a landscape one, centred on it', () => {
    const chile: [number, number, number, number] = [-75.6, -55.9, -66.4, -17.5];
    const tall = fitExtent(chile, portrait);
    const wide = fitExtent(chile, landscape);
    expect(tall.zoom).toBeGreaterThan(wide.zoom + 0.4);
    expect(tall.center.lng).toBeCloseTo(-71, 1);
    expect(tall.center.lat).toBeGreaterThan(-55.9);
    expect(tall.center.lat).toBeLessThan(-17.5);
    expect(tall.bearing).toBe(0);
  });

  it('zooms in further on a town than on a city, and never past street level', () => {
    const town = fitExtent(cityExtent({ lng: -85.63, lat: 41.95 }, 7_000), portrait);
    const city = fitExtent(cityExtent({ lng: 139.69, lat: 35.69 }, 8_000_000), portrait);
    expect(town.zoom).toBeGreaterThan(city.zoom + 1.5);
    expect(town.zoom).toBeLessThanOrEqual(16);
    expect(city.zoom).toBeGreaterThan(8);
  });

  it('centres a box across the antimeridian on its middle, not on Greenwich', () => {
    const fiji = fitExtent([177.2, -19.2, -179.8, -16.1], portrait);
    expect(Math.abs(fiji.center.lng)).toBeGreaterThan(178);
    expect(fiji.zoom).toBeGreaterThan(5);
  });

  it('keeps a country to its main land: not a box from Europe to South America', () => {
    const square = (w: number, s: number, size: number): [number, number][] => [[w, s], [w + size, s], [w + size, s + size], [w, s + size], [w, s]];
    const mainland = square(-4, 43, 8);
    const island = square(8.5, 41.5, 1); // Corsica-like: near, big enough
    const overseas = square(-54, 2, 3); // French Guiana-like: far away
    expect(sensibleExtent([mainland, island, overseas])).toEqual([-4, 41.5, 9.5, 51]);
  });
});

describe('the text a place fills in', () => {
  const place = (p: Partial<PlaceResult>): PlaceResult => ({ id: 'x', kind: 'city', name: 'Vienna', country: 'Austria', countryCode: 'AT', center: { lng: 16.37208, lat: 48.20849 }, bbox: [16, 48, 17, 49], source: 'offline', ...p });
  it('titles a city with the name searched for, its region and country below, and its coordinates', () => {
    expect(placeText(place({ matchedName: 'Wien', region: 'Vienna' }))).toEqual({ title: 'Wien', subtitle: 'Vienna, Austria', coordinates: '48.21° N, 16.37° E' });
    expect(placeText(place({ region: 'Vienna' })).subtitle).toBe('Austria');
    expect(placeText(place({ kind: 'region', name: 'Texas', country: 'United States', center: { lng: -99.1, lat: 31.2 } }))).toEqual({ title: 'Texas', subtitle: 'United States', coordinates: '31.20° N, 99.10° W' });
    expect(placeText(place({ kind: 'country', name: 'Italy', country: 'Italy' })).subtitle).toBe('');
  });
});
