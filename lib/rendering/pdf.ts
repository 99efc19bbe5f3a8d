import 'server-only';
import fs from 'node:fs';
import { once } from 'node:events';
import { InvalidOutputError } from './errors';

export interface PdfPage {
  /** Physical page size in PostScript points (72 per inch). */
  widthPt: number;
  heightPt: number;
  title?: string;
}

interface ImageSource {
  width: number;
  height: number;
  /** Byte ranges of the file that form the image stream, in order. */
  ranges: { start: number; length: number }[];
  dictionary: string;
}

/**
 * Writes a one-page PDF whose page is filled by the image in `imageFile`
 * (PNG or JPEG), copying the compressed image data into the PDF unchanged:
 * PNG IDAT data is already a FlateDecode stream with PNG predictors, and a
 * JPEG is a DCTDecode stream. No decode, no re-encode, no whole-file buffer —
 * pdf-lib's embedPng re-encodes in JavaScript and takes minutes at 100+ MP.
 */
export async function writeImagePdf(imageFile: string, pdfFile: string, page: PdfPage): Promise<void> {
  const fd = await fs.promises.open(imageFile, 'r');
  let image: ImageSource;
  try {
    const head = Buffer.alloc(8);
    await fd.read(head, 0, 8, 0);
    image = head.equals(PNG_SIGNATURE) ? await scanPng(fd) : head[0] === 0xff && head[1] === 0xd8 ? await scanJpeg(fd) : unsupported();
  } finally {
    await fd.close();
  }

  const out = fs.createWriteStream(pdfFile);
  const offsets: number[] = [];
  let written = 0;
  const write = async (text: string | Buffer) => {
    const chunk = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const object = async (body: string) => {
    offsets.push(written);
    await write(`${offsets.length} 0 obj\n${body}\nendobj\n`);
  };

  const w = formatNumber(page.widthPt);
  const h = formatNumber(page.heightPt);
  const content = `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q\n`;
  const imageLength = image.ranges.reduce((sum, r) => sum + r.length, 0);

  await write('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n');
  await object('<< /Type /Catalog /Pages 2 0 R >>');
  await object('<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  await object(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`);
  offsets.push(written);
  await write(`4 0 obj\n<< /Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} ${image.dictionary} /Length ${imageLength} >>\nstream\n`);
  const source = await fs.promises.open(imageFile, 'r');
  try {
    for (const range of image.ranges) {
      for (let done = 0; done < range.length; ) {
        const { bytesRead, buffer } = await source.read(Buffer.allocUnsafe(Math.min(COPY_CHUNK, range.length - done)), 0, undefined, range.start + done);
        if (bytesRead === 0) throw new InvalidOutputError('The image file ended before its data did.');
        await write(buffer.subarray(0, bytesRead));
        done += bytesRead;
      }
    }
  } finally {
    await source.close();
  }
  await write('\nendstream\nendobj\n');
  await object(`<< /Length ${content.length} >>\nstream\n${content}endstream`);
  await object(`<< /Producer (carto-export) /Title (${escapePdfString(page.title ?? 'Map poster')}) >>`);

  const xref = written;
  await write(`xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
  await write(`trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R /Info ${offsets.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  out.end();
  await once(out, 'finish');
}

/** Copy size: large enough to keep the disk busy, small enough to stay out of the memory peak. */
const COPY_CHUNK = 4 * 1024 * 1024;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads chunk headers only; the IDAT payloads stay on disk until they are copied. */
async function scanPng(fd: fs.promises.FileHandle): Promise<ImageSource> {
  const { size } = await fd.stat();
  const header = Buffer.alloc(8);
  const ranges: ImageSource['ranges'] = [];
  let width = 0;
  let height = 0;
  let position = 8;
  while (position + 8 <= size) {
    await fd.read(header, 0, 8, position);
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (type === 'IHDR') {
      const ihdr = Buffer.alloc(13);
      await fd.read(ihdr, 0, 13, position + 8);
      width = ihdr.readUInt32BE(0);
      height = ihdr.readUInt32BE(4);
      const [bitDepth, colourType, , , interlace] = [ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]];
      // Only what a PDF Flate image with predictors can take as is: 8-bit RGB, not interlaced.
      if (bitDepth !== 8 || colourType !== 2 || interlace !== 0) {
        throw new InvalidOutputError(`PNG for PDF must be 8-bit RGB without interlace (got depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}).`);
      }
    } else if (type === 'IDAT') {
      ranges.push({ start: position + 8, length });
    } else if (type === 'IEND') {
      break;
    }
    position += 12 + length;
  }
  if (!width || ranges.length === 0) throw new InvalidOutputError('The PNG for the PDF has no image data.');
  return {
    width,
    height,
    ranges,
    dictionary: `/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns ${width} >>`,
  };
}

/** Finds the frame header (SOF) for the size; the whole file is the DCTDecode stream. */
async function scanJpeg(fd: fs.promises.FileHandle): Promise<ImageSource> {
  const { size } = await fd.stat();
  const marker = Buffer.alloc(9);
  let position = 2;
  while (position + 4 <= size) {
    await fd.read(marker, 0, 9, position);
    if (marker[0] !== 0xff) break;
    const type = marker[1];
    const length = marker.readUInt16BE(2);
    if (type >= 0xc0 && type <= 0xc3) {
      const components = (await fd.read(Buffer.alloc(1), 0, 1, position + 9)).buffer[0];
      if (components !== 3) throw new InvalidOutputError(`JPEG for PDF must be RGB (got ${components} components).`);
      return {
        height: marker.readUInt16BE(5),
        width: marker.readUInt16BE(7),
        ranges: [{ start: 0, length: size }],
        dictionary: '/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode',
      };
    }
    position += 2 + length;
  }
  throw new InvalidOutputError('The JPEG for the PDF has no frame header.');
}

function unsupported(): never {
  throw new InvalidOutputError('A PDF can only wrap a PNG or a JPEG image.');
}

function formatNumber(value: number): string {
  return Number(value.toFixed(3)).toString();
}

function escapePdfString(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
}
