/**
 * Draft check: which parts of a pasted text already appear in the archive.
 */
import { alignCandidates, anchorOf, compareTime, rankCandidates } from './core.js';
import { windowSize } from './options.js';
import type { ReuseIndex } from './reuseindex.js';
import { charStream, fingerprints, toTextSpan } from './shingles.js';

export interface DraftSource {
  id: string;
  /** Paragraph of the source report. */
  anchor: string;
  year: number | null;
  date: string | null;
  region: string;
  /** The aligned passage in the source paragraph's text, `[start, end)`. */
  start: number;
  end: number;
}

export interface DraftSpan {
  /** `[start, end)` in the draft. */
  start: number;
  end: number;
  /** One per report, the earliest first (ties by id): `sources[0]` is the earliest source. */
  sources: DraftSource[];
}

export interface DraftCheck {
  /** Length of the draft. */
  chars: number;
  /** Draft characters inside spans. */
  coveredChars: number;
  spans: DraftSpan[];
}

/**
 * Finds the passages of a draft (≤ maxDraftChars) that reports of the archive share.
 * Boilerplate alone is not reported.
 *
 * ### Examples
 * checkDraft(index, '一、……坚持依法行政，全面推进政务公开……')
 * // => { chars: 5000, coveredChars: 412, spans: [{ start: 120, end: 236,
 * //      sources: [{ id: 'hubei-2021', anchor: 'p-9', year: 2021, region: '湖北省', start: 0, end: 117, … }, …] }] }
 */
export function checkDraft(index: ReuseIndex, text: string): DraftCheck {
  const o = index.options;
  if (text.length > o.maxDraftChars) throw new RangeError(`reuse: draft of ${text.length} characters, at most ${o.maxDraftChars}`);
  const draft = charStream(text);
  const fp = fingerprints(draft.codes, o.shingleSize, windowSize(o));
  const seeds = index.seeds(fp, () => true);
  const matches = alignCandidates(index, draft, seeds, rankCandidates(seeds, o.maxCandidates));
  // Every passage as a draft interval (stream coordinates) with its source.
  const items: Array<{ a0: number; a1: number; src: DraftSource; doc: number }> = [];
  for (const m of matches) {
    const meta = index.docs[m.doc];
    for (const p of m.passages) {
      const [start, end] = toTextSpan(m.stream, p.b[0], p.b[1]);
      items.push({
        a0: p.a[0],
        a1: p.a[1],
        doc: m.doc,
        src: { id: meta.id, anchor: anchorOf(m.g - index.docPara[m.doc]), year: meta.year, date: meta.date, region: meta.region, start, end },
      });
    }
  }
  items.sort((x, y) => x.a0 - y.a0);
  const spans: DraftSpan[] = [];
  let coveredChars = 0;
  for (let i = 0; i < items.length; ) {
    let end = items[i].a1;
    let j = i + 1;
    while (j < items.length && items[j].a0 < end) end = Math.max(end, items[j++].a1);
    // One source per report: its longest passage in this span.
    const byDoc = new Map<number, (typeof items)[number]>();
    for (let t = i; t < j; t++) {
      const cur = byDoc.get(items[t].doc);
      if (!cur || items[t].a1 - items[t].a0 > cur.a1 - cur.a0) byDoc.set(items[t].doc, items[t]);
    }
    const sources = [...byDoc.values()].map((x) => x.src).sort((x, y) => compareTime(x, y) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    const [s, e] = toTextSpan(draft, items[i].a0, end);
    spans.push({ start: s, end: e, sources });
    coveredChars += e - s;
    i = j;
  }
  return { chars: text.length, coveredChars, spans };
}
