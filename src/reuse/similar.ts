/**
 * Similar passages per paragraph (ctext.org's parallel passages): for one
 * paragraph of a report, the paragraphs of other reports sharing wording with
 * it, other regions first, with the shared spans on both sides and the
 * earliest known occurrence marked.
 */
import { alignCandidates, anchorOf, compareTime, rankCandidates } from './core.js';
import type { ReuseIndex } from './reuseindex.js';
import { charStream, fingerprints, toTextSpan } from './shingles.js';
import { windowSize } from './options.js';

export interface SimilarHit {
  id: string;
  anchor: string;
  region: string;
  year: number | null;
  date: string | null;
  /** Dice over letters and digits: 2 × shared / (both paragraphs' lengths), 0..1; 1 for a copy. */
  score: number;
  /** Characters (letters and digits) shared exactly. */
  sharedChars: number;
  /** Shared runs in the other paragraph's text, `[start, end)`. */
  spans: Array<[number, number]>;
  /** The same runs in the asked paragraph's text; `sourceSpans[i]` pairs with `spans[i]`. */
  sourceSpans: Array<[number, number]>;
  /** Share of the shared wording that is boilerplate, 0..1. */
  boilerplate: number;
  /** True on the hit(s) with the earliest year/date, when earlier than the asked report. */
  earliest: boolean;
}

export interface SimilarResult {
  id: string;
  anchor: string;
  hits: SimilarHit[];
  /** The earliest known occurrence among the asked paragraph and its hits (the asked one on a tie). */
  earliest: { id: string; anchor: string; year: number | null; date: string | null };
}

/**
 * Paragraphs of other reports that share wording with paragraph `para` of report `id`.
 *
 * ### Examples
 * similarPassages(index, 'sichuan-2023', 4)
 * // => { id: 'sichuan-2023', anchor: 'p-4', earliest: { id: 'hubei-2021', anchor: 'p-9', … },
 * //      hits: [{ id: 'hubei-2021', anchor: 'p-9', region: '湖北省', year: 2021, score: 0.62,
 * //               spans: [[0, 48]], sourceSpans: [[12, 61]], earliest: true, … }] }
 */
export function similarPassages(index: ReuseIndex, id: string, para: number): SimilarResult {
  const d = index.docIndex(id);
  if (d < 0) throw new RangeError(`reuse: unknown report ${id}`);
  const ps = index.paragraphs(d);
  if (!Number.isInteger(para) || para < 0 || para >= ps.length) throw new RangeError(`reuse: report ${id} has no paragraph ${para}`);
  const o = index.options;
  const asked = charStream(ps[para]);
  const fp = fingerprints(asked.codes, o.shingleSize, windowSize(o));
  const seeds = index.seeds(fp, (x) => x !== d);
  const matches = alignCandidates(index, asked, seeds, rankCandidates(seeds, o.maxCandidates));
  const me = index.docs[d];
  const hits: SimilarHit[] = matches.map((m) => {
    const meta = index.docs[m.doc];
    const runs = m.passages.flatMap((p) => p.runs);
    let shared = 0;
    let bp = 0;
    for (const p of m.passages) {
      shared += p.matched;
      bp += p.boilerplate * p.matched;
    }
    return {
      id: meta.id,
      anchor: anchorOf(m.g - index.docPara[m.doc]),
      region: meta.region,
      year: meta.year,
      date: meta.date,
      score: (2 * shared) / (asked.codes.length + m.stream.codes.length),
      sharedChars: shared,
      spans: runs.map((r) => toTextSpan(m.stream, r.b0, r.b0 + r.len)),
      sourceSpans: runs.map((r) => toTextSpan(asked, r.a0, r.a0 + r.len)),
      boilerplate: bp / shared,
      earliest: false,
    };
  });
  hits.sort(
    (x, y) =>
      Number(x.region === me.region) - Number(y.region === me.region) ||
      y.score - x.score ||
      compareTime(x, y) ||
      (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
  let earliest: SimilarResult['earliest'] = { id, anchor: anchorOf(para), year: me.year, date: me.date };
  for (const h of hits) if (compareTime(h, earliest) < 0) earliest = { id: h.id, anchor: h.anchor, year: h.year, date: h.date };
  if (earliest.id !== id) for (const h of hits) h.earliest = compareTime(h, earliest) === 0;
  return { id, anchor: anchorOf(para), hits, earliest };
}
