import 'server-only';
import fs from 'node:fs/promises';
import { PDFDocument, PDFName, PDFString, type PDFPage, type PDFRef } from 'pdf-lib';
import { CROP_MARK } from '@/lib/poster/paper';
import { srgbProfile } from './colour';
import { InvalidOutputError } from './errors';

/**
 * Print PDFs with pdf-lib: one page whose boxes say where to cut (TrimBox),
 * how far the artwork runs past it (BleedBox) and, with crop marks, a media
 * box large enough to hold them; an sRGB output intent so a printer does not
 * guess the colours. Raster and vector PDFs share this page.
 */
export interface PrintPage {
  /** The poster as designed, in PostScript points (72 per inch). */
  trimPt: { width: number; height: number };
  /** Artwork past the trim on every side, in points (0: none). */
  bleedPt: number;
  cropMarks: boolean;
  title?: string;
}

export interface PageBoxes {
  media: { width: number; height: number };
  /** Lower-left corners and sizes in PDF user space (y up). */
  bleed: { x: number; y: number; width: number; height: number };
  trim: { x: number; y: number; width: number; height: number };
}

export function pageBoxes(page: PrintPage): PageBoxes {
  // Crop marks sit outside the bleed: a gap, then the mark.
  const marks = page.cropMarks ? CROP_MARK.offsetPt + CROP_MARK.lengthPt : 0;
  const b = page.bleedPt;
  const { width, height } = page.trimPt;
  return {
    media: { width: width + 2 * (b + marks), height: height + 2 * (b + marks) },
    bleed: { x: marks, y: marks, width: width + 2 * b, height: height + 2 * b },
    trim: { x: marks + b, y: marks + b, width, height },
  };
}

/** A new document with its one page sized and boxed for print, the output intent set and crop marks drawn. */
export async function createPrintPdf(page: PrintPage): Promise<{ doc: PDFDocument; page: PDFPage; boxes: PageBoxes; iccRef: PDFRef }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(page.title?.trim() || 'Map poster');
  doc.setProducer('carto-export');
  doc.setCreator('carto-export');
  const boxes = pageBoxes(page);
  const pdfPage = doc.addPage([boxes.media.width, boxes.media.height]);
  pdfPage.setBleedBox(boxes.bleed.x, boxes.bleed.y, boxes.bleed.width, boxes.bleed.height);
  pdfPage.setTrimBox(boxes.trim.x, boxes.trim.y, boxes.trim.width, boxes.trim.height);
  const iccRef = addSrgbOutputIntent(doc, await srgbProfile());
  if (page.cropMarks) drawCropMarks(pdfPage, boxes);
  return { doc, page: pdfPage, boxes, iccRef };
}

/** The ICC profile as a stream, named by the catalog's OutputIntents (PDF/X style) and usable as an ICCBased colour space. */
function addSrgbOutputIntent(doc: PDFDocument, icc: Uint8Array): PDFRef {
  const context = doc.context;
  const iccRef = context.register(context.flateStream(icc, { N: 3 }));
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFX',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: iccRef,
  });
  doc.catalog.set(PDFName.of('OutputIntents'), context.obj([intent]));
  return iccRef;
}

/** Eight hairlines in registration black, lined up with the trim, starting past the bleed. */
function drawCropMarks(page: PDFPage, boxes: PageBoxes): void {
  const { trim, bleed } = boxes;
  const gap = CROP_MARK.offsetPt;
  const len = CROP_MARK.lengthPt;
  const xs = [trim.x, trim.x + trim.width];
  const ys = [trim.y, trim.y + trim.height];
  const left = bleed.x - gap;
  const right = bleed.x + bleed.width + gap;
  const bottom = bleed.y - gap;
  const top = bleed.y + bleed.height + gap;
  let ops = `q 0 0 0 1 K ${CROP_MARK.widthPt} w 0 J\n`;
  for (const y of ys) ops += `${left} ${y} m ${left - len} ${y} l S ${right} ${y} m ${right + len} ${y} l S\n`;
  for (const x of xs) ops += `${x} ${bottom} m ${x} ${bottom - len} l S ${x} ${top} m ${x} ${top + len} l S\n`;
  ops += 'Q\n';
  appendContent(page, ops);
}

/** Adds a content stream (raw PDF operators) to the page, after what it already draws. */
export function appendContent(page: PDFPage, operators: string | Uint8Array): void {
  const context = page.doc.context;
  page.node.addContentStream(context.register(context.flateStream(operators)));
}

interface ImageSource {
  width: number;
  height: number;
  data: Uint8Array;
  dictionary: Record<string, unknown>;
}

/**
 * Writes a print PDF whose bleed box is filled by the image in `imageFile`
 * (PNG or JPEG, sized trim + bleed), copying its compressed data into the PDF
 * unchanged: PNG IDAT data is already a FlateDecode stream with PNG
 * predictors, a JPEG is a DCTDecode stream. pdf-lib's own embedPng decodes
 * and re-encodes in JavaScript, which takes minutes at 100+ MP.
 */
