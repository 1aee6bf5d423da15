import type { Readable } from 'node:stream';

export interface StoredFile {
  fileId: string;
  contentType: string;
  size: number;
  name: string;
  ownerUid: string;
  createdAt: number;
}

/**
 * Uploaded files (images, voice, video, documents) that messages reference by URL.
 * - `put` consumes the stream and stores it whole, or throws `FileTooLarge` having stored nothing.
 * - Files are immutable: a fileId always names the same bytes, so they can be cached forever.
 */
export interface FileStore {
  put(meta: Omit<StoredFile, 'fileId' | 'size'>, body: Readable, maxBytes: number): Promise<StoredFile>;
  get(fileId: string): Promise<{ meta: StoredFile; body: Readable } | undefined>;
}

export class FileTooLarge extends Error {
  override name = 'FileTooLarge';
}
