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

/** The browser process died, disconnected or could not be launched. */
export class BrowserCrashedError extends RenderError {
  readonly code = 'browser_crashed';
  readonly retryable = true;
}

/** A step (launch, page load, tile render, capture, encode) ran past its time limit. */
export class RenderTimeoutError extends RenderError {
  readonly code = 'render_timeout';
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
  readonly code = 'tile_outage';
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