export async function writeImagePdf(imageFile: string, pdfFile: string, page: PrintPage): Promise<void> {
  const bytes = await fs.readFile(imageFile);
  const image = bytes.subarray(0, 8).equals(PNG_SIGNATURE) ? scanPng(bytes) : bytes[0] === 0xff && bytes[1] === 0xd8 ? scanJpeg(bytes) : unsupported();
  const { doc, page: pdfPage, boxes, iccRef } = await createPrintPdf(page);
  const context = doc.context;
  const imageRef = context.register(
    context.stream(image.data, {
      Type: 'XObject',
      Subtype: 'Image',
      Width: image.width,
      Height: image.height,
      ColorSpace: context.obj([PDFName.of('ICCBased'), iccRef]),
      BitsPerComponent: 8,
      ...image.dictionary,
    }),
  );
  pdfPage.node.setXObject(PDFName.of('Poster'), imageRef);
  // The image fills the bleed box; crop marks lie outside it.
  const { x, y, width, height } = boxes.bleed;
  appendContent(pdfPage, `q ${n(width)} 0 0 ${n(height)} ${n(x)} ${n(y)} cm /Poster Do Q\n`);
  await fs.writeFile(pdfFile, await doc.save({ useObjectStreams: false }));
}

const n = (value: number) => Number(value.toFixed(3)).toString();

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Collects the IDAT payloads; the rest of the PNG (chunk headers, its own ICC chunk) is not needed in a PDF. */
function scanPng(bytes: Buffer): ImageSource {
  const parts: Buffer[] = [];
  let width = 0;
  let height = 0;
  for (let position = 8; position + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(position);
    const type = bytes.toString('latin1', position + 4, position + 8);
    if (type === 'IHDR') {
      width = bytes.readUInt32BE(position + 8);
      height = bytes.readUInt32BE(position + 12);
      const [bitDepth, colourType, interlace] = [bytes[position + 16], bytes[position + 17], bytes[position + 20]];
      // Only what a PDF Flate image with predictors can take as is: 8-bit RGB, not interlaced.
      if (bitDepth !== 8 || colourType !== 2 || interlace !== 0) {
        throw new InvalidOutputError(`PNG for PDF must be 8-bit RGB without interlace (got depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}).`);
      }
    } else if (type === 'IDAT') {
      parts.push(bytes.subarray(position + 8, position + 8 + length));
    } else if (type === 'IEND') {
      break;
    }
    position += 12 + length;
  }
  if (!width || parts.length === 0) throw new InvalidOutputError('The PNG for the PDF has no image data.');
  return {
    width,
    height,
    data: Buffer.concat(parts),
    dictionary: { Filter: 'FlateDecode', DecodeParms: { Predictor: 15, Colors: 3, BitsPerComponent: 8, Columns: width } },
  };
}

/** Finds the frame header (SOF) for the size; the whole file is the DCTDecode stream. */
function scanJpeg(bytes: Buffer): ImageSource {
  for (let position = 2; position + 9 < bytes.length && bytes[position] === 0xff; ) {
    const type = bytes[position + 1];
    const length = bytes.readUInt16BE(position + 2);
    if (type >= 0xc0 && type <= 0xc3) {
      const components = bytes[position + 9];
      if (components !== 3) throw new InvalidOutputError(`JPEG for PDF must be RGB (got ${components} components).`);
      return { height: bytes.readUInt16BE(position + 5), width: bytes.readUInt16BE(position + 7), data: bytes, dictionary: { Filter: 'DCTDecode' } };
    }
    position += 2 + length;
  }
  throw new InvalidOutputError('The JPEG for the PDF has no frame header.');
}

function unsupported(): never {
  throw new InvalidOutputError('A PDF can only wrap a PNG or a JPEG image.');
}

/** Reads the PDF back (pdf-lib) and checks it has one page with the asked boxes: it was written whole and right. */
export async function checkPdfFile(file: string, page: PrintPage): Promise<void> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(await fs.readFile(file), { updateMetadata: false });
  } catch (e) {
    throw new InvalidOutputError(`The PDF was not written completely: ${(e as Error).message}`);
  }
  const pages = doc.getPages();
  if (pages.length !== 1) throw new InvalidOutputError(`The PDF has ${pages.length} pages, expected 1.`);
  const expected = pageBoxes(page);
  const media = pages[0].getMediaBox();
  const trim = pages[0].getTrimBox();
  const close = (a: number, b: number) => Math.abs(a - b) < 0.01;
  if (!close(media.width, expected.media.width) || !close(media.height, expected.media.height)) {
    throw new InvalidOutputError(`The PDF page is ${media.width}×${media.height} pt, expected ${expected.media.width}×${expected.media.height} pt.`);
  }
  if (!close(trim.width, page.trimPt.width) || !close(trim.height, page.trimPt.height)) {
    throw new InvalidOutputError(`The PDF trim box is ${trim.width}×${trim.height} pt, expected ${page.trimPt.width}×${page.trimPt.height} pt.`);
  }
}
