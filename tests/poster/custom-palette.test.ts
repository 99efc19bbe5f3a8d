import { beforeEach, describe, expect, it } from 'vitest';
import { buildMapStyle } from '@/lib/map/buildStyle';
import { PALETTES } from '@/lib/map/palettes';
import { resolveTileSource } from '@/lib/map/tileSource';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { usePosterStore } from '@/stores/posterStore';
import { parsePosterConfig } from '@/types/poster';

const options = { tileSource: resolveTileSource({}), baseUrl: 'http://localhost:3000' };
const paint = (config: Parameters<typeof buildMapStyle>[0], id: string) =>
  (buildMapStyle(config, options).layers.find((l) => l.id === id) as { paint: Record<string, unknown> }).paint;

describe('a custom palette in the editor', () => {
  beforeEach(() => usePosterStore.getState().replace(DEFAULT_POSTER));

  it('starts from the palette on screen, so choosing Custom changes nothing until a colour is changed', () => {
    const store = usePosterStore.getState();
    store.setStyle('retro');
    store.setPalette('sunset');
    usePosterStore.getState().customizePalette();
    expect(usePosterStore.getState().config.customPalette).toEqual(PALETTES.retro.sunset.colors);
  });

  it('paints the map with a changed colour and keeps the others, and the poster stays valid for export', () => {
    usePosterStore.getState().customizePalette();
    usePosterStore.getState().setCustomColor('water', '#ff0000');
    const { config } = usePosterStore.getState();
    expect(paint(config, 'water')['fill-color']).toBe('#ff0000');
    expect(paint(config, 'road-major')['line-color']).toBe(PALETTES.minimal.paper.colors.roadMajor);
    expect(parsePosterConfig(config)).toEqual(config);
  });

  it('changing one colour without choosing Custom first starts one from the current palette', () => {
    usePosterStore.getState().setCustomColor('land', '#123456');
    expect(usePosterStore.getState().config.customPalette).toEqual({ ...PALETTES.minimal.paper.colors, land: '#123456' });
  });

  it('choosing a preset palette or another style drops the custom colours', () => {
    usePosterStore.getState().setCustomColor('land', '#123456');
    usePosterStore.getState().setPalette('ink');
    expect(usePosterStore.getState().config.customPalette).toBeNull();
    expect(paint(usePosterStore.getState().config, 'land')['background-color']).toBe(PALETTES.minimal.ink.colors.land);
  });
});
