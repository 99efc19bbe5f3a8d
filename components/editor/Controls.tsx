'use client';

import { PALETTE_ROLES, PALETTES, resolvePalette, type Palette, type PaletteRole } from '@/lib/map/palettes';
import { LAYER_TOGGLES, MAP_STYLE_IDS, MAP_STYLES, type LayerToggle } from '@/lib/map/styles';
import type { TileSource } from '@/lib/map/tileSource';
import { PRESET_PLACES } from '@/lib/poster/defaults';
import { POSTER_FONT_IDS, POSTER_FONTS } from '@/lib/map/fonts';
import { physicalSize, posterPixelSize } from '@/lib/poster/geometry';
import { ASPECT_RATIO_IDS, ASPECT_RATIOS, BACKDROPS, BORDERS, FONT_WEIGHTS, SIZE_PRESET_IDS, SIZE_PRESETS, TEXT_POSITIONS } from '@/lib/poster/presets';
import { usePosterStore } from '@/stores/posterStore';
import styles from './editor.module.css';
import { PlaceSearch } from './PlaceSearch';

const LAYER_LABELS: Record<LayerToggle, string> = {
  streets: 'Streets', buildings: 'Buildings', water: 'Water', parks: 'Parks', railroads: 'Railroads', contours: 'Contours', labels: 'Labels',
};

export function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className={styles.section}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function PlaceControls() {
  const place = usePosterStore((s) => s.config.place);
  const setPlace = usePosterStore((s) => s.setPlace);
  const setText = usePosterStore((s) => s.setText);
  const num = (v: string, min: number, max: number, fallback: number) => {
    const n = Number(v);
    return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
  };
  return (
    <Section title="Place">
      <PlaceSearch />
      <div className={styles.chips}>
        {PRESET_PLACES.map((p) => (
          <button
            key={p.id}
            type="button"
            className={styles.chip}
            onClick={() => {
              usePosterStore.setState({ coordinatesFollowMap: true });
              setPlace({ center: { ...p.place.center }, zoom: p.place.zoom, bearing: p.place.bearing });
              setText({ title: p.name, subtitle: p.subtitle });
            }}
          >
            {p.name}
          </button>
        ))}
      </div>
      <div className={styles.row3}>
        <label>
          Latitude
          <input type="number" step="0.0001" min={-85} max={85} value={place.center.lat} aria-label="Latitude"
            onChange={(e) => setPlace({ ...place, center: { ...place.center, lat: num(e.target.value, -85, 85, place.center.lat) } })} />
        </label>
        <label>
          Longitude
          <input type="number" step="0.0001" min={-180} max={180} value={place.center.lng} aria-label="Longitude"
            onChange={(e) => setPlace({ ...place, center: { ...place.center, lng: num(e.target.value, -180, 180, place.center.lng) } })} />
        </label>
        <label>
          Zoom
          <input type="number" step="0.1" min={0} max={18} value={place.zoom} aria-label="Zoom"
            onChange={(e) => setPlace({ ...place, zoom: num(e.target.value, 0, 18, place.zoom) })} />
        </label>
      </div>
      <label className={styles.slider}>
        Rotation <span>{place.bearing}°</span>
        <input type="range" min={-180} max={180} step={1} value={place.bearing} onChange={(e) => setPlace({ ...place, bearing: Number(e.target.value) })} />
      </label>
    </Section>
  );
}

function Swatches({ palette }: { palette: Palette }) {
  const { land, water, park, roadMajor, ink } = palette.colors;
  return (
    <span className={styles.swatches} aria-hidden>
      {[land, water, park, roadMajor, ink].map((c, i) => (
        <span key={i} style={{ background: c }} />
      ))}
    </span>
  );
}

const ROLE_LABELS: Record<PaletteRole, string> = {
  paper: 'Paper', ink: 'Text & ink', land: 'Land', water: 'Water', park: 'Parks', building: 'Buildings',
  roadMajor: 'Major roads', roadMinor: 'Minor roads', rail: 'Railways', contour: 'Contours',
};

