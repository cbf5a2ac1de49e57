import sharp from 'sharp';
import type { ImageDimensions } from '@parley/protocol';

export const THUMBNAIL_MAX_EDGE = 320;
/** Larger images are refused before decoding, so a small file cannot unpack into gigabytes of pixels. */
const MAX_INPUT_PIXELS = 100_000_000;

export interface ImagePreview {
  /** As displayed: EXIF rotation applied. */
  dimensions: ImageDimensions;
  /** WebP, at most THUMBNAIL_MAX_EDGE on its longer side, never enlarged. */
  thumbnail: Buffer;
}

/** Reads an image's displayed size and makes its thumbnail; undefined when the bytes do not decode. */
export async function previewImage(bytes: Uint8Array): Promise<ImagePreview | undefined> {
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) return undefined;
    const thumbnail = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(THUMBNAIL_MAX_EDGE, THUMBNAIL_MAX_EDGE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    return { dimensions: { width, height }, thumbnail };
  } catch {
    return undefined;
  }
}
