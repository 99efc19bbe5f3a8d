'use client';

import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef } from 'react';
import { buildMapStyle } from '@/lib/map/buildStyle';
import { registerContours } from '@/lib/map/contours';
import { setAppServedWorker } from '@/lib/map/maplibreWorker';
import type { TileSource } from '@/lib/map/tileSource';
import { loadPosterFonts } from '@/lib/poster/fonts';
import { mapViewForOutput, mapViewOfPiece, posterGeometry } from '@/lib/poster/geometry';
import { drawPosterOverlay, drawPosterUnderlay } from '@/lib/poster/overlay';
import { drawPosterMarkers } from '@/lib/overlays/markers';
import { PAGE_API_GLOBAL, type TileRequest, type TileResult } from '@/lib/rendering/protocol';
import { decodeRendererConfig } from '@/lib/rendering/rendererUrl';
import type { PosterConfig } from '@/types/poster';

/**
 * Renders one rectangle of a poster at a time for the export worker (see
 * lib/rendering/protocol.ts). The viewport is the tile; the map fills it and
 * is centred on the tile's piece of the poster's map, so tiles of a poster too
 * large for one WebGL canvas line up exactly. Paper, margins and text come
 * from the same overlay functions the editor preview uses, drawn in
 * full-poster coordinates shifted to the tile.
 */
export function PosterRenderer({ tileSource }: { tileSource: TileSource }) {
  const mapRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let map: maplibregl.Map | undefined;
    let config: PosterConfig;
    try {
      config = decodeRendererConfig(window.location.hash.slice(1));
    } catch (e) {
      (window as unknown as Record<string, unknown>)[PAGE_API_GLOBAL] = {
        renderTile: async (): Promise<TileResult> => ({ ok: false, failedTiles: 0, totalTiles: 0, error: (e as Error).message }),
      };
      return;
    }
    let requested = 0;
    let failed = 0;
    let styleError: string | undefined;

    const ensureMap = async (tile: TileRequest) => {
      if (map) return map;
      setAppServedWorker(maplibregl, window.location.origin);
      const contoursTileUrl = config.layers.contours && tileSource.dem ? await registerContours(maplibregl, tileSource.dem) : null;
      const style = buildMapStyle(config, { tileSource, baseUrl: window.location.origin, contoursTileUrl });
      const view = pieceView(config, tile);
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
        await loadPosterFonts();
        const m = await ensureMap(tile);
        const view = pieceView(config, tile);
        m.resize();
        m.jumpTo({ center: view.center, zoom: view.zoom, bearing: view.bearing });
        await settled(m);
        if (styleError) return { ok: false, failedTiles: failed, totalTiles: requested, error: styleError };
        drawPaperAndText(overlayRef.current!, config, tile, tileSource.attribution);
        await nextFrames(2);
        return { ok: true, failedTiles: failed, totalTiles: requested };
      } catch (e) {
        return { ok: false, failedTiles: failed, totalTiles: requested, error: (e as Error).message };
      }
    };
    (window as unknown as Record<string, unknown>)[PAGE_API_GLOBAL] = { renderTile };
    return () => map?.remove();
  }, [tileSource]);

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
  return mapViewOfPiece(mapViewForOutput(config, poster), piece);
}

/** Paper outside the map rectangle, then markers, title, border and credits — in full-poster coordinates. */
function drawPaperAndText(canvas: HTMLCanvasElement, config: PosterConfig, tile: TileRequest, attribution: string) {
  const poster = { width: tile.posterWidth, height: tile.posterHeight };
  canvas.width = Math.round(window.innerWidth * tile.pixelRatio);
  canvas.height = Math.round(window.innerHeight * tile.pixelRatio);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(1, 0, 0, 1, -tile.x, -tile.y);
  const { map } = posterGeometry(config, poster);
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, poster.width, poster.height);
  ctx.rect(map.x, map.y, map.width, map.height);
  ctx.clip('evenodd');
  drawPosterUnderlay(ctx, config, poster);
  ctx.restore();
  drawPosterMarkers(ctx, config, poster);
  drawPosterOverlay(ctx, config, poster, { attribution });
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
