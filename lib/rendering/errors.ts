import 'server-only';

/**
 * Every failure of the rendering core is one of these classes. `code` is
 * stable (the worker stores it on the job row); `retryable` tells the queue
 * whether another attempt can succeed: a crashed browser or a timeout may
 * pass on a fresh browser, invalid input never will.
 */
export abstract class RenderError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * What a failed export says to the person who asked for it, by code: short,
 * with no URL and no stack (those go to the structured log only), and
 * whether another attempt may pass. The worker's classifier stores these on
 * the job row; history and the download page show the message, the API the code.
 * An error of a code not listed here keeps its own message and `retryable`.
 */
export const WORKER_FAILURES: Record<string, { message: string; retryable: boolean }> = {
  renderer_unreachable: { retryable: true, message: 'The export worker could not reach the app to draw the poster. If it keeps failing, check that the app is running at APP_URL.' },
  renderer_timeout: { retryable: true, message: 'Drawing the poster took too long. Try again, or choose a smaller size.' },
  tiles_unavailable: { retryable: true, message: 'Too many map tiles could not be loaded; the tile server may be down. Try again later.' },
  storage_unavailable: { retryable: true, message: 'The finished file could not be stored right now. Try again in a few minutes.' },
  browser_crashed: { retryable: true, message: 'The browser drawing the poster crashed or could not start. Try again.' },
  page_render_failed: { retryable: true, message: 'The map could not be drawn. Try again; if it keeps failing, try another map style.' },
  invalid_output: { retryable: true, message: 'The finished file came out wrong. Try again.' },
  invalid_poster: { retryable: false, message: 'This poster design cannot be exported as it was saved. Open it in the editor, check it and export again.' },
  vector_unsupported: { retryable: false, message: 'This map has layers a vector file cannot draw yet (hillshade, raster or icon layers). Export PNG, JPEG or PDF instead.' },
  invalid_render_request: { retryable: false, message: 'This size or format cannot be rendered. Choose another and export again.' },
  internal: { retryable: true, message: 'Something went wrong on our side. Try again in a moment.' },
};

/** The app's /renderer page could not be reached at all (connection refused, DNS, reset): the worker's APP_URL or the app is down. */
export class RendererUnreachableError extends RenderError {
  readonly code = 'renderer_unreachable';
  readonly retryable = true;
}

/** The browser process died, disconnected or could not be launched. */
export class BrowserCrashedError extends RenderError {
  readonly code = 'browser_crashed';
  readonly retryable = true;
}

/** A step (launch, page load, tile render, capture, encode) ran past its time limit. */
export class RenderTimeoutError extends RenderError {
  readonly code = 'renderer_timeout';
  readonly retryable = true;
  constructor(
    readonly step: string,
    readonly timeoutMs: number,
  ) {
    super(`${step} took longer than ${timeoutMs} ms; the job will be retried on a fresh page.`);
  }
}

/** The renderer page reported a failure (its own error, or too many map tiles missing). */
export class PageRenderError extends RenderError {
  readonly code = 'page_render_failed';
  readonly retryable = true;
}

/** Too many map tiles failed to load: usually a tile server outage, so worth another attempt later. */
export class TileOutageError extends RenderError {
  readonly code = 'tiles_unavailable';
  readonly retryable = true;
  constructor(
    readonly failedTiles: number,
    readonly totalTiles: number,
  ) {
    super(`${failedTiles} of ${totalTiles} map tiles failed to load; the tile source may be down, the job will be retried.`);
  }
}

/** The finished file is not what was asked for (wrong size, blank, unreadable). */
export class InvalidOutputError extends RenderError {
  readonly code = 'invalid_output';
  readonly retryable = true;
}

/** The request itself cannot be rendered (size, DPI, format out of range). Retrying cannot help. */
export class InvalidRenderRequestError extends RenderError {
  readonly code = 'invalid_render_request';
  readonly retryable = false;
}

/** The caller asked to stop (job cancelled, worker shutting down) between two steps. */
export class RenderCancelledError extends RenderError {
  readonly code = 'render_cancelled';
  readonly retryable = false;
  constructor() {
    super('The render was stopped on request.');
  }
}
