/**
 * Similar passages per paragraph (ctext.org's parallel passages): for one
 * paragraph of a report, the paragraphs of other reports sharing wording with
 * it, other regions first, with the shared spans on both sides and the
 * earliest known occurrence of each shared part marked (a paragraph can hold
 * passages from different origins).
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
  /** True when this hit is the earliest known occurrence of some part of the asked paragraph (earlier than the asked report). */
  earliest: boolean;
}

/** The earliest known occurrence of one part of the asked paragraph. */
export interface Origin {
  /** `[start, end)` in the asked paragraph: overlapping shared passages, merged. */
  start: number;
  end: number;
  /** The earliest report with this wording (the asked one when none is earlier; ties keep the asked one). */
  id: string;
  anchor: string;
  year: number | null;
  date: string | null;
}

export interface SimilarResult {
  id: string;
  anchor: string;
  hits: SimilarHit[];
  /** Per shared part of the asked paragraph, where it is first found, in paragraph order. */
  origins: Origin[];
}

/**
 * Paragraphs of other reports that share wording with paragraph `para` of report `id`.
 *
 * ### Examples
 * similarPassages(index, 'sichuan-2023', 4)
 * // => { id: 'sichuan-2023', anchor: 'p-4', origins: [{ start: 12, end: 61, id: 'hubei-2021', anchor: 'p-9', year: 2021, … }],
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
  const parts: Array<{ hit: number; start: number; end: number }> = [];
  const hits: SimilarHit[] = matches.map((m, i) => {
    const meta = index.docs[m.doc];
    const runs = m.passages.flatMap((p) => p.runs);
    let shared = 0;
    let bp = 0;
    for (const p of m.passages) {
      shared += p.matched;
      bp += p.boilerplate * p.matched;
      const [start, end] = toTextSpan(asked, p.a[0], p.a[1]);
      parts.push({ hit: i, start, end });
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
  // Origins: overlapping passages in the asked paragraph form one part; its earliest report wins.
  parts.sort((x, y) => x.start - y.start);
  const origins: Origin[] = [];
  for (let i = 0; i < parts.length; ) {
    let end = parts[i].end;
    let j = i + 1;
    while (j < parts.length && parts[j].start < end) end = Math.max(end, parts[j++].end);
    let best: Omit<Origin, 'start' | 'end'> = { id, anchor: anchorOf(para), year: me.year, date: me.date };
    let bestHits: number[] = [];
    for (let t = i; t < j; t++) {
      const h = hits[parts[t].hit];
      const c = compareTime(h, best);
      if (c < 0) {
        best = { id: h.id, anchor: h.anchor, year: h.year, date: h.date };
        bestHits = [parts[t].hit];
      } else if (c === 0 && bestHits.length > 0) bestHits.push(parts[t].hit);
    }
    for (const b of bestHits) hits[b].earliest = true;
    origins.push({ start: parts[i].start, end, ...best });
    i = j;
  }
  hits.sort(
    (x, y) =>
      Number(x.region === me.region) - Number(y.region === me.region) ||
      y.score - x.score ||
      compareTime(x, y) ||
      (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
  return { id, anchor: anchorOf(para), hits, origins };
}
