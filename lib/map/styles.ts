import { LAYER_TOGGLES, MAP_STYLE_IDS, type LayerToggle, type MapStyleId } from '@/types/vocabulary';

export { LAYER_TOGGLES, MAP_STYLE_IDS, type LayerToggle, type MapStyleId };

/**
 * The eleven map styles (ids in types/vocabulary.ts), each recipe defined once. A style is not a hand-written JSON
 * file: it is a recipe of a few knobs that the one style builder
 * (`buildStyle.ts`) turns into MapLibre layers, so every style gets every
 * fix, and every palette fits every layer.
 */
export interface StyleRecipe {
  label: string;
  /** Multiplies every road width. */
  roadWeight: number;
  /** Roads drawn with a darker casing under them. */
  casing: boolean;
  /** Blur on road lines, in CSS px at the reference size (soft, glowing looks). */
  roadBlur: number;
  /** Water drawn as a fill, or as outlines only (a technical drawing). */
  water: 'fill' | 'outline';
  buildings: 'fill' | 'outline';
  /** Forests and grass (landcover) drawn, not only parks. */
  landcover: boolean;
  /** Opacity of park and landcover fills. */
  greenOpacity: number;
  /** A wide soft halo under water edges (painted look). */
  waterHalo: boolean;
  /** Minor streets hidden below this zoom, for a cleaner figure at city scale. */
  minorRoadsFrom: number;
}

export const MAP_STYLES = {
  minimal: { label: 'Minimal', roadWeight: 0.8, casing: false, roadBlur: 0, water: 'fill', buildings: 'fill', landcover: false, greenOpacity: 0.6, waterHalo: false, minorRoadsFrom: 11 },
  'dark-mode': { label: 'Dark mode', roadWeight: 0.9, casing: false, roadBlur: 0, water: 'fill', buildings: 'fill', landcover: false, greenOpacity: 0.5, waterHalo: false, minorRoadsFrom: 11 },
  midnight: { label: 'Midnight', roadWeight: 1, casing: false, roadBlur: 0.8, water: 'fill', buildings: 'fill', landcover: false, greenOpacity: 0.4, waterHalo: false, minorRoadsFrom: 11 },
  blueprint: { label: 'Blueprint', roadWeight: 0.7, casing: false, roadBlur: 0, water: 'outline', buildings: 'outline', landcover: false, greenOpacity: 0.25, waterHalo: false, minorRoadsFrom: 10 },
  vintage: { label: 'Vintage', roadWeight: 1.1, casing: true, roadBlur: 0, water: 'fill', buildings: 'fill', landcover: true, greenOpacity: 0.5, waterHalo: false, minorRoadsFrom: 11 },
  topographic: { label: 'Topographic', roadWeight: 0.8, casing: true, roadBlur: 0, water: 'fill', buildings: 'fill', landcover: true, greenOpacity: 0.55, waterHalo: false, minorRoadsFrom: 12 },
  watercolor: { label: 'Watercolor', roadWeight: 1.2, casing: false, roadBlur: 0.6, water: 'fill', buildings: 'fill', landcover: true, greenOpacity: 0.55, waterHalo: true, minorRoadsFrom: 12 },
  abstract: { label: 'Abstract', roadWeight: 1.6, casing: false, roadBlur: 0, water: 'fill', buildings: 'fill', landcover: false, greenOpacity: 1, waterHalo: false, minorRoadsFrom: 10 },
  atmospheric: { label: 'Atmospheric', roadWeight: 0.9, casing: false, roadBlur: 1.2, water: 'fill', buildings: 'fill', landcover: true, greenOpacity: 0.35, waterHalo: true, minorRoadsFrom: 11 },
  organic: { label: 'Organic', roadWeight: 1.3, casing: false, roadBlur: 0.3, water: 'fill', buildings: 'fill', landcover: true, greenOpacity: 0.8, waterHalo: false, minorRoadsFrom: 11 },
  retro: { label: 'Retro', roadWeight: 1.2, casing: true, roadBlur: 0, water: 'fill', buildings: 'fill', landcover: false, greenOpacity: 0.7, waterHalo: false, minorRoadsFrom: 11 },
} as const satisfies Record<MapStyleId, StyleRecipe>;

export type LayerToggles = Record<LayerToggle, boolean>;
