/// <reference types="node" />
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Conversation } from '@parley/protocol';
import { type ClientStore, type DeletedMessage, type LocalMessage, MemoryStore, type StoreSnapshot } from '../store.js';

/** Bumped when the file's shape changes; a file of another format is refused, not misread. */
const FORMAT = 1;

interface FileContent extends StoreSnapshot {
  format: number;
  uid?: string;
}

/**
 * The client's cache in one JSON file, for a Node bot or app that restarts from it: conversations and
 * their sync token, each channel's history, and the outbox. Held in memory; every change is written
 * to a temporary file that then replaces the old one (rename), so a crash leaves the old file or the
 * new one, never half of one. Changes made while a write runs go out together in the next write, and
 * each call resolves once its change is on disk. One file per user: give `uid` and a file holding
 * another user's data is refused.
 */
export class FileStore implements ClientStore {
  private readonly memory: MemoryStore;
  private loaded: Promise<void> | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;

  constructor(
    readonly file: string,
    readonly uid?: string,
  ) {
    this.memory = new MemoryStore(uid);
  }

  putMessages(channel: string, messages: ReadonlyArray<LocalMessage | DeletedMessage>): Promise<void> {
    return this.change((m) => m.putMessages(channel, messages));
  }

  messages(channel: string, fromSeq: number, toSeq: number): Promise<Array<LocalMessage | DeletedMessage>> {
    return this.read((m) => m.messages(channel, fromSeq, toSeq));
  }

  cachedChannels(): Promise<Array<{ channel: string; maxSeq: number }>> {
    return this.read((m) => m.cachedChannels());
  }

  clearChannel(channel: string): Promise<void> {
    return this.change((m) => m.clearChannel(channel));
  }

  putConversation(conversation: Conversation): Promise<void> {
    return this.change((m) => m.putConversation(conversation));
  }

  removeConversation(conversationId: string): Promise<void> {
    return this.change((m) => m.removeConversation(conversationId));
  }

  conversations(): Promise<Conversation[]> {
    return this.read((m) => m.conversations());
  }

  syncState(): Promise<{ token: string | undefined; version: number }> {
    return this.read((m) => m.syncState());
  }

  setSyncState(state: { token: string; version: number }): Promise<void> {
    return this.change((m) => m.setSyncState(state));
  }

  outbox(): Promise<LocalMessage[]> {
    return this.read((m) => m.outbox());
  }

  putOutbox(message: LocalMessage): Promise<void> {
    return this.change((m) => m.putOutbox(message));
  }

  removeOutbox(clientMsgNo: string): Promise<void> {
    return this.change((m) => m.removeOutbox(clientMsgNo));
  }

  clear(): Promise<void> {
    return this.change((m) => m.clear());
  }

  private async read<T>(query: (memory: MemoryStore) => Promise<T>): Promise<T> {
    await this.load();
    return query(this.memory);
  }

  private async change(apply: (memory: MemoryStore) => Promise<void>): Promise<void> {
    await this.load();
    await apply(this.memory);
    await this.persist();
  }

  private load(): Promise<void> {
    this.loaded ??= this.readFile();
    return this.loaded;
  }

  private async readFile(): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let content: FileContent;
    try {
      content = JSON.parse(text) as FileContent;
    } catch {
      throw new Error(`parley: the cache file ${this.file} is not JSON; move it away to start without a cache`);
    }
    if (content?.format !== FORMAT) throw new Error(`parley: the cache file ${this.file} is not in a format this SDK reads (${FORMAT})`);
    if (this.uid !== undefined && content.uid !== undefined && content.uid !== this.uid)
      throw new Error(`parley: the cache file ${this.file} holds the data of ${content.uid}, not ${this.uid}`);
    this.memory.restore(content);
  }

  /** Writes what is held; a call during a write waits for the next one, which carries its change. */
  private persist(): Promise<void> {
    this.dirty = true;
    this.writing ??= this.writeWhileDirty();
    return this.writing;
  }

  private async writeWhileDirty(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.write();
      }
    } catch (err) {
      // What failed to reach the disk goes with the next change.
      this.dirty = true;
      throw err;
    } finally {
      this.writing = undefined;
    }
  }

  private async write(): Promise<void> {
    const content: FileContent = { format: FORMAT, ...(this.uid !== undefined && { uid: this.uid }), ...this.memory.snapshot() };
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${randomUUID()}.tmp`;
    try {
      const handle = await fs.open(temporary, 'w');
      try {
        await handle.writeFile(JSON.stringify(content));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temporary, this.file);
    } catch (err) {
      await fs.rm(temporary, { force: true });
      throw err;
    }
  }
}
