/**
 * The two archives the research tests compare against brute force: the real
 * sample archive (test/fixtures/corpus) and a generated one (bench/corpus.ts
 * resampling the sample's paragraphs into 30 long reports with real counties,
 * years and dates, plus one report with neither year nor region, so the 未知
 * buckets are exercised). Each is indexed with the real builder into a
 * temporary folder; the brute-force side reads the same folder with `ingestFolder`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalize } from '../../src/analyze/analyzer.js';
import { buildIndex } from '../../src/index/builder.js';
import { ingestFolder } from '../../src/ingest/index.js';
import { highlightTerms, matchesQuery, parseQuery } from '../../src/query/parser.js';
import type { Engine } from '../../src/search/engine.js';
import { openEngine } from '../../src/search/open.js';
import type { Filters, ReportDocument } from '../../src/types.js';
import { ensureCorpus } from '../../bench/corpus.js';
import { bruteOccurrences } from '../engine/suite.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

export type Doc = ReportDocument & { norm: string; normTitle: string; paragraphs: string[]; starts: number[] };

export interface Archive {
  name: string;
  engine: Engine;
  docs: Doc[];
  cleanup(): Promise<void>;
}

/** A report an ingest cannot place or date: no region, no year anywhere in it. */
const UNPLACED = `关于做好学习工作的说明

一、坚持法治思维，推动高质量发展，落实三项制度。
二、发展是第一要务，法治是重要保障。发展要稳中求进。`;

async function open(name: string, dataDir: string, extraCleanup: () => Promise<void>): Promise<Archive> {
  const indexDir = await mkdtemp(join(tmpdir(), 'rs-research-'));
  await buildIndex({ dataDir, indexDir, progress: false });
  const engine = await openEngine(indexDir);
  const docs = (await ingestFolder(dataDir)).docs.map((d) => {
    const paragraphs = d.text.split('\n');
    const starts: number[] = [];
    let at = 0;
    for (const p of paragraphs) {
      starts.push(at);
      at += p.length + 1;
    }
    return { ...d, norm: normalize(d.text), normTitle: normalize(d.title), paragraphs, starts };
  });
  return {
    name,
    engine,
    docs,
    cleanup: async () => {
      engine.close();
      await rm(indexDir, { recursive: true, force: true });
      await extraCleanup();
    },
  };
}

export function sampleArchive(): Promise<Archive> {
  return open('sample', CORPUS_DIR, async () => undefined);
}

export async function generatedArchive(): Promise<Archive> {
  const work = await mkdtemp(join(tmpdir(), 'rs-research-corpus-'));
  const { dataDir } = await ensureCorpus({ scale: 0.25, archiveDir: CORPUS_DIR, workDir: work, log: () => undefined });
  await mkdir(join(dataDir, 'misc'), { recursive: true });
  await writeFile(join(dataDir, 'misc', 'unplaced.txt'), UNPLACED);
  return open('generated', dataDir, () => rm(work, { recursive: true, force: true }));
}

// ---------------------------------------------------------------- brute force

export const regionPath = (d: ReportDocument): string | null => [d.region.province, d.region.city, d.region.county].filter(Boolean).join('/') || null;

export function passes(d: ReportDocument, f: Filters): boolean {
  const path = regionPath(d) ?? '';
  return (
    (f.regions.length === 0 || f.regions.some((r) => path === r || path.startsWith(`${r}/`))) &&
    (f.years.length === 0 || (d.year !== null && f.years.includes(d.year)))
  );
}

export function matching(docs: Doc[], q: string, f: Filters): Doc[] {
  const parsed = parseQuery(q);
  return docs.filter((d) => passes(d, f) && (!parsed.root || matchesQuery(parsed.root, (t) => (t.field === 'title' ? d.normTitle : d.norm).includes(t.text))));
}

export interface BruteLine {
  id: string;
  paragraph: number;
  start: number;
  end: number;
}

/** Every occurrence of a matching report, as paragraph offsets (the engine's order within a report). */
export function occurrencesOf(d: Doc, q: string): BruteLine[] {
  return bruteOccurrences(d.norm, highlightTerms(parseQuery(q))).map((o) => {
    let p = d.starts.length - 1;
    while (d.starts[p] > o.start) p--;
    return { id: d.id, paragraph: p, start: o.start - d.starts[p], end: o.end - d.starts[p] };
  });
}

/** `n` code points each side, inside the paragraph: the definition, written the plain way. */
export function bruteContext(paragraph: string, start: number, end: number, n: number) {
  const before = Array.from(paragraph.slice(0, start));
  const after = Array.from(paragraph.slice(end));
  return { left: before.slice(Math.max(0, before.length - n)).join(''), match: paragraph.slice(start, end), right: after.slice(0, n).join('') };
}