export function StyleControls() {
  const config = usePosterStore((s) => s.config);
  const { style, palette, customPalette } = config;
  const setStyle = usePosterStore((s) => s.setStyle);
  const setPalette = usePosterStore((s) => s.setPalette);
  const customizePalette = usePosterStore((s) => s.customizePalette);
  const setCustomColor = usePosterStore((s) => s.setCustomColor);
  const colors = resolvePalette(config);
  return (
    <Section title="Style">
      <div className={styles.styleGrid}>
        {MAP_STYLE_IDS.map((id) => (
          <button key={id} type="button" data-style={id} className={`${styles.styleCard} ${id === style ? styles.selected : ''}`} onClick={() => setStyle(id)}>
            <Swatches palette={Object.values(PALETTES[id])[0] as Palette} />
            {MAP_STYLES[id].label}
          </button>
        ))}
      </div>
      <h3>Palette</h3>
      <div className={styles.paletteRow}>
        {Object.entries(PALETTES[style] as Record<string, Palette>).map(([id, p]) => (
          <button key={id} type="button" data-palette={id} className={`${styles.paletteCard} ${id === palette && !customPalette ? styles.selected : ''}`} onClick={() => setPalette(id)}>
            <Swatches palette={p} />
            {p.label}
          </button>
        ))}
        <button type="button" data-palette="custom" className={`${styles.paletteCard} ${customPalette ? styles.selected : ''}`} onClick={customizePalette}>
          <Swatches palette={{ label: 'Custom', colors }} />
          Custom
        </button>
      </div>
      {customPalette && (
        <div className={styles.customColors}>
          {PALETTE_ROLES.map((role) => (
            <label key={role}>
              <input type="color" value={colors[role]} data-role={role} aria-label={`${ROLE_LABELS[role]} colour`} onChange={(e) => setCustomColor(role, e.target.value)} />
              {ROLE_LABELS[role]}
            </label>
          ))}
        </div>
      )}
    </Section>
  );
}

export function TextControls() {
  const text = usePosterStore((s) => s.config.text);
  const t = usePosterStore((s) => s.config.typography);
  const setText = usePosterStore((s) => s.setText);
  const setTypography = usePosterStore((s) => s.setTypography);
  return (
    <Section title="Text">
      <label>
        Title
        <input value={text.title} maxLength={60} aria-label="Title" onChange={(e) => setText({ title: e.target.value })} />
      </label>
      <label>
        Subtitle
        <input value={text.subtitle} maxLength={80} aria-label="Subtitle" onChange={(e) => setText({ subtitle: e.target.value })} />
      </label>
      <label>
        Coordinates
        <input value={text.coordinates} maxLength={60} aria-label="Coordinates" onChange={(e) => setText({ coordinates: e.target.value })} />
      </label>
      <div className={styles.row2}>
        <label>
          Font
          <select value={t.font} onChange={(e) => setTypography({ font: e.target.value as (typeof POSTER_FONT_IDS)[number] })}>
            {POSTER_FONT_IDS.map((id) => <option key={id} value={id}>{POSTER_FONTS[id].label}</option>)}
          </select>
        </label>
        <label>
          Weight
          <select value={t.weight} onChange={(e) => setTypography({ weight: Number(e.target.value) as (typeof FONT_WEIGHTS)[number] })}>
            {FONT_WEIGHTS.map((w) => <option key={w} value={w}>{w === 400 ? 'Regular' : w === 500 ? 'Medium' : 'Bold'}</option>)}
          </select>
        </label>
      </div>
      <label className={styles.slider}>
        Title size <span>{(t.titleSize * 100).toFixed(1)}%</span>
        <input type="range" min={0.02} max={0.2} step={0.001} value={t.titleSize} onChange={(e) => setTypography({ titleSize: Number(e.target.value) })} />
      </label>
      <label className={styles.slider}>
        Subtitle size <span>{(t.subtitleSize * 100).toFixed(1)}%</span>
        <input type="range" min={0.01} max={0.08} step={0.001} value={t.subtitleSize} onChange={(e) => setTypography({ subtitleSize: Number(e.target.value) })} />
      </label>
      <label className={styles.slider}>
        Letter spacing <span>{t.letterSpacing.toFixed(2)} em</span>
        <input type="range" min={-0.05} max={0.6} step={0.01} value={t.letterSpacing} onChange={(e) => setTypography({ letterSpacing: Number(e.target.value) })} />
      </label>
      <div className={styles.row2}>
        <label>
          Position
          <select value={t.position} onChange={(e) => setTypography({ position: e.target.value as (typeof TEXT_POSITIONS)[number] })}>
            {TEXT_POSITIONS.map((p) => <option key={p} value={p}>{p[0]!.toUpperCase() + p.slice(1)}</option>)}
          </select>
        </label>
        <label>
          Backdrop
          <select value={t.backdrop} onChange={(e) => setTypography({ backdrop: e.target.value as (typeof BACKDROPS)[number] })}>
            {BACKDROPS.map((b) => <option key={b} value={b}>{b[0]!.toUpperCase() + b.slice(1)}</option>)}
          </select>
        </label>
      </div>
      <label className={styles.check}>
        <input type="checkbox" checked={t.uppercase} onChange={(e) => setTypography({ uppercase: e.target.checked })} /> Uppercase
      </label>
    </Section>
  );
}

