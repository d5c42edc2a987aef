/**
 * The real sample archive (test/fixtures/corpus) indexed into a temporary folder,
 * once per test file, with the real builder and reader: web tests assert what the
 * engine really returns, not what a stub was told to return.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIndex } from '../../src/index/builder.js';
import { openIndex } from '../../src/index/reader.js';
import type { Engine } from '../../src/search/engine.js';

export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/corpus', import.meta.url));

export interface FixtureIndex {
  indexDir: string;
  engine: Engine;
  reports: number;
  /** Removes the temporary index. */
  cleanup(): Promise<void>;
}

export async function buildFixtureIndex(): Promise<FixtureIndex> {
  const indexDir = await mkdtemp(join(tmpdir(), 'report-search-web-'));
  const summary = await buildIndex({ dataDir: CORPUS_DIR, indexDir, progress: false });
  const engine = await openIndex(indexDir);
  return {
    indexDir,
    engine,
    reports: summary.reports,
    cleanup: () => rm(indexDir, { recursive: true, force: true }),
  };
}
