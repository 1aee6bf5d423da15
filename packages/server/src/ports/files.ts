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
 * - Files are immutable: a fileId always names the same bytes, so they can be cached forever; a
 *   deleted one is gone for good (its id never names other bytes).
 */
export interface FileStore {
  put(meta: Omit<StoredFile, 'fileId' | 'size'>, body: Readable, maxBytes: number): Promise<StoredFile>;
  get(fileId: string): Promise<{ meta: StoredFile; body: Readable } | undefined>;
  /**
   * The records of every file `ownerUid` uploaded, in no particular order, read lazily (a user's
   * export or erasure reads them without holding them all). Files deleted meanwhile may or may not
   * come; none comes twice.
   */
  ownedBy(ownerUid: string): AsyncIterable<StoredFile>;
  /** Deletes the bytes and the record; answers whether there was such a file. Idempotent. `get` finds it no more. */
  delete(fileId: string): Promise<boolean>;
}

export class FileTooLarge extends Error {
  override name = 'FileTooLarge';
}
