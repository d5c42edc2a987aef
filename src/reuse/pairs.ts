/**
 * Reuse across the archive: every aligned passage pair between two reports,
 * the earlier report as source, streamed report by report.
 *
 * Each report is compared with the reports after it in the index, so every
 * pair of reports is aligned once; `pairsForReport` compares one report with
 * all others, which is what an incremental build reruns for a changed report.
 */
import { alignCandidates, anchorOf, compareTime, rankCandidates, streamCache } from './core.js';
import { windowSize } from './options.js';
import type { ReuseIndex } from './reuseindex.js';
import { charStream, fingerprints, toTextSpan, type CharStream } from './shingles.js';

export interface PassageSide {
  id: string;
  anchor: string;
  year: number | null;
  date: string | null;
  region: string;
  /** `[start, end)` in the paragraph's text. */
  start: number;
  end: number;
  /** The aligned text, `paragraph.slice(start, end)`. */
  text: string;
}

export interface ReusePair {
  /** The earlier report's passage. */
  source: PassageSide;
  target: PassageSide;
  /** Characters (letters and digits) shared exactly. */
  sharedChars: number;
  /** shared / the longer side's letters and digits, 0..1: 1 for a copy, lower with edits. */
  similarity: number;
  /** Share of the shared characters inside boilerplate shingles, 0..1; at least half the minimum shared length is outside boilerplate. */
  boilerplate: number;
  /** True when year and date do not order the two reports: source/target are then by id. */
  tie: boolean;
}

function side(index: ReuseIndex, doc: number, g: number, text: string, s: CharStream, from: number, to: number): PassageSide {
  const m = index.docs[doc];
  const [start, end] = toTextSpan(s, from, to);
  return { id: m.id, anchor: anchorOf(g - index.docPara[doc]), year: m.year, date: m.date, region: m.region, start, end, text: text.slice(start, end) };
}

/** Pairs of report `d` with the reports `accept` lets through. */
function* pairsOf(
  index: ReuseIndex,
  d: number,
  accept: (doc: number) => boolean,
  streamOf: (g: number) => CharStream = streamCache(index, 2_000),
): Generator<ReusePair> {
  const o = index.options;
  const w = windowSize(o);
  const ps = index.paragraphs(d);
  for (let p = 0; p < ps.length; p++) {
    const asked = charStream(ps[p]);
    if (asked.codes.length < o.minSharedChars) continue;
    const fp = fingerprints(asked.codes, o.shingleSize, w);
    const seeds = index.seeds(fp, accept);
    if (seeds.size === 0) continue;
    const g = index.docPara[d] + p;
    for (const m of alignCandidates(index, asked, seeds, rankCandidates(seeds, Number.MAX_SAFE_INTEGER), streamOf)) {
      const other = index.paragraphText(m.g);
      const cmp = compareTime(index.docs[d], index.docs[m.doc]);
      const tie = cmp === 0;
      const askedFirst = cmp < 0 || (tie && index.docs[d].id < index.docs[m.doc].id);
      for (const x of m.passages) {
        const a = side(index, d, g, ps[p], asked, x.a[0], x.a[1]);
        const b = side(index, m.doc, m.g, other, m.stream, x.b[0], x.b[1]);
        yield {
          source: askedFirst ? a : b,
          target: askedFirst ? b : a,
          sharedChars: x.matched,
          similarity: x.matched / Math.max(x.a[1] - x.a[0], x.b[1] - x.b[0]),
          boilerplate: x.boilerplate,
          tie,
        };
      }
    }
  }
}

/**
 * The corpus-wide pass one report at a time: the pairs of report d with the
 * reports after it, for d = 0, 1, … (one array per report, often empty). A
 * caller that must stay responsive (the web server) yields between reports.
 */
export function* pairsByReport(index: ReuseIndex): Generator<ReusePair[]> {
  const streamOf = streamCache(index);
  for (let d = 0; d < index.reportCount; d++) yield [...pairsOf(index, d, (x) => x > d, streamOf)];
}

/**
 * Every passage pair of the archive, each pair of reports aligned once.
 * Report d is compared with the reports after it, so the work per report falls
 * towards the end; `onProgress` is called after each report.
 *
 * ### Examples
 * for (const pair of reusePairs(index)) writer.write(pair);
 * // pair => { source: { id: 'hubei-2021', anchor: 'p-9', start: 0, end: 117, text: '…', … },
 * //           target: { id: 'sichuan-2023', … }, sharedChars: 96, similarity: 0.91, boilerplate: 0, tie: false }
 */
export function* reusePairs(index: ReuseIndex, opts: { onProgress?: (reportsDone: number, reports: number) => void } = {}): Generator<ReusePair> {
  let done = 0;
  for (const pairs of pairsByReport(index)) {
    yield* pairs;
    opts.onProgress?.(++done, index.reportCount);
  }
}

/** Every passage pair between one report and all the others (what a changed report recomputes). */
export function pairsForReport(index: ReuseIndex, id: string): ReusePair[] {
  const d = index.docIndex(id);
  if (d < 0) throw new RangeError(`reuse: unknown report ${id}`);
  return [...pairsOf(index, d, (x) => x !== d)];
}
