import type { UploadedFile } from '@parley/client';
import type { Payload } from '@parley/protocol';

// The image types a browser shows; other files (HEIC, PDF, anything the server accepts) go as a file
// bubble with a download link, never as an image that cannot load.
const SHOWN_IMAGE = /^image\/(png|jpeg|gif|webp|avif)$/;

export const isShownImage = (contentType: string): boolean => SHOWN_IMAGE.test(contentType);

/** 1234 → "1.2 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let n = bytes / 1024;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[unit]}`;
}

/** The message for an uploaded file: an image (with its size in pixels, for the layout) or a file. */
export function attachmentPayload(file: UploadedFile, pixels: { width: number; height: number } | undefined): Payload {
  const common = { url: file.url, name: file.name, size: file.size };
  return (isShownImage(file.contentType) ? { type: 2, ...common, ...pixels } : { type: 3, ...common }) as Payload;
}
