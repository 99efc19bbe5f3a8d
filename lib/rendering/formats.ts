/** Output formats of an export, with what storage and downloads need to know about each. */
export const OUTPUT_FORMATS = {
  png: { ext: 'png', contentType: 'image/png' },
  jpeg: { ext: 'jpg', contentType: 'image/jpeg' },
  pdf: { ext: 'pdf', contentType: 'application/pdf' },
  svg: { ext: 'svg', contentType: 'image/svg+xml' },
  'vector-pdf': { ext: 'pdf', contentType: 'application/pdf' },
} as const;

/** Formats drawn as paths and text from the vector tiles, not as pixels by Chromium. */
export const VECTOR_FORMATS = ['svg', 'vector-pdf'] as const;
export type VectorFormat = (typeof VECTOR_FORMATS)[number];
export const isVectorFormat = (format: string): format is VectorFormat => (VECTOR_FORMATS as readonly string[]).includes(format);

export type OutputFormat = keyof typeof OUTPUT_FORMATS;

export const THUMBNAIL = { longEdge: 400, ext: 'webp', contentType: 'image/webp' } as const;
