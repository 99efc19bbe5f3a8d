'use client';

import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef } from 'react';
import { buildMapStyle } from '@/lib/map/buildStyle';
import { registerContours } from '@/lib/map/contours';
import { setAppServedWorker } from '@/lib/map/maplibreWorker';
import { pickTileSource, type MapSources } from '@/lib/map/tileSource';
import { loadPosterFonts } from '@/lib/map/fonts';
import { drawPosterMarkers } from '@/lib/overlays/markers';
import { assemblePoster } from '@/lib/poster/frame';
import { PAGE_API_GLOBAL, type CartoPageApi, type PosterLoadResult, type TileRequest, type TileResult } from '@/lib/rendering/protocol';
import { decodeRendererConfig } from '@/lib/rendering/rendererUrl';
import { parsePosterConfig, type PosterConfig } from '@/types/poster';

/**
 * Renders one rectangle of a poster at a time for the export worker (see
 * lib/rendering/protocol.ts). The viewport is the tile; the map fills it and
 * is centred on the tile's piece of the poster's map, so tiles of a poster too
 * large for one WebGL canvas line up exactly. The poster is assembled by
 * `assemblePoster`, as in the editor preview: the map's view of the piece,
 * and paper, margins and text in full-poster coordinates shifted to the tile.
 * The page stays loaded between exports: the worker hands it the next poster
 * with `setPoster`.
 */
export function PosterRenderer({ sources }: { sources: MapSources }) {
  const mapRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let map: maplibregl.Map | undefined;
    // The poster in the page: from the URL fragment at load, then whatever `setPoster` puts in.
    let config: PosterConfig | undefined;
    let configError: string | undefined;
    let posterKey: string | null = null;
    // The map still draws an earlier poster's style (or none): the next tile builds this one's.
    let styleStale = true;
    // The style the map draws, as JSON: a poster with the very same style keeps it (tiles parsed, glyphs placed).
    let styleJson: string | undefined;
    let requested = 0;
    let failed = 0;
    let styleError: string | undefined;
    let contours: Promise<string> | undefined;

    const fragment = window.location.hash.slice(1);
    if (fragment) {
      try {
        config = decodeRendererConfig(fragment);
      } catch (e) {
        configError = (e as Error).message;
      }
    } else {
      configError = 'No poster yet: the host sets one with setPoster before the first tile.';
    }

    const setPoster = async (raw: unknown, key: string): Promise<PosterLoadResult> => {
      try {
        config = parsePosterConfig(raw);
        configError = undefined;
      } catch (e) {
        config = undefined;
        configError = (e as Error).message;
      }
      posterKey = key;
      styleStale = true;
      return configError ? { ok: false, error: configError } : { ok: true };
    };

    const styleFor = async (poster: PosterConfig) => {
      // The DEM is the deployment's, the same for every poster: registered once per page.
      const tileSource = pickTileSource(sources, poster.mapSource);
      if (poster.layers.contours && tileSource.dem) contours ??= registerContours(maplibregl, tileSource.dem);
      const contoursTileUrl = poster.layers.contours && contours ? await contours : null;
      return buildMapStyle(poster, { tileSource, baseUrl: window.location.origin, contoursTileUrl });
    };

    const ensureMap = async (poster: PosterConfig, tile: TileRequest) => {
      if (map && !styleStale) return map;
      const style = await styleFor(poster);
      const json = JSON.stringify(style);
      styleStale = false;
      if (map && json === styleJson) return map;
      styleError = undefined;
      styleJson = json;
      if (map) {
        // A poster with another style on the warm map: a whole new Style (sources, tiles, glyphs,
        // symbol placement), so nothing of the last poster's state is left; the GL context,
        // compiled shaders and the browser's cache of tiles and glyphs stay. The same style is
        // kept as it is: a tile's pixels depend on its view only (tests/rendering/warmPage.test.ts).
        map.setPixelRatio(tile.pixelRatio);
        map.setStyle(style, { diff: false });
        return map;
      }
      setAppServedWorker(maplibregl, window.location.origin);
      const view = pieceView(poster, tile);
      map = new maplibregl.Map({
        container: mapRef.current!,
        style,
        center: view.center,
        zoom: view.zoom,
        bearing: view.bearing,
        pixelRatio: tile.pixelRatio,
        interactive: false,
        attributionControl: false,
        // Labels fade in over 300 ms by default; a capture must not catch them half drawn.
        fadeDuration: 0,
        maxCanvasSize: [8192, 8192],
        canvasContextAttributes: { antialias: false, preserveDrawingBuffer: true },
        transformRequest: (url: string, kind?: string) => {
          if (kind === 'Tile') requested++;
          return { url };
        },
      });
      map.on('error', (e) => {
        const source = e as unknown as { tile?: unknown; sourceId?: string };
        if (source.tile || source.sourceId) failed++;
        else styleError = e.error?.message ?? 'map error';
      });
      return map;
    };

    const renderTile = async (tile: TileRequest): Promise<TileResult> => {
      try {
        requested = 0;
        failed = 0;
        if (!config) return { ok: false, failedTiles: 0, totalTiles: 0, error: configError };
        const poster = config;
        await loadPosterFonts();
        const m = await ensureMap(poster, tile);
        if (m.getPixelRatio() !== tile.pixelRatio) m.setPixelRatio(tile.pixelRatio);
        const view = pieceView(poster, tile);
        m.resize();
        m.jumpTo({ center: view.center, zoom: view.zoom, bearing: view.bearing });
        await settled(m);
        if (styleError) return { ok: false, failedTiles: failed, totalTiles: requested, error: styleError };
        drawPaperAndText(overlayRef.current!, poster, tile, pickTileSource(sources, poster.mapSource).attribution);
        await nextFrames(2);
        return { ok: true, failedTiles: failed, totalTiles: requested };
      } catch (e) {
        return { ok: false, failedTiles: failed, totalTiles: requested, error: (e as Error).message };
      }
    };
    const api: CartoPageApi = { renderTile, setPoster, posterKey: () => posterKey };
    window[PAGE_API_GLOBAL] = api;
    return () => {
      delete window[PAGE_API_GLOBAL];
      map?.remove();
    };
  }, [sources]);

  return (
    <div style={{ position: 'fixed', inset: 0, overflow: 'hidden' }}>
      <style>{'html,body{margin:0;padding:0;overflow:hidden;background:transparent}'}</style>
      <div ref={mapRef} style={{ position: 'absolute', inset: 0 }} />
      <canvas ref={overlayRef} style={{ position: 'absolute', inset: 0, width: '100%', height: '100%' }} />
    </div>
  );
}