export function FormatControls() {
  const format = usePosterStore((s) => s.config.format);
  const size = usePosterStore((s) => s.size);
  const setFormat = usePosterStore((s) => s.setFormat);
  const setSize = usePosterStore((s) => s.setSize);
  const pixels = posterPixelSize(format, size);
  const print = physicalSize(pixels, SIZE_PRESETS[size].dpi);
  return (
    <Section title="Format">
      <div className={styles.chips}>
        {ASPECT_RATIO_IDS.map((id) => (
          <button
            key={id}
            type="button"
            className={`${styles.chip} ${id === format.aspect ? styles.selected : ''}`}
            onClick={() => setFormat(id === '16:9' ? { aspect: id, orientation: 'landscape' } : id === '9:16' ? { aspect: id, orientation: 'portrait' } : { aspect: id })}
          >
            {ASPECT_RATIOS[id].label}
          </button>
        ))}
      </div>
      <div className={styles.row2}>
        <label>
          Orientation
          <select value={format.orientation} disabled={format.aspect === '1:1'} onChange={(e) => setFormat({ orientation: e.target.value as 'portrait' | 'landscape' })}>
            <option value="portrait">Portrait</option>
            <option value="landscape">Landscape</option>
          </select>
        </label>
        <label>
          Border
          <select value={format.border} onChange={(e) => setFormat({ border: e.target.value as (typeof BORDERS)[number] })}>
            {BORDERS.map((b) => <option key={b} value={b}>{b[0]!.toUpperCase() + b.slice(1)}</option>)}
          </select>
        </label>
      </div>
      <label className={styles.slider}>
        Margin <span>{Math.round(format.margin * 100)}%</span>
        <input type="range" min={0} max={0.2} step={0.005} value={format.margin} onChange={(e) => setFormat({ margin: Number(e.target.value) })} />
      </label>
      <label>
        Size
        <select value={size} onChange={(e) => setSize(e.target.value as (typeof SIZE_PRESET_IDS)[number])}>
          {SIZE_PRESET_IDS.map((id) => <option key={id} value={id}>{SIZE_PRESETS[id].label} · {SIZE_PRESETS[id].longEdge} px</option>)}
        </select>
      </label>
      <p className={styles.note} data-testid="print-size">
        {pixels.width} × {pixels.height} px · {print.cm.width.toFixed(1)} × {print.cm.height.toFixed(1)} cm ({print.inches.width.toFixed(1)} × {print.inches.height.toFixed(1)} in) at {print.dpi} DPI
      </p>
    </Section>
  );
}

export function LayerControls({ tileSource }: { tileSource: TileSource }) {
  const layers = usePosterStore((s) => s.config.layers);
  const setLayer = usePosterStore((s) => s.setLayer);
  const unavailable: Partial<Record<LayerToggle, string>> = tileSource.dem ? {} : { contours: 'Needs a DEM source: set DEM_URL (terrarium or mapbox tiles).' };
  return (
    <Section title="Layers">
      <div className={styles.toggles}>
        {LAYER_TOGGLES.map((layer) => (
          <label key={layer} className={styles.check} title={unavailable[layer]}>
            <input type="checkbox" data-layer={layer} checked={layers[layer] && !unavailable[layer]} disabled={Boolean(unavailable[layer])} onChange={(e) => setLayer(layer, e.target.checked)} />
            {LAYER_LABELS[layer]}
          </label>
        ))}
      </div>
      {unavailable.contours && <p className={styles.note}>Contours are off: {unavailable.contours}</p>}
    </Section>
  );
}
