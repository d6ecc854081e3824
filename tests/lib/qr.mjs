// Reads QR codes from PNG images with pngjs and jsQR.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Decodes the QR code in a PNG image; returns its text, or null when no code is found. */
export function decodeQrPng(pngBytes) {
  const image = PNG.sync.read(Buffer.from(pngBytes));
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  const code = jsQR(pixels, image.width, image.height, { inversionAttempts: 'attemptBoth' });
  return code ? code.data : null;
}
