/**
 * Why an uploaded route file was refused. The message names the file and the
 * problem in words a person can act on; nothing of a refused file is stored.
 */
export type OverlayFileProblem =
  | 'file_too_large'
  | 'unsupported_file'
  | 'broken_file'
  | 'xml_entities'
  | 'empty_file'
  | 'too_many_points'
  | 'out_of_range'
  | 'too_many_routes'
  | 'too_many_markers'
  | 'no_room';

export class OverlayFileError extends Error {
  constructor(readonly code: OverlayFileProblem, message: string) {
    super(message);
    this.name = 'OverlayFileError';
  }
}
