import type { LayerSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { PaletteColors, PaletteRole } from './palettes';
import type { LayerToggle, LayerToggles } from './styles';

/**
 * Every layer the style builder makes carries, in its `metadata`, the
 * palette role of each colour it paints and the toggle that shows or hides
 * it. `applyPalette` reads only that, so it works on any style the builder
 * made and is the one place where colours and visibility are decided.
 */
export interface LayerRoles {
  'carto:paint'?: Record<string, PaletteRole>;
  'carto:toggle'?: LayerToggle;
}

export function applyPalette(style: StyleSpecification, palette: PaletteColors, toggles: LayerToggles): StyleSpecification {
  return {
    ...style,
    layers: style.layers.map((layer) => {
      const roles = (layer.metadata ?? {}) as LayerRoles;
      const next = { ...layer } as LayerSpecification & { paint?: Record<string, unknown>; layout?: Record<string, unknown> };
      if (roles['carto:paint']) {
        next.paint = { ...next.paint };
        for (const [property, role] of Object.entries(roles['carto:paint'])) next.paint[property] = palette[role];
      }
      if (roles['carto:toggle']) {
        next.layout = { ...next.layout, visibility: toggles[roles['carto:toggle']] ? 'visible' : 'none' };
      }
      return next as LayerSpecification;
    }),
  };
}
