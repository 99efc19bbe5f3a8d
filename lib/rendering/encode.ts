import 'server-only';
import type { Sharp } from 'sharp';
import { SRGB } from './colour';

export type ImageKind = 'png' | 'jpeg';

/**
 * PNG settings measured on a 175 MP poster (bench/render-core.mts): zlib
 * level 3 without adaptive filtering is several times faster than sharp's
 * default (6, adaptive) at a similar size for map artwork. `palette: false`
 * keeps 8-bit RGB, which a PDF can take without re-encoding.
 */
const PNG = { compressionLevel: 3, adaptiveFiltering: false, palette: false } as const;
const JPEG = { quality: 92, chromaSubsampling: '4:4:4', mozjpeg: false } as const;

/**
 * Encodes the stitched poster to `file` with its print resolution written in
 * (PNG pHYs, JPEG JFIF density) and the sRGB profile embedded (PNG iCCP,
 * JPEG APP2): Chromium renders in sRGB, and a printer should not guess.
 * The pipeline is consumed.
 */
export async function encodeImage(image: Sharp, file: string, options: { kind: ImageKind; dpi: number; timeoutSeconds: number }): Promise<void> {
  const encoded = options.kind === 'png' ? image.png(PNG) : image.jpeg(JPEG);
  await encoded.withIccProfile(SRGB).withDensity(options.dpi).timeout({ seconds: options.timeoutSeconds }).toFile(file);
}
