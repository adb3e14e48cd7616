import type { KeyValueStorage } from '../../src/web/state/outbox.js';

/** A real, in-memory key-value store standing in for the browser's localStorage in Node. */
export class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}
