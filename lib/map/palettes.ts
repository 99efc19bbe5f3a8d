import { PALETTE_IDS, PALETTE_ROLES, type MapStyleId, type PaletteIdOf, type PaletteRole } from '@/types/vocabulary';

export { PALETTE_ROLES, type PaletteRole };

/**
 * Palettes, their colours defined once, at least three per style (ids in types/vocabulary.ts). A palette names a colour
 * for each role a map layer or the poster overlay can play; `applyPalette`
 * paints a style's layers by these roles.
 */
export type PaletteColors = Record<PaletteRole, string>;

export interface Palette {
  label: string;
  colors: PaletteColors;
}

/** Compact constructor: the colours in `PALETTE_ROLES` order. */
function palette(label: string, colors: readonly [string, string, string, string, string, string, string, string, string, string]): Palette {
  return { label, colors: Object.fromEntries(PALETTE_ROLES.map((role, i) => [role, colors[i]])) as PaletteColors };
}

//                                       paper      ink        land       water      park       building   roadMajor  roadMinor  rail       contour
export const PALETTES = {
  minimal: {
    paper: palette('Paper', ['#f7f5f0', '#1f1f1f', '#f7f5f0', '#d4dadf', '#e4e6dc', '#e6e2da', '#2b2b2b', '#5c5c5c', '#8a8a8a', '#c9c3b8']),
    ink: palette('Ink', ['#ffffff', '#000000', '#ffffff', '#e9e9e9', '#f2f2f2', '#ededed', '#000000', '#3a3a3a', '#777777', '#d0d0d0']),
    sand: palette('Sand', ['#efe6d8', '#4a3b2a', '#efe6d8', '#c9d6d3', '#dfe0c8', '#e3d7c3', '#5a4632', '#7d6a55', '#9c8a74', '#cdbfa8']),
  },
  'dark-mode': {
    graphite: palette('Graphite', ['#16181c', '#e8e8e8', '#1d2026', '#0d0f12', '#232a26', '#262a31', '#d6d6d6', '#8b8f96', '#5f636b', '#3a3f47']),
    charcoal: palette('Charcoal', ['#111111', '#f2f2f2', '#161616', '#2a2a2a', '#1e241f', '#222222', '#ffffff', '#9a9a9a', '#666666', '#333333']),
    slate: palette('Slate', ['#1b2230', '#e3e8f0', '#222b3b', '#111723', '#243328', '#2b3546', '#cfd8e6', '#7f8ba0', '#5b6577', '#39455a']),
  },
  midnight: {
    neon: palette('Neon', ['#070b1a', '#f5d76e', '#0b1126', '#04060f', '#0f1d24', '#141b33', '#f5d76e', '#6f7fb8', '#3f4c7a', '#1f2a4d']),
    aurora: palette('Aurora', ['#05121a', '#8ff0d0', '#08202b', '#020a0f', '#0b2a2a', '#0f2733', '#8ff0d0', '#3fa0a8', '#2a6470', '#12404a']),
    ember: palette('Ember', ['#120806', '#ffb067', '#1a0d09', '#080302', '#1e1410', '#23130d', '#ff9a4a', '#b3562a', '#7a3a1e', '#3a1c12']),
  },
  blueprint: {
    classic: palette('Classic', ['#1f4e8c', '#ffffff', '#1f4e8c', '#2b5c9c', '#2a5894', '#2a5894', '#ffffff', '#c9dbf3', '#a9c3e8', '#4f77ad']),
    cyan: palette('Cyanotype', ['#0f3b5f', '#e6f4ff', '#0f3b5f', '#164a73', '#154569', '#174a70', '#e6f4ff', '#9fc9e8', '#7fb0d6', '#2f6a95']),
    drafting: palette('Drafting', ['#f4f1e8', '#1d3f73', '#f4f1e8', '#e3e7ee', '#e8eadf', '#ebe8df', '#1d3f73', '#4a6a9a', '#6d86ad', '#c4cbd8']),
  },
  vintage: {
    sepia: palette('Sepia', ['#efe2c6', '#4b3621', '#eadbbb', '#b8c9c0', '#cfd2a8', '#dcc9a3', '#8b5a2b', '#a07b54', '#6b5644', '#c8b48e']),
    atlas: palette('Atlas', ['#f3ead3', '#2f3b45', '#f0e4c4', '#a9c7cf', '#c9d3a0', '#e2d2ad', '#b5523b', '#8c7a60', '#5c5c5c', '#d1bf95']),
    parchment: palette('Parchment', ['#e9dcc0', '#3d2b1f', '#e4d3b1', '#9fb4ad', '#c2c59a', '#d5c09a', '#6e3b22', '#8f6d4f', '#5a4a3a', '#c5ad85']),
  },
  topographic: {
    survey: palette('Survey', ['#fbfaf5', '#2d2a26', '#f4f1e6', '#a8cbe0', '#cfe3c0', '#e0d9cc', '#c0392b', '#7a6e60', '#555555', '#c49a6c']),
    alpine: palette('Alpine', ['#f6f7f4', '#23313b', '#eef1ea', '#9cc4dd', '#c6dcc2', '#dcdcd6', '#e67e22', '#8a8f94', '#4a4a4a', '#a98a6a']),
    desert: palette('Desert', ['#f8f0e3', '#4a3326', '#f2e4cc', '#9ec3c9', '#d6dcb0', '#e6d3b8', '#a0522d', '#9a7b5f', '#6b5444', '#c98f5a']),
  },
  watercolor: {
    wash: palette('Wash', ['#fbf8f2', '#3a4a5a', '#f6efe3', '#9cc3d8', '#b7d3a8', '#ead7c6', '#8a6e62', '#b59f92', '#9a8b80', '#d8c4b0']),
    bloom: palette('Bloom', ['#fdf6f4', '#5a3a4a', '#f9ece8', '#a9cfe0', '#c5dca6', '#f0d2d0', '#c97b84', '#d6a8ae', '#b08a92', '#e6c8c8']),
    meadow: palette('Meadow', ['#f7f9f0', '#2f4a3a', '#eef3e0', '#8fc1c9', '#a9cf8a', '#dde5c8', '#6a8f5a', '#9cb48c', '#7d8f70', '#c8d4a8']),
  },
  abstract: {
    primary: palette('Primary', ['#f5f0e6', '#111111', '#f5f0e6', '#1f5fbf', '#f2c12e', '#e5ddd0', '#d7263d', '#111111', '#444444', '#cfc6b6']),
    pastel: palette('Pastel', ['#fff7f0', '#3b3b58', '#fff7f0', '#a8d8ea', '#c3e6b5', '#fbe3d4', '#ff8fa3', '#aa96da', '#8f8fb0', '#f0dfd0']),
    mono: palette('Mono', ['#eaeaea', '#0a0a0a', '#eaeaea', '#0a0a0a', '#bdbdbd', '#d4d4d4', '#0a0a0a', '#444444', '#666666', '#c4c4c4']),
  },
  atmospheric: {
    fog: palette('Fog', ['#e9ecef', '#3d4852', '#e3e7eb', '#c3ced8', '#d3dcd5', '#d9dee3', '#6c7a86', '#9aa5ae', '#8a949c', '#cfd6dc']),
    dusk: palette('Dusk', ['#2b2440', '#f2d7c9', '#322a4a', '#221c33', '#3a3550', '#3a3252', '#f2b8a0', '#9d8bb0', '#7a6c8f', '#463d60']),
    haze: palette('Haze', ['#f4ede4', '#5b4a42', '#efe5d8', '#cfd9de', '#dfe2cf', '#e6dccd', '#b07d62', '#c2aa97', '#a8968a', '#e0d3c2']),
  },
  organic: {
    moss: palette('Moss', ['#f1efe4', '#2e3b2a', '#ebe8d8', '#9fbfb8', '#a7c08a', '#dcd6c0', '#4f6b3a', '#7f8f68', '#6a6a5a', '#c2bd9c']),
    clay: palette('Clay', ['#f3e8dc', '#5a3526', '#eedfcf', '#a6c1c0', '#c2c79b', '#e2cfbb', '#b4552d', '#c08a6a', '#8a6a5a', '#d9bfa4']),
    lagoon: palette('Lagoon', ['#eef5f2', '#1f4040', '#e4efe9', '#6fb3b8', '#a3cfa0', '#d6e3dc', '#2f6f73', '#6e9e9a', '#5a7a78', '#bcd6cc']),
  },
  retro: {
    sunset: palette('Sunset', ['#fbe9d0', '#3b1f2b', '#f8e0c0', '#5fa8a3', '#f2b880', '#f0cfa8', '#e4572e', '#f29e4c', '#7a3b4a', '#e8c39e']),
    diner: palette('Diner', ['#fdf3e1', '#1b3a4b', '#fbeccf', '#4fb0c6', '#f6c85f', '#f1dcb5', '#d1495b', '#1b3a4b', '#66545e', '#e9d3a8']),
    arcade: palette('Arcade', ['#1a1033', '#ffe66d', '#22163f', '#0f0a20', '#2d1f4f', '#2b1d4d', '#ff4f9a', '#4ecdc4', '#8a7bbf', '#3a2c63']),
  },
} as const satisfies { [S in MapStyleId]: Record<PaletteIdOf<S>, Palette> };

export function paletteIdsOf(style: MapStyleId): readonly string[] {
  return PALETTE_IDS[style];
}

/** The palette a style opens with. */
export function defaultPaletteOf(style: MapStyleId): string {
  return paletteIdsOf(style)[0]!;
}

export function findPalette(style: MapStyleId, id: string): Palette | undefined {
  return (PALETTES[style] as Record<string, Palette>)[id];
}

/** The colours a poster is drawn with: its custom palette, or its style's palette. */
export function resolvePalette(config: { style: MapStyleId; palette: string; customPalette: PaletteColors | null }): PaletteColors {
  if (config.customPalette) return config.customPalette;
  return (findPalette(config.style, config.palette) ?? Object.values(PALETTES[config.style])[0]!).colors;
}
