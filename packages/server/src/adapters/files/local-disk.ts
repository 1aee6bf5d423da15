import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type FileStore, FileTooLarge, type StoredFile } from '../../ports/files.js';

const ID = /^[0-9a-f]{32}$/;

/**
 * Files on local disk: `<dir>/<id>` with the bytes and `<id>.json` with what was said about them.
 * Several nodes need a shared directory (or another FileStore).
 */
export function localDiskFiles(dir: string): FileStore {
  fs.mkdirSync(dir, { recursive: true });
  return {
    async put(meta, body, maxBytes) {
      const fileId = randomBytes(16).toString('hex');
      const target = path.join(dir, fileId);
      const partial = `${target}.part`;
      let size = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          done(size > maxBytes ? new FileTooLarge(`larger than ${maxBytes} bytes`) : null, chunk);
        },
      });
      try {
        await pipeline(body, limit, fs.createWriteStream(partial));
      } catch (err) {
        fs.rmSync(partial, { force: true });
        throw err;
      }
      const stored: StoredFile = { ...meta, fileId, size };
      fs.writeFileSync(`${target}.json`, JSON.stringify(stored));
      fs.renameSync(partial, target);
      return stored;
    },
    async get(fileId) {
      if (!ID.test(fileId)) return undefined;
      const target = path.join(dir, fileId);
      if (!fs.existsSync(target)) return undefined;
      const meta = JSON.parse(fs.readFileSync(`${target}.json`, 'utf8')) as StoredFile;
      return { meta, body: fs.createReadStream(target) };
    },
  };
}
