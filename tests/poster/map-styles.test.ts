import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { applyPalette } from '@/lib/map/applyPalette';
import { buildBaseStyle, buildMapStyle } from '@/lib/map/buildStyle';
import { PALETTES, type Palette } from '@/lib/map/palettes';
import { LAYER_TOGGLES, MAP_STYLE_IDS, type LayerToggles } from '@/lib/map/styles';
import { resolveTileSource } from '@/lib/map/tileSource';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';

const offline = { tileSource: resolveTileSource({}), baseUrl: 'http://localhost:3000' };
const online = { tileSource: resolveTileSource({ TILEJSON_URL: 'https://tiles.openfreemap.org/planet', GLYPHS_URL: 'https://tiles.openfreemap.org/fonts/{fontstack}/{range}.pbf' }), baseUrl: 'http://localhost:3000', contoursTileUrl: 'dem-contour://{z}/{x}/{y}?thresholds=13*20*100' };
const allOn = Object.fromEntries(LAYER_TOGGLES.map((t) => [t, true])) as LayerToggles;

const cases = MAP_STYLE_IDS.flatMap((style) => Object.keys(PALETTES[style]).map((palette) => [style, palette] as const));

describe('map styles', () => {
  it('has eleven styles with at least three palettes each', () => {
    expect(MAP_STYLE_IDS).toHaveLength(11);
    for (const style of MAP_STYLE_IDS) expect(Object.keys(PALETTES[style]).length).toBeGreaterThanOrEqual(3);
  });

  it.each(cases)('%s / %s is a valid MapLibre style, offline and online with contours', (style, palette) => {
    const config = { ...DEFAULT_POSTER, style, palette, layers: allOn };
    for (const options of [offline, online]) {
      const built = buildMapStyle(config, options);
      expect(validateStyleMin(built as never)).toEqual([]);
    }
  });

  it.each(cases)('%s / %s paints the palette’s colours by role', (style, palette) => {
    const colors = (PALETTES[style] as Record<string, Palette>)[palette]!.colors;
    const built = buildMapStyle({ ...DEFAULT_POSTER, style, palette, layers: allOn }, offline);
    const paint = (id: string) => (built.layers.find((l) => l.id === id) as { paint: Record<string, unknown> }).paint;
    expect(paint('land')['background-color']).toBe(colors.land);
    expect(paint('water')['fill-color']).toBe(colors.water);
    expect(paint('road-major')['line-color']).toBe(colors.roadMajor);
    expect(paint('road-minor')['line-color']).toBe(colors.roadMinor);
    expect(paint('park')['fill-color']).toBe(colors.park);
  });

  it('a toggle hides exactly the layers it owns', () => {
    const base = buildBaseStyle('topographic', 'inter', online);
    const colors = PALETTES.topographic.survey.colors;
    for (const toggle of LAYER_TOGGLES) {
      const styled = applyPalette(base, colors, { ...allOn, [toggle]: false });
      const hidden = styled.layers.filter((l) => l.layout && (l.layout as { visibility?: string }).visibility === 'none').map((l) => l.id);
      const expected = base.layers.filter((l) => (l.metadata as { 'carto:toggle'?: string } | undefined)?.['carto:toggle'] === toggle).map((l) => l.id);
      expect(expected.length, `${toggle} owns some layer`).toBeGreaterThan(0);
      expect(hidden.sort()).toEqual(expected.sort());
    }
    const streetsOff = applyPalette(base, colors, { ...allOn, streets: false });
    const visibility = (id: string) => (streetsOff.layers.find((l) => l.id === id)!.layout as { visibility: string }).visibility;
    expect(visibility('road-major')).toBe('none');
    expect(visibility('water')).toBe('visible');
  });

  it('reads the OpenMapTiles source layers and maplibre-contour’s names', () => {
    const built = buildMapStyle({ ...DEFAULT_POSTER, style: 'topographic', palette: 'survey', layers: allOn }, online);
    const sourceLayers = new Set(built.layers.map((l) => (l as { 'source-layer'?: string })['source-layer']).filter(Boolean));
    for (const l of ['water', 'waterway', 'landcover', 'landuse', 'park', 'building', 'transportation', 'transportation_name', 'boundary', 'place', 'contours']) expect(sourceLayers).toContain(l);
    const contour = built.layers.find((l) => l.id === 'contours') as { paint: Record<string, unknown> };
    expect(JSON.stringify(contour.paint['line-width'])).toContain('"level"');
    expect(built.sources.openmaptiles).toMatchObject({ url: 'https://tiles.openfreemap.org/planet' });
    expect(built.sources.openmaptiles).toMatchObject({ attribution: expect.stringContaining('© OpenStreetMap contributors') });
  });

  it('offline, draws labels from the app’s own font files and needs no glyph server', () => {
    const built = buildMapStyle(DEFAULT_POSTER, offline);
    expect(built.glyphs).toBeUndefined();
    const faces = Object.values(built['font-faces'] ?? {}).flat() as { url: string }[];
    expect(faces.every((f) => f.url.startsWith('http://localhost:3000/fonts/'))).toBe(true);
    expect(built.sources.openmaptiles).toMatchObject({ tiles: ['http://localhost:3000/api/tiles/{z}/{x}/{y}'] });
    expect(built.sources.contours).toBeUndefined();
  });
});
