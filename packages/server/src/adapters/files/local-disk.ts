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
      // Deleted between the check and the read (an erasure): as if it had not been there.
      const meta = readRecord(`${target}.json`);
      return meta && { meta, body: fs.createReadStream(target) };
    },
    async *ownedBy(ownerUid) {
      // One directory entry at a time: the records are never all in memory. Costs a read of every
      // record on disk (no index by owner): exports and erasures are rare.
      for await (const entry of await fs.promises.opendir(dir)) {
        if (!entry.isFile() || !entry.name.endsWith('.json') || !ID.test(entry.name.slice(0, -5))) continue;
        const meta = readRecord(path.join(dir, entry.name));
        if (meta?.ownerUid === ownerUid && fs.existsSync(path.join(dir, meta.fileId))) yield meta;
      }
    },
    async delete(fileId) {
      if (!ID.test(fileId)) return false;
      const target = path.join(dir, fileId);
      const existed = fs.existsSync(target);
      // The bytes first: `get` looks for them before it reads the record.
      await fs.promises.rm(target, { force: true });
      await fs.promises.rm(`${target}.json`, { force: true });
      return existed;
    },
  };
}

function readRecord(file: string): StoredFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as StoredFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
