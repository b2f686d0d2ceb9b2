import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { BytesStore } from '../state/bytes-store';
import { InMemoryBytesStore } from '../state/in-memory-store';
import { LevelBytesStore } from '../state/level-store';
import type { StoreSpec } from '../state/stores';

/** An in-memory store a standby kept warm, handed to the active task that replaces it. */
export interface WarmStore {
  readonly store: BytesStore;
  /** Changelog offset the store holds everything before. */
  readonly position: bigint;
}

/** In-memory standby stores waiting for their task to become active here ("<task>/<store>" → store). */
export class WarmStores {
  private readonly stores = new Map<string, WarmStore>();

  put(task: string, store: string, warm: WarmStore): void {
    this.stores.set(`${task}/${store}`, warm);
  }

  take(task: string, store: string): WarmStore | undefined {
    const w = this.stores.get(`${task}/${store}`);
    this.stores.delete(`${task}/${store}`);
    return w;
  }

  /** Drops what no task took (a standby that moved away). */
  async clear(): Promise<void> {
    for (const w of this.stores.values()) await w.store.close();
    this.stores.clear();
  }
}

/**
 * Opens one store of a task (active or standby) and says where its
 * changelog replay starts: a persistent store at its checkpoint (wiped
 * when it has none: the files may hold anything); an in-memory one warm
 * from a standby at the standby's position, else empty from the start.
 */
export async function openTaskStore(spec: StoreSpec, taskDir: string, checkpoint: ReadonlyMap<string, bigint>, warm: WarmStore | undefined): Promise<{ store: BytesStore; from: bigint | undefined }> {
  if (spec.persistent) {
    const storeDir = path.join(taskDir, spec.name);
    const from = checkpoint.get(spec.name);
    if (from === undefined) rmSync(storeDir, { recursive: true, force: true });
    return { store: await LevelBytesStore.open(spec.name, storeDir), from };
  }
  if (warm !== undefined) return { store: warm.store, from: warm.position };
  return { store: new InMemoryBytesStore(spec.name), from: undefined };
}
