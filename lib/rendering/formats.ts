/** Output formats of an export, with what storage and downloads need to know about each. */
export const OUTPUT_FORMATS = {
  png: { ext: 'png', contentType: 'image/png' },
  jpeg: { ext: 'jpg', contentType: 'image/jpeg' },
  pdf: { ext: 'pdf', contentType: 'application/pdf' },
} as const;

export type OutputFormat = keyof typeof OUTPUT_FORMATS;

export const THUMBNAIL = { longEdge: 400, ext: 'webp', contentType: 'image/webp' } as const;
