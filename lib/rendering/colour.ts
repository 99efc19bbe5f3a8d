import 'server-only';
import sharp from 'sharp';

/**
 * The sRGB ICC profile every export carries (PNG iCCP, JPEG APP2, the PDF's
 * output intent), so a print shop's RIP does not guess the colour space.
 * The bytes are libvips' own sRGB profile, the one sharp writes with
 * `withIccProfile('srgb')`, read once from a 1×1 image.
 */
let profile: Promise<Buffer> | undefined;

export function srgbProfile(): Promise<Buffer> {
  profile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then(async (png) => {
      const { icc } = await sharp(png).metadata();
      if (!icc) throw new Error('sharp wrote no ICC profile for sRGB');
      return icc;
    });
  return profile;
}

/** The name sharp takes to embed that profile. */
export const SRGB = 'srgb';
