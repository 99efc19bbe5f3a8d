/** The tile containing a point, as MapLibre asks for it (x wraps, so 180° is the first column). */
export function tileOf(lng: number, lat: number, z: number) {
  const n = 2 ** z;
  const x = Math.floor(((((lng + 180) / 360) % 1) + 1) % 1 * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.min(n - 1, Math.max(0, Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)));
  return { z, x, y };
}
