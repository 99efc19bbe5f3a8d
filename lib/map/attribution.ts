/** Credits every map and poster must carry. OSM data is ODbL: the credit is a licence condition, not decoration. */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors';
export const NATURAL_EARTH_ATTRIBUTION = 'Natural Earth';

/** The credit line for a tile source: OSM always, plus the provider's own credit. */
export function attributionText(providerCredit: string | null): string {
  return [OSM_ATTRIBUTION, providerCredit].filter(Boolean).join(' · ');
}
