/**
 * Assembling an engine, in one place (after orama's `create.ts`): the on-disk
 * reader, the analyzer with the index's own user dictionary, and the local
 * engine over them; and a handle that follows an index folder, swapping a
 * newly published generation in atomically.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { useUserDictionary } from '../analyze/analyzer.js';
import { CURRENT_FILE } from '../index/format.js';
import { openIndexReader } from '../index/reader.js';
import { currentGeneration } from '../index/storage.js';
import type { Engine, EngineHandle } from './engine.js';
import { LocalEngine } from './local.js';

export interface OpenOptions {
  /**
   * Read the rest of the index (the positions file) in the background
   * after opening, so the first query does not wait for it. Default true.
   */
  warm?: boolean;
}

/**
 * Opens the live generation of `indexDir` as an engine. Its queries are
 * segmented with the user dictionary the index was built with. Throws
 * IndexError (Chinese, with the fix) when the index cannot be used.
 */
export async function openEngine(indexDir: string, options: OpenOptions = {}): Promise<LocalEngine> {
  const reader = await openIndexReader(indexDir);
  useUserDictionary(reader.userDictionary);
  const engine = new LocalEngine(reader);
  if (options.warm !== false) {
    // A failure here surfaces again, as an IndexError, on the query that needs the part.
    engine.warm().catch(() => undefined);
  }
  return engine;
}

/** How long a replaced snapshot stays open for requests still using it. */
const RETIRE_AFTER_MS = 60_000;

export interface WatchOptions {
  /** Called after each reload attempt: the new engine, or why it failed (the old one keeps serving). */
  onReload?: (result: Engine | Error) => void;
}

/** The live index of a folder; see `watchIndex`. */
export class IndexWatcher implements EngineHandle {
  private engine: Engine;
  private reloading: Promise<void> | null = null;
  private watching = false;

  constructor(
    readonly indexDir: string,
    engine: Engine,
  ) {
    this.engine = engine;
  }

  current(): Engine {
    return this.engine;
  }

  /** Opens the live generation again and swaps it in if it changed. */
  async reload(): Promise<Engine> {
    const genDir = await currentGeneration(this.indexDir);
    if (genDir && genDir !== this.engine.info.dir) {
      const old = this.engine;
      this.engine = await openEngine(this.indexDir);
      // Requests that took the old snapshot finish within this grace period.
      setTimeout(() => old.close(), RETIRE_AFTER_MS).unref();
    }
    return this.engine;
  }

  watch(options: WatchOptions = {}): this {
    this.watching = true;
    watchFile(join(this.indexDir, CURRENT_FILE), { interval: 1000 }, () => {
      if (this.reloading) return;
      this.reloading = this.reload()
        .then((e) => options.onReload?.(e))
        .catch((err: Error) => options.onReload?.(err))
        .finally(() => {
          this.reloading = null;
        });
    });
    return this;
  }

  /** Stops watching and closes the current snapshot. */
  close(): void {
    if (this.watching) unwatchFile(join(this.indexDir, CURRENT_FILE));
    this.watching = false;
    this.engine.close();
  }
}

/**
 * Opens `indexDir` and follows it: when a rebuild publishes a new generation
 * (CURRENT changes), the handle opens it and swaps it in; a request takes
 * `current()` once and sees one snapshot, old or new, never a mix. A failed
 * reload keeps the old snapshot.
 */
export async function watchIndex(indexDir: string, options: WatchOptions = {}): Promise<IndexWatcher> {
  return new IndexWatcher(indexDir, await openEngine(indexDir)).watch(options);
}
