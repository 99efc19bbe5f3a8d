import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * A small DEM the project generates, for the contour tests: a few smooth
 * hills around Three Rivers, Michigan on a 250 m plain, as terrarium-encoded
 * 256 px PNG tiles (`elevation = R·256 + G + B/256 − 32768`), the encoding of
 * AWS Terrain Tiles. Deterministic and computed per tile, so any z/x/y a map
 * asks for exists. Made up terrain: the app never serves it.
 */
const TILE_SIZE = 256;
const PLAIN_METRES = 250;
/** Gaussian hills: centre, height above the plain (m), radius (m). */
const SYNTHETIC_HILLS = [
  { lng: -85.6265, lat: 41.9475, height: 180, radius: 1200 },
  { lng: -85.6050, lat: 41.9600, height: 120, radius: 900 },
  { lng: -85.6480, lat: 41.9330, height: 150, radius: 1500 },
] as const;

const EARTH_RADIUS = 6_378_137;
const METRES_PER_DEGREE = (Math.PI * EARTH_RADIUS) / 180;

function syntheticElevation(lng: number, lat: number): number {
  let metres = PLAIN_METRES;
  for (const hill of SYNTHETIC_HILLS) {
    const dx = (lng - hill.lng) * METRES_PER_DEGREE * Math.cos((hill.lat * Math.PI) / 180);
    const dy = (lat - hill.lat) * METRES_PER_DEGREE;
    metres += hill.height * Math.exp(-(dx * dx + dy * dy) / (2 * hill.radius * hill.radius));
  }
  return metres;
}

/** One terrarium PNG tile; each pixel holds the elevation at its centre. */
async function syntheticDemTile(z: number, x: number, y: number): Promise<Buffer> {
  const pixels = Buffer.alloc(TILE_SIZE * TILE_SIZE * 3);
  const worldSize = TILE_SIZE * 2 ** z;
  for (let py = 0; py < TILE_SIZE; py++) {
    const my = (y * TILE_SIZE + py + 0.5) / worldSize;
    const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * my))) * 180) / Math.PI;
    for (let px = 0; px < TILE_SIZE; px++) {
      const lng = ((x * TILE_SIZE + px + 0.5) / worldSize) * 360 - 180;
      const v = syntheticElevation(lng, lat) + 32768;
      const i = (py * TILE_SIZE + px) * 3;
      pixels[i] = Math.floor(v / 256);
      pixels[i + 1] = Math.floor(v) % 256;
      pixels[i + 2] = Math.floor((v - Math.floor(v)) * 256);
    }
  }
  return sharp(pixels, { raw: { width: TILE_SIZE, height: TILE_SIZE, channels: 3 } }).png().toBuffer();
}

/**
 * Serves the synthetic DEM at `/{z}/{x}/{y}.png` over real HTTP, with CORS
 * (the map fetches DEM tiles from its own origin's worker, as it would from
 * AWS).
 */
export async function startSyntheticDemServer(): Promise<{ urlTemplate: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const match = /^\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const [z, x, y] = match ? match.slice(1).map(Number) : [];
    if (z === undefined || x === undefined || y === undefined || z > 20 || x >= 2 ** z || y >= 2 ** z) {
      res.writeHead(404, { 'access-control-allow-origin': '*' }).end();
      return;
    }
    syntheticDemTile(z, x, y).then(
      (png) => {
        res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=86400' }).end(png);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlTemplate: `http://127.0.0.1:${port}/{z}/{x}/{y}.png`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
