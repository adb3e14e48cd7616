import { createReadStream } from 'node:fs';
import { mkdir, opendir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where upload bytes live. Keys are generated ids (never user input), so no key can climb out
 * of the root. Local disk today; an object store would implement the same calls.
 */
export interface FileStore {
  /** Takes a finished local file (from the upload temp area) under `key`. */
  put(key: string, sourcePath: string): Promise<void>;
  read(key: string, range?: { start: number; end: number }): Readable;
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
  /** Every key stored, in no particular order (for the orphan sweep). */
  keys(): AsyncIterable<string>;
}

const SAFE_KEY = /^[a-z0-9][a-z0-9.-]*$/;

export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error(`unsafe file key: ${key}`);
    // Fan out into 256 directories so no single directory grows huge.
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, sourcePath: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(sourcePath, target);
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(key), range);
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *keys(): AsyncIterable<string> {
    const fans = await opendir(this.root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (!fans) return;
    for await (const fan of fans) {
      if (!fan.isDirectory()) continue;
      for await (const entry of await opendir(path.join(this.root, fan.name))) {
        // Only what put() could have written; anything else here is not ours to judge.
        if (entry.isFile() && SAFE_KEY.test(entry.name) && entry.name.startsWith(fan.name)) yield entry.name;
      }
    }
  }
}
