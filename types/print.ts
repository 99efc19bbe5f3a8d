import { z } from 'zod';
import { ORIENTATIONS, SIZE_PRESET_IDS } from '@/types/vocabulary';
import { CUSTOM_PAPER, LENGTH_UNITS, PAPER_SIZE_IDS, PRINT_DPIS, printOptionProblems, type PrintOptions } from '@/lib/poster/paper';

/**
 * The print options of an export request (paper size, orientation, dpi,
 * bleed, crop marks), kept apart from the queue's own types. Ranges are
 * checked here; the rules across fields live in `printOptionProblems`.
 */
/** Screen presets (pixels), paper sizes (lib/poster/paper.ts) and `custom` paper. */
export const printSizeSchema = z.enum([...SIZE_PRESET_IDS, ...PAPER_SIZE_IDS, CUSTOM_PAPER]);

export const printOptionsShape = {
  /** Custom paper (with `size: "custom"`), as typed: width × height in mm or in. */
  paper: z
    .strictObject({
      width: z.number().positive('the paper width must be above 0'),
      height: z.number().positive('the paper height must be above 0'),
      unit: z.enum(LENGTH_UNITS),
    })
    .optional(),
  /** Paper only; defaults to the poster's orientation. */
  orientation: z.enum(ORIENTATIONS).optional(),
  /** Paper in a raster format only: 150 or 300 (default). */
  dpi: z.literal(PRINT_DPIS, { error: `dpi must be ${PRINT_DPIS.join(' or ')} (pixels per inch of paper)` }).optional(),
  /** Paper only: the map runs 3 mm (0.125 in on inch sizes) past the trim on every side. */
  bleed: z.boolean().optional(),
  /** PDF on paper only: trim marks outside the bleed. */
  cropMarks: z.boolean().optional(),
};

type PrintFields = PrintOptions & { format: string; poster: unknown };

export function refinePrintOptions(request: PrintFields, ctx: z.RefinementCtx): void {
  for (const problem of printOptionProblems(request, request.poster as Parameters<typeof printOptionProblems>[1])) {
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  }
}
