import { z } from 'zod';
import {
  ASPECT_RATIO_IDS,
  BACKDROPS,
  BORDERS,
  FONT_WEIGHTS,
  LAYER_TOGGLES,
  MAP_SOURCES,
  MAP_STYLE_IDS,
  ORIENTATIONS,
  PALETTE_IDS,
  PALETTE_ROLES,
  POSTER_FONT_IDS,
  TEXT_POSITIONS,
  type MapStyleId,
} from '@/types/vocabulary';
import { clientText } from '@/types/text';
import { overlaysSchema } from './overlays';

/**
 * A poster design: the single source of the `PosterConfig` type. The editor
 * store holds one, the export API stores one with each job, and the renderer
 * draws one. Every object is `.strict()`, so a misspelt field is an error
 * with its path rather than silently ignored.
 */

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour such as #1f4e8c');

export const customPaletteSchema = z.strictObject(
  Object.fromEntries(PALETTE_ROLES.map((role) => [role, hexColor])) as Record<(typeof PALETTE_ROLES)[number], typeof hexColor>,
);

export const placeSchema = z.strictObject({
  center: z.strictObject({
    lng: z.number().min(-180, 'longitude must be between -180 and 180').max(180, 'longitude must be between -180 and 180'),
    // Web Mercator stops at ±85.05°; beyond it there is no map to show.
    lat: z.number().min(-85, 'latitude must be between -85 and 85').max(85, 'latitude must be between -85 and 85'),
  }),
  /** Zoom of the map at the reference size (see `lib/poster/geometry.ts`). */
  zoom: z.number().min(0).max(18),
  bearing: z.number().min(-180).max(180),
});

export const posterTextSchema = z.strictObject({
  title: clientText().max(60, 'the title can be at most 60 characters'),
  subtitle: clientText().max(80, 'the subtitle can be at most 80 characters'),
  /** Free text, prefilled by the editor as `41.94° N, 85.63° W`. */
  coordinates: clientText().max(60, 'the coordinates line can be at most 60 characters'),
});

export const typographySchema = z.strictObject({
  font: z.enum(POSTER_FONT_IDS),
  /** Sizes as fractions of the poster width, so text scales with the print. */
  titleSize: z.number().min(0.02).max(0.2),
  subtitleSize: z.number().min(0.01).max(0.08),
  weight: z.union(FONT_WEIGHTS.map((w) => z.literal(w)) as [z.ZodLiteral<400>, z.ZodLiteral<500>, z.ZodLiteral<700>]),
  /** In em. */
  letterSpacing: z.number().min(-0.05).max(0.6),
  uppercase: z.boolean(),
  position: z.enum(TEXT_POSITIONS),
  backdrop: z.enum(BACKDROPS),
});

export const formatSchema = z.strictObject({
  aspect: z.enum(ASPECT_RATIO_IDS),
  orientation: z.enum(ORIENTATIONS),
  /** Paper around the map, as a fraction of the poster width. */
  margin: z.number().min(0).max(0.2),
  border: z.enum(BORDERS),
});

export const layerTogglesSchema = z.strictObject(
  Object.fromEntries(LAYER_TOGGLES.map((t) => [t, z.boolean()])) as Record<(typeof LAYER_TOGGLES)[number], z.ZodBoolean>,
);

export const posterConfigSchema = z
  .strictObject({
    place: placeSchema,
    text: posterTextSchema,
    style: z.enum(MAP_STYLE_IDS),
    /** A palette of the chosen style; `customPalette`, when set, replaces its colours. */
    palette: clientText(),
    customPalette: customPaletteSchema.nullable(),
    layers: layerTogglesSchema,
    typography: typographySchema,
    format: formatSchema,
    /** The map data its preview used (lib/map/tileSource.ts), so the export draws the same; unset → the deployment's default. */
    mapSource: z.enum(MAP_SOURCES).optional(),
    /** Markers and routes (types/overlays.ts); absent on posters without them. */
    overlays: overlaysSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const palettes: readonly string[] = PALETTE_IDS[config.style];
    if (!palettes.includes(config.palette)) {
      ctx.addIssue({
        code: 'custom',
        path: ['palette'],
        message: `unknown palette for style ${config.style}; expected one of ${palettes.join(', ')}`,
      });
    }
  });

export type PosterConfig = z.infer<typeof posterConfigSchema>;
export type PosterPlace = z.infer<typeof placeSchema>;
export type PosterTypography = z.infer<typeof typographySchema>;
export type PosterFormat = z.infer<typeof formatSchema>;
export type CustomPalette = z.infer<typeof customPaletteSchema>;
export type { MapStyleId };

export class InvalidPosterError extends Error {
  readonly code = 'invalid_poster';
  constructor(readonly problems: { path: string; message: string }[]) {
    super('Invalid poster:\n' + problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'));
  }
}

/** Parses untrusted input (a request body, a stored row) into a poster, or throws with each offending field's path. */
export function parsePosterConfig(input: unknown): PosterConfig {
  const result = posterConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidPosterError(result.error.issues.map((i) => ({ path: i.path.join('.') || '(poster)', message: i.message })));
}
