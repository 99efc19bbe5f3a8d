import { isVectorFormat, VECTOR_FORMATS, type OutputFormat, type VectorFormat } from '@/types/vocabulary';

export { isVectorFormat, VECTOR_FORMATS };
export type { OutputFormat, VectorFormat };

/** Output formats of an export (ids in types/vocabulary.ts), with what storage and downloads need to know about each. */
export const OUTPUT_FORMATS = {
  png: { ext: 'png', contentType: 'image/png' },
  jpeg: { ext: 'jpg', contentType: 'image/jpeg' },
  pdf: { ext: 'pdf', contentType: 'application/pdf' },
  svg: { ext: 'svg', contentType: 'image/svg+xml' },
  'vector-pdf': { ext: 'pdf', contentType: 'application/pdf' },
} as const satisfies Record<OutputFormat, { ext: string; contentType: string }>;

export const THUMBNAIL = { longEdge: 400, ext: 'webp', contentType: 'image/webp' } as const;
