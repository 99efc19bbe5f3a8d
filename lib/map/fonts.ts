import { FONT_WEIGHTS, POSTER_FONT_IDS, type FontWeight, type PosterFontId } from '@/types/vocabulary';

export { POSTER_FONT_IDS, type PosterFontId };

/**
 * The poster fonts. Each ships with the app in an `@fontsource/*` package and
 * is served by `app/fonts/[file]/route.ts`, so neither the editor, the
 * renderer nor a MapLibre label ever fetches a font from the internet.
 */
export const POSTER_FONTS = {
  inter: { label: 'Inter', family: 'Inter', pkg: 'inter', kind: 'sans' },
  montserrat: { label: 'Montserrat', family: 'Montserrat', pkg: 'montserrat', kind: 'sans' },
  'space-grotesk': { label: 'Space Grotesk', family: 'Space Grotesk', pkg: 'space-grotesk', kind: 'sans' },
  oswald: { label: 'Oswald', family: 'Oswald', pkg: 'oswald', kind: 'condensed' },
  'playfair-display': { label: 'Playfair Display', family: 'Playfair Display', pkg: 'playfair-display', kind: 'serif' },
  lora: { label: 'Lora', family: 'Lora', pkg: 'lora', kind: 'serif' },
} as const satisfies Record<PosterFontId, { label: string; family: string; pkg: string; kind: string }>;

/** Path under the app where a font file is served. */
export const FONT_ROUTE = '/fonts';

export function fontFileName(font: PosterFontId, weight: FontWeight): string {
  return `${POSTER_FONTS[font].pkg}-latin-${weight}-normal.woff2`;
}

/** Every file the font route may serve, by file name → package folder (an allow-list, not a path from the URL). */
export const FONT_FILES: ReadonlyMap<string, string> = new Map(
  POSTER_FONT_IDS.flatMap((id) => FONT_WEIGHTS.map((w) => [fontFileName(id, w), `@fontsource/${POSTER_FONTS[id].pkg}/files`] as const)),
);

/** The CSS family the Canvas overlay draws with; namespaced so the page's own CSS cannot restyle it. */
export function canvasFontFamily(font: PosterFontId): string {
  return `poster-${font}`;
}

/** The font name used in MapLibre `text-font` and declared in the style's `font-faces`. */
export function mapFontName(font: PosterFontId, weight: FontWeight): string {
  return `${POSTER_FONTS[font].family} ${weight}`;
}

let loading: Promise<void> | undefined;

/**
 * Loads every poster font into `document.fonts` (idempotent). Canvas 2D does
 * not wait for web fonts — it silently draws with a fallback — so the
 * overlay must only be drawn after this resolves.
 */
export function loadPosterFonts(baseUrl = ''): Promise<void> {
  loading ??= Promise.all(
    POSTER_FONT_IDS.flatMap((id) =>
      FONT_WEIGHTS.map(async (weight) => {
        const face = new FontFace(canvasFontFamily(id), `url(${baseUrl}${FONT_ROUTE}/${fontFileName(id, weight)})`, {
          weight: String(weight),
        });
        document.fonts.add(await face.load());
      }),
    ),
  ).then(
    () => undefined,
    (error: unknown) => {
      loading = undefined; // let a later call retry rather than keep a failed load forever
      throw error;
    },
  );
  return loading;
}

/** Whether the poster fonts are ready for Canvas drawing (starts loading them if nobody has). */
export function fontsLoaded(): Promise<void> {
  return loadPosterFonts();
}
