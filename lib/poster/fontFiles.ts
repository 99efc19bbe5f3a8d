import 'server-only';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FONT_FILES } from '@/lib/map/fonts';

export class FontNotFoundError extends Error {
  readonly code = 'not_found';
  constructor(file: string) {
    super(`No poster font file named ${file}; see POSTER_FONTS in lib/map/fonts.ts.`);
  }
}

/** The bytes of a poster font file from its @fontsource package (allow-listed names only, never a path from the URL). */
export async function posterFontFile(file: string): Promise<Uint8Array> {
  const folder = FONT_FILES.get(file);
  if (!folder) throw new FontNotFoundError(file);
  return readFile(path.join(process.cwd(), 'node_modules', folder, file));
}
