/**
 * Proximity (`A /SEN B`, `A /PRG B`, `A /NEAR n B`, src/types.ts `NearNode`) checked on
 * one report's normalised text. The engine finds candidates from its postings (both
 * terms present), then calls `nearHolds` to decide and `nearOccurrences` to mark
 * only the occurrences that satisfy the condition.
 *
 * Definitions (offsets are UTF-16 code units, as everywhere in the engine):
 * - Paragraph: a line of the text (paragraphs are joined by '\n'; '\n' belongs to none).
 * - Sentence: a paragraph is cut after each run of sentence ends 。 ! ? ; (normalize
 *   folds ！？； to ASCII and keeps 。), the run taking with it the closing quotes and
 *   brackets right after it (”’」』)]》〉】〕, so `他说：“好。”` is one sentence); the end
 *   of a paragraph ends its last sentence. `...` and `…` do not end a sentence.
 * - Occurrences of a term: as Ctrl-F steps — leftmost first, non-overlapping, never
 *   across a paragraph, never splitting a surrogate pair (as `countMatches`).
 * - Two occurrences are in one sentence (paragraph) when that sentence (paragraph)
 *   contains both entirely. A term holding a sentence end in its middle (`制度。全面`)
 *   is therefore never inside one sentence.
 * - Distance (`/NEAR n`): occurrences in one paragraph with
 *   `max(a.start, b.start) − min(a.end, b.end)` ≤ n, counted as 0 when they touch or
 *   overlap, in either order.
 * - Two occurrences of the same term: `法治 /SEN 法治` needs two distinct occurrences
 *   in one sentence. Different terms may overlap (`法治 /NEAR 0 法治政府` holds
 *   wherever 法治政府 stands).
 *
 * Cost: one pass over the text for the sentence or paragraph bounds (charCode loop,
 * no regex), the terms' occurrences by indexOf, then O(|A| + |B|) over the
 * occurrences. No regex is built from user input.
 */
import type { NearNode } from '../types.js';
import { splitsPair, type Range } from './highlight.js';

export type { Range };

/** The occurrences of a term in normalised text; `termOccurrences` unless the match mode says otherwise. */
export type FindOccurrences = (normText: string, term: string) => Range[];

const NEWLINE = 10;

/** Sentence ends after normalisation: 。 ! ? ; */
function isSentenceEnd(c: number): boolean {
  return c === 0x3002 || c === 0x21 || c === 0x3f || c === 0x3b;
}

/** Closing marks that belong to the sentence they follow: ” ’ 」 』 ) ] 》 〉 】 〕 */
function isTrailer(c: number): boolean {
  switch (c) {
    case 0x201d:
    case 0x2019:
    case 0x300d:
    case 0x300f:
    case 0x29:
    case 0x5d:
    case 0x300b:
    case 0x3009:
    case 0x3011:
    case 0x3015:
      return true;
    default:
      return false;
  }
}

/**
 * The paragraphs of normalised text as `[start, end)`, in order (empty lines included,
 * as empty ranges).
 *
 * ### Examples
 * paragraphRanges('ab\ncd') // => [[0, 2], [3, 5]]
 */
export function paragraphRanges(normText: string): Range[] {
  const out: Range[] = [];
  let start = 0;
  for (let nl = normText.indexOf('\n'); nl >= 0; nl = normText.indexOf('\n', start)) {
    out.push([start, nl]);
    start = nl + 1;
  }
  out.push([start, normText.length]);
  return out;
}

/**
 * The sentences of normalised text as `[start, end)`, in order; empty paragraphs have none.
 *
 * ### Examples
 * sentenceRanges('一是好。二是“好。”\n三') // => [[0, 4], [4, 10], [11, 12]]
 */
export function sentenceRanges(normText: string): Range[] {
  const out: Range[] = [];
  const n = normText.length;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const c = normText.charCodeAt(i);
    if (c === NEWLINE) {
      if (i > start) out.push([start, i]);
      start = i + 1;
    } else if (isSentenceEnd(c)) {
      let j = i + 1;
      while (j < n) {
        const d = normText.charCodeAt(j);
        if (!isSentenceEnd(d) && !isTrailer(d)) break;
        j++;
      }
      out.push([start, j]);
      start = j;
      i = j - 1;
    }
  }
  if (n > start) out.push([start, n]);
  return out;
}

/**
 * Occurrences of `term` in `normText` as Ctrl-F steps through them: leftmost first,
 * non-overlapping, none holding '\n' (none across a paragraph), none splitting a
 * surrogate pair.
 *
 * ### Examples
 * termOccurrences('aaaa', 'aa') // => [[0, 2], [2, 4]]
 */
export function termOccurrences(normText: string, term: string): Range[] {
  const out: Range[] = [];
  const len = term.length;
  if (len === 0 || term.includes('\n')) return out;
  for (let i = normText.indexOf(term); i >= 0; ) {
    if (splitsPair(normText, i) || splitsPair(normText, i + len)) {
      i = normText.indexOf(term, i + 1);
      continue;
    }
    out.push([i, i + len]);
    i = normText.indexOf(term, i + len);
  }
  return out;
}

/** For each occurrence, the index of the segment (sorted, disjoint ranges) containing it entirely, or -1. */
function segmentsOf(occ: readonly Range[], segments: readonly Range[]): Int32Array {
  const out = new Int32Array(occ.length);
  let s = 0;
  for (let k = 0; k < occ.length; k++) {
    const [a, b] = occ[k];
    while (s < segments.length && segments[s][1] <= a) s++;
    out[k] = s < segments.length && segments[s][0] <= a && b <= segments[s][1] ? s : -1;
  }
  return out;
}

