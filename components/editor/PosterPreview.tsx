'use client';

import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { buildMapStyle } from '@/lib/map/buildStyle';
import { registerContours } from '@/lib/map/contours';
import { setAppServedWorker } from '@/lib/map/maplibreWorker';
import type { TileSource } from '@/lib/map/tileSource';
import { loadPosterFonts } from '@/lib/map/fonts';
import { assemblePoster } from '@/lib/poster/frame';
import { posterAspect, REFERENCE_POSTER_WIDTH } from '@/lib/poster/geometry';
import { addMarker, overlaysOf } from '@/lib/overlays/edit';
import { drawPosterMarkers } from '@/lib/overlays/markers';
import { usePosterStore } from '@/stores/posterStore';
import type { PosterConfig, PosterPlace } from '@/types/poster';
import { MarkerHandles } from './MarkerHandles';
import styles from './editor.module.css';

/**
 * The whole poster frame, live. The map is the same logical map the export
 * renders (REFERENCE_POSTER_WIDTH wide poster, the config's zoom), shrunk to
 * the preview with a CSS transform and drawn at a matching pixel ratio, so
 * the preview shows exactly the area and line weights of the print.
 */
export function PosterPreview({ tileSource }: { tileSource: TileSource }) {
  const config = usePosterStore((s) => s.config);
  const setPlace = usePosterStore((s) => s.setPlace);
  const frameRef = useRef<HTMLDivElement>(null);
  const posterRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<HTMLDivElement>(null);
  const underlayRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const markersRef = useRef<HTMLCanvasElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  // The map's view while the person pans, before moveend tells the store: markers follow the map live.
  const [livePlace, setLivePlace] = useState<PosterPlace | null>(null);
  const pickingMarker = usePosterStore((s) => s.pickingMarker);
  const [box, setBox] = useState({ width: 0, height: 0 });
  const [fontsReady, setFontsReady] = useState(false);
  const [contoursUrl, setContoursUrl] = useState<string | null>(null);

  // Fit the poster into the space available.
  useEffect(() => {
    const frame = frameRef.current!;
    const observer = new ResizeObserver(([entry]) => setBox({ width: entry!.contentRect.width, height: entry!.contentRect.height }));
    observer.observe(frame);
    return () => observer.disconnect();
  }, []);
  const aspect = posterAspect(config.format);
  const previewWidth = Math.floor(Math.min(box.width, box.height * aspect));
  const previewHeight = Math.floor(previewWidth / aspect);
  const scale = previewWidth / REFERENCE_POSTER_WIDTH;
  const reference = { width: REFERENCE_POSTER_WIDTH, height: REFERENCE_POSTER_WIDTH / aspect };
  // The map element is the map at the reference size (the export's logical map), scaled down to the preview.
  const { mapView } = assemblePoster(config, reference);

  // Centred in its frame, the poster can land on half a pixel of the page. The canvases then snap to the pixel
  // grid one way and the scaled map the other, and the map sat ~1 px off its own frame and text. Shift the
  // poster onto whole device pixels, and place the map on whole device pixels within it.
  useLayoutEffect(() => {
    const poster = posterRef.current;
    if (!poster || previewWidth <= 0) return;
    poster.style.translate = '';
    const dpr = window.devicePixelRatio;
    const { left, top } = poster.getBoundingClientRect();
    const dx = (Math.round(left * dpr) - left * dpr) / dpr;
    const dy = (Math.round(top * dpr) - top * dpr) / dpr;
    if (dx || dy) poster.style.translate = `${dx}px ${dy}px`;
  }, [box.width, box.height, previewWidth, previewHeight]);
  const toDevicePixel = (cssPx: number) => (typeof window === 'undefined' ? cssPx : Math.round(cssPx * window.devicePixelRatio) / window.devicePixelRatio);
  const mapRect = mapView.rect;

  useEffect(() => {
    loadPosterFonts().then(() => setFontsReady(true), (e: unknown) => console.error('poster fonts failed to load', e));
  }, []);

  useEffect(() => {
    if (!config.layers.contours || !tileSource.dem || contoursUrl) return;
    registerContours(maplibregl, tileSource.dem).then(setContoursUrl, (e: unknown) => console.error('contours unavailable', e));
  }, [config.layers.contours, tileSource.dem, contoursUrl]);

  const styleInputs = styleInputsOf(config);
  const styleKey = styleKeyOf(config, contoursUrl);
  // The style the map holds, so a render that changes nothing never calls setStyle —
  // above all not while the first style is still loading, which makes MapLibre start over.
  const appliedStyleKey = useRef<string | null>(null);

  // Create the map once.
  useEffect(() => {
    const initial = usePosterStore.getState().config;
    const { place } = initial;
    appliedStyleKey.current = styleKeyOf(initial, null);
    setAppServedWorker(maplibregl, window.location.origin);
    const instance = new maplibregl.Map({
      container: mapRef.current!,
      style: buildMapStyle(initial, { tileSource, baseUrl: window.location.origin }),
      center: [place.center.lng, place.center.lat],
      zoom: place.zoom,
      bearing: place.bearing,
      // The poster draws its own credit line (see drawPosterOverlay), so the map's control would repeat it.
      attributionControl: false,
      pitchWithRotate: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    instance.on('moveend', (event: { originalEvent?: unknown }) => {
      if (!event.originalEvent) return; // our own jumpTo, not the person
      const c = instance.getCenter();
      setPlace({ center: { lng: round(c.lng, 5), lat: round(c.lat, 5) }, zoom: round(instance.getZoom(), 2), bearing: round(instance.getBearing(), 1) });
      setLivePlace(null);
    });
    instance.on('move', () => {
      if (!usePosterStore.getState().config.overlays?.markers.length) return;
      const c = instance.getCenter();
      setLivePlace({ center: { lng: c.lng, lat: c.lat }, zoom: instance.getZoom(), bearing: instance.getBearing() });
    });
    // "Add marker" then a click on the map: the marker goes where the person clicked.
    instance.on('click', (event: maplibregl.MapMouseEvent) => {
      const state = usePosterStore.getState();
      if (!state.pickingMarker) return;
      state.setPickingMarker(false);
      try {
        state.setOverlays(addMarker(overlaysOf(state.config), event.lngLat));
      } catch (e) {
        console.warn((e as Error).message);
      }
    });
    map.current = instance;
    (window as unknown as { __posterMap?: maplibregl.Map }).__posterMap = instance;
    return () => {
      instance.remove();
      map.current = null;
    };
  }, [tileSource, setPlace]);

  useEffect(() => {
    if (!map.current || appliedStyleKey.current === styleKey) return;
    appliedStyleKey.current = styleKey;
    map.current.setStyle(buildMapStyle(styleInputs, { tileSource, baseUrl: window.location.origin, contoursTileUrl: contoursUrl }));
    // styleKey stands for styleInputs, which is a new object every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [styleKey, tileSource]);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const c = m.getCenter();
    const { center, zoom, bearing } = config.place;
    if (Math.abs(c.lng - center.lng) > 1e-5 || Math.abs(c.lat - center.lat) > 1e-5 || Math.abs(m.getZoom() - zoom) > 1e-3 || Math.abs(m.getBearing() - bearing) > 0.05) {
      m.jumpTo({ center: [center.lng, center.lat], zoom, bearing });
    }
  }, [config.place]);

  useEffect(() => {
    const m = map.current;
    if (!m || scale <= 0) return;
    m.setPixelRatio(scale * window.devicePixelRatio);
    m.resize();
  }, [scale, mapView.pixelRatio, mapView.logicalWidth, mapView.logicalHeight]);

  // Paper and text, redrawn on every change; the canvas is the whole poster at screen resolution.
  useEffect(() => {
    if (previewWidth <= 0) return;
    const dpr = window.devicePixelRatio;
    const size = { width: Math.round(previewWidth * dpr), height: Math.round(previewHeight * dpr) };
    for (const canvas of [underlayRef.current!, overlayRef.current!]) {
      canvas.width = size.width;
      canvas.height = size.height;
    }
    assemblePoster(config, size).paintFrame(overlayRef.current!.getContext('2d')!, {
      under: underlayRef.current!.getContext('2d')!,
      attribution: tileSource.attribution,
      text: fontsReady,
    });
  }, [config, previewWidth, previewHeight, fontsReady, tileSource.attribution]);

  // Markers on a canvas of their own between the map and the text, redrawn as the map moves.
  useEffect(() => {
    const canvas = markersRef.current!;
    if (previewWidth <= 0) return;
    const dpr = window.devicePixelRatio;
    canvas.width = Math.round(previewWidth * dpr);
    canvas.height = Math.round(previewHeight * dpr);
    if (fontsReady) drawPosterMarkers(canvas.getContext('2d')!, config, { width: canvas.width, height: canvas.height }, livePlace ?? undefined);
  }, [config, livePlace, previewWidth, previewHeight, fontsReady]);

  return (
    <div ref={frameRef} className={styles.previewFrame}>
      <div ref={posterRef} className={`${styles.poster} ${pickingMarker ? styles.picking : ''}`} style={{ width: previewWidth, height: previewHeight }} data-testid="poster-preview">
        <canvas ref={underlayRef} className={styles.layer} />
        <div
          ref={mapRef}
          className={styles.map}
          style={{ left: toDevicePixel(mapRect.x * scale), top: toDevicePixel(mapRect.y * scale), width: mapView.logicalWidth, height: mapView.logicalHeight, transform: `scale(${scale})` }}
        />
        <canvas ref={markersRef} className={`${styles.layer} ${styles.overlay}`} data-testid="poster-markers" />
        <canvas ref={overlayRef} className={`${styles.layer} ${styles.overlay}`} data-testid="poster-overlay" />
        {!pickingMarker && <MarkerHandles size={{ width: previewWidth, height: previewHeight }} place={livePlace ?? config.place} />}
      </div>
    </div>
  );
}

/** What the map style is built from; markers are drawn on a canvas, so moving one never restyles the map. */
function styleInputsOf(config: PosterConfig) {
  const routes = config.overlays?.routes;
  return { style: config.style, palette: config.palette, customPalette: config.customPalette, layers: config.layers, typography: config.typography, overlays: routes?.length ? { markers: [], routes } : undefined };
}

// Routes may hold thousands of points: the key names the routes array by identity (the store makes a new one per edit).
const routeArrayIds = new WeakMap<object, number>();
let nextRouteArrayId = 1;
function styleKeyOf(config: PosterConfig, contoursUrl: string | null): string {
  const { overlays, ...inputs } = styleInputsOf(config);
  let routesId = 0;
  if (overlays) {
    routesId = routeArrayIds.get(overlays.routes) ?? nextRouteArrayId++;
    routeArrayIds.set(overlays.routes, routesId);
  }
  return JSON.stringify([inputs, routesId, contoursUrl]);
}

function round(value: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(value * k) / k;
}
