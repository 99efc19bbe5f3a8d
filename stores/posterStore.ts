'use client';

import { create } from 'zustand';
import { defaultPaletteOf, resolvePalette, type PaletteRole } from '@/lib/map/palettes';
import type { LayerToggle, MapStyleId } from '@/lib/map/styles';
import { DEFAULT_POSTER, formatCoordinates } from '@/lib/poster/defaults';
import type { SizePresetId } from '@/lib/poster/presets';
import type { PosterConfig, PosterFormat, PosterPlace, PosterTypography } from '@/types/poster';
import type { Overlays } from '@/types/overlays';

/**
 * The poster being edited. Controls only offer values the model accepts, so
 * the config here is always a valid `PosterConfig`, ready to be exported.
 */
export interface PosterState {
  config: PosterConfig;
  /** Size preset the export will use; shown in the editor with its print size. */
  size: SizePresetId;
  /** While true, the coordinates line follows the map centre; typing in it stops that. */
  coordinatesFollowMap: boolean;
  setPlace: (place: PosterPlace) => void;
  /** Moves the poster to a found place: map, title, subtitle and coordinates at once (all still editable). */
  showPlace: (place: PosterPlace, text: PosterConfig['text']) => void;
  setText: (text: Partial<PosterConfig['text']>) => void;
  setStyle: (style: MapStyleId) => void;
  setPalette: (palette: string) => void;
  /** Starts a custom palette from the colours on screen (no-op if one is already in use). */
  customizePalette: () => void;
  /** Changes one colour of the custom palette, starting one from the current colours if needed. */
  setCustomColor: (role: PaletteRole, color: string) => void;
  setLayer: (layer: LayerToggle, on: boolean) => void;
  setTypography: (typography: Partial<PosterTypography>) => void;
  setFormat: (format: Partial<PosterFormat>) => void;
  setSize: (size: SizePresetId) => void;
  /** Markers and routes (lib/overlays/edit.ts makes the edits). */
  setOverlays: (overlays: Overlays) => void;
  /** While true, the next click on the preview map places a marker there. */
  pickingMarker: boolean;
  setPickingMarker: (on: boolean) => void;
  replace: (config: PosterConfig) => void;
}

export const usePosterStore = create<PosterState>()((set) => ({
  config: DEFAULT_POSTER,
  size: 'medium',
  coordinatesFollowMap: true,
  setPlace: (place) =>
    set((s) => ({
      config: {
        ...s.config,
        place,
        text: s.coordinatesFollowMap ? { ...s.config.text, coordinates: formatCoordinates(place.center) } : s.config.text,
      },
    })),
  // The coordinates line is the place's own again, so it follows the map from here.
  showPlace: (place, text) => set((s) => ({ config: { ...s.config, place, text }, coordinatesFollowMap: true })),
  setText: (text) =>
    set((s) => ({
      config: { ...s.config, text: { ...s.config.text, ...text } },
      coordinatesFollowMap: text.coordinates !== undefined ? false : s.coordinatesFollowMap,
    })),
  setStyle: (style) => set((s) => ({ config: { ...s.config, style, palette: defaultPaletteOf(style), customPalette: null } })),
  setPalette: (palette) => set((s) => ({ config: { ...s.config, palette, customPalette: null } })),
  customizePalette: () => set((s) => ({ config: { ...s.config, customPalette: resolvePalette(s.config) } })),
  setCustomColor: (role, color) => set((s) => ({ config: { ...s.config, customPalette: { ...resolvePalette(s.config), [role]: color } } })),
  setLayer: (layer, on) => set((s) => ({ config: { ...s.config, layers: { ...s.config.layers, [layer]: on } } })),
  setTypography: (typography) => set((s) => ({ config: { ...s.config, typography: { ...s.config.typography, ...typography } } })),
  setFormat: (format) => set((s) => ({ config: { ...s.config, format: { ...s.config.format, ...format } } })),
  setSize: (size) => set({ size }),
  setOverlays: (overlays) => set((s) => ({ config: { ...s.config, overlays } })),
  pickingMarker: false,
  setPickingMarker: (pickingMarker) => set({ pickingMarker }),
  replace: (config) => set({ config }),
}));