/** The map view covering the whole viewport, which starts at the tile's top-left output pixel. */
function pieceView(config: PosterConfig, tile: TileRequest) {
  const poster = { width: tile.posterWidth, height: tile.posterHeight };
  const piece = { x: tile.x, y: tile.y, width: window.innerWidth * tile.pixelRatio, height: window.innerHeight * tile.pixelRatio };
  return assemblePoster(config, poster, piece).mapView;
}

/** Paper outside the map rectangle, then markers, title, border and credits — in full-poster coordinates, shifted to the tile. */
function drawPaperAndText(canvas: HTMLCanvasElement, config: PosterConfig, tile: TileRequest, attribution: string) {
  canvas.width = Math.round(window.innerWidth * tile.pixelRatio);
  canvas.height = Math.round(window.innerHeight * tile.pixelRatio);
  const poster = { width: tile.posterWidth, height: tile.posterHeight };
  assemblePoster(config, poster).paintFrame(canvas.getContext('2d')!, {
    origin: { x: tile.x, y: tile.y },
    attribution,
    beneathText: (ctx) => drawPosterMarkers(ctx, config, poster),
  });
}

/**
 * Resolves once every tile is in and the GPU has really drawn: under
 * SwiftShader `idle` fires before the frame exists, so a 1×1 readPixels
 * forces the pending draw to finish.
 */
async function settled(map: maplibregl.Map) {
  await new Promise<void>((resolve) => {
    map.once('idle', () => resolve());
    map.triggerRepaint();
  });
  const gl = map.getCanvas().getContext('webgl2') ?? map.getCanvas().getContext('webgl');
  gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
}

function nextFrames(n: number) {
  return new Promise<void>((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });
}
