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
import type { Engine } from '../../src/search/engine.js';
import { openEngine } from '../../src/search/open.js';
import { engineRequest, parseSearchParams, type RawQuery } from '../../src/search/request.js';
import type { SearchResult, ReportDocument } from '../../src/types.js';

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
  const engine = await openEngine(indexDir);
  return {
    indexDir,
    engine,
    reports: summary.reports,
    cleanup: async () => {
      engine.close();
      await rm(indexDir, { recursive: true, force: true });
    },
  };
}

/** A search as the web and the CLI make it: raw parameters validated, the query parsed once. */
export interface TestRequest {
  q?: string;
  regions?: string[];
  years?: number[];
  sort?: string;
  page?: number;
  size?: number;
}

export async function search(engine: Engine, req: TestRequest): Promise<SearchResult> {
  const raw: RawQuery = {};
  if (req.q !== undefined) raw.q = req.q;
  if (req.regions) raw.region = req.regions;
  if (req.years) raw.year = req.years.map(String);
  if (req.sort) raw.sort = req.sort;
  if (req.page !== undefined) raw.page = String(req.page);
  if (req.size !== undefined) raw.size = String(req.size);
  const { query, filters, options } = engineRequest(parseSearchParams(raw));
  return engine.search(query, filters, options);
}

/** A report by id; fails the test when the id is unknown. */
export async function report(engine: Engine, id: string): Promise<ReportDocument> {
  const r = await engine.report(id);
  if (!r) throw new Error(`test: no report ${id}`);
  return r;
}