/** The occurrences of each term that take part in a pair satisfying the condition. */
export interface NearOccurrences {
  /** Occurrences of `children[0]`, sorted. */
  left: Range[];
  /** Occurrences of `children[1]`, sorted (the same list as `left` when the terms are equal). */
  right: Range[];
}

/**
 * The occurrences of the two terms of `node` that satisfy its condition with some
 * occurrence of the other term: what to highlight and count. Empty lists when the
 * condition does not hold anywhere.
 * `find` gives a term's occurrences (default `termOccurrences`; pass the fuzzy
 * matcher's for 模糊 mode).
 *
 * Cost: O(text) for the bounds + the two searches + O(|A| + |B|).
 *
 * ### Examples
 * nearOccurrences('法治政府。营商环境', near('sentence', '法治', '营商')) // => { left: [], right: [] }
 * nearOccurrences('法治，营商。营商', near('sentence', '法治', '营商')) // => { left: [[0, 2]], right: [[3, 5]] }
 */
export function nearOccurrences(normText: string, node: NearNode, find: FindOccurrences = termOccurrences): NearOccurrences {
  const [ta, tb] = node.children;
  const same = ta.text === tb.text;
  const occA = find(normText, ta.text);
  const occB = same ? occA : find(normText, tb.text);
  const none: NearOccurrences = { left: [], right: [] };
  if (occA.length === 0 || occB.length === 0 || (same && occA.length < 2)) return none;

  if (node.unit === 'chars') {
    const paras = paragraphRanges(normText);
    const pa = segmentsOf(occA, paras);
    const pb = same ? pa : segmentsOf(occB, paras);
    const left = same ? nearSelf(occA, pa, node.distance) : nearOther(occA, pa, occB, pb, node.distance);
    if (left.length === 0) return none;
    return { left, right: same ? left : nearOther(occB, pb, occA, pa, node.distance) };
  }

  const segments = node.unit === 'sentence' ? sentenceRanges(normText) : paragraphRanges(normText);
  const sa = segmentsOf(occA, segments);
  const sb = same ? sa : segmentsOf(occB, segments);
  // Segments holding the other term (or, for one term, two of its occurrences).
  const hasB = new Set<number>();
  if (same) {
    for (let k = 1; k < sa.length; k++) if (sa[k] >= 0 && sa[k] === sa[k - 1]) hasB.add(sa[k]);
    const left = occA.filter((_, k) => hasB.has(sa[k]));
    return { left, right: left };
  }
  for (const s of sb) if (s >= 0) hasB.add(s);
  const left = occA.filter((_, k) => sa[k] >= 0 && hasB.has(sa[k]));
  if (left.length === 0) return none;
  const hasA = new Set<number>();
  for (const s of sa) if (s >= 0) hasA.add(s);
  const right = occB.filter((_, k) => sb[k] >= 0 && hasA.has(sb[k]));
  return { left, right };
}

/** Characters between two occurrences, 0 when they touch or overlap. */
function gap(a: Range, b: Range): number {
  return Math.max(0, Math.max(a[0], b[0]) - Math.min(a[1], b[1]));
}

/**
 * The occurrences of A within `d` of some occurrence of B in the same paragraph.
 * Both lists are sorted and non-overlapping, so their ends are sorted too: the
 * nearest B before an A is the last ending at or before A's start, the nearest
 * from there on is the first ending after it (two pointers).
 */
function nearOther(occA: readonly Range[], pa: Int32Array, occB: readonly Range[], pb: Int32Array, d: number): Range[] {
  const out: Range[] = [];
  let k = 0;
  for (let i = 0; i < occA.length; i++) {
    const a = occA[i];
    if (pa[i] < 0) continue;
    while (k < occB.length && occB[k][1] <= a[0]) k++;
    const before = k - 1;
    if ((before >= 0 && pb[before] === pa[i] && gap(a, occB[before]) <= d) || (k < occB.length && pb[k] === pa[i] && gap(a, occB[k]) <= d)) {
      out.push(a);
    }
  }
  return out;
}

/** The occurrences of one term within `d` of another of its occurrences in the same paragraph. */
function nearSelf(occ: readonly Range[], p: Int32Array, d: number): Range[] {
  const out: Range[] = [];
  for (let i = 0; i < occ.length; i++) {
    if (p[i] < 0) continue;
    const prev = i > 0 && p[i - 1] === p[i] && gap(occ[i - 1], occ[i]) <= d;
    const next = i + 1 < occ.length && p[i + 1] === p[i] && gap(occ[i], occ[i + 1]) <= d;
    if (prev || next) out.push(occ[i]);
  }
  return out;
}

/**
 * Whether the condition of `node` holds somewhere in the text: a candidate report
 * (both terms present, from the postings) matches the NEAR node exactly when this is true.
 *
 * ### Examples
 * nearHolds('一是法治。二是营商', near('sentence', '法治', '营商')) // => false
 * nearHolds('一是法治。二是营商', near('paragraph', '法治', '营商')) // => true
 */
export function nearHolds(normText: string, node: NearNode, find: FindOccurrences = termOccurrences): boolean {
  return nearOccurrences(normText, node, find).left.length > 0;
}

/**
 * All ranges to highlight for a NEAR node: both terms' satisfying occurrences, sorted
 * and merged where they overlap (as `mergeRanges` would).
 */
export function nearRanges(normText: string, node: NearNode, find: FindOccurrences = termOccurrences): Range[] {
  const { left, right } = nearOccurrences(normText, node, find);
  const all = left === right ? [...left] : [...left, ...right];
  all.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Range[] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] < last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
