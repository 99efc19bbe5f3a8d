/** A place name that matched nothing; `details` lists the closest names, for "did you mean". */
export class PlaceNotFound extends Error {
  readonly code = 'place_not_found';
  readonly details: { path: string; message: string; suggestions: string[] }[];
  constructor(query: string, suggestions: string[], path = 'place') {
    const printable = JSON.stringify(query.slice(0, 80));
    super(
      suggestions.length
        ? `No place is called ${printable}. Did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?`
        : `No place is called ${printable}; try a city, region or country name, e.g. "Paris" or "Springfield, Illinois".`,
    );
    this.details = [{ path, message: 'no place has this name', suggestions }];
  }
}

/** The online geocoder did not answer usefully (down, slow, or not JSON). */
export class GeocoderUnavailable extends Error {
  readonly code = 'geocoder_unavailable';
  constructor(reason: string) {
    super(`The online geocoder did not answer (${reason}); the offline results still stand.`);
  }
}

/** A place name that cannot be one (empty, too long, control characters). */
export class InvalidPlaceName extends Error {
  readonly code = 'invalid_request';
  readonly details: { path: string; message: string }[];
  constructor(message: string, path = 'place') {
    super(`${path}: ${message}.`);
    this.details = [{ path, message }];
  }
}
