/**
 * The highlighter: where query terms occur in a report, as ranges. (The HTML with
 * those ranges in `<mark>` is built by the web layer, src/web/html.ts.)
 *
 * Matching is done on the normalised text (analyzer `normalize`, same length as the
 * original), so a Traditional or full-width query marks the characters the user sees.
 *
 * Hot path (every hit of every page): indexOf loops, no regex from user input,
 * no allocation per character.
 */
import type { Range } from '../types.js';

export type { Range };

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** True when offset `i` falls between the two halves of a surrogate pair. */
export function splitsPair(text: string, i: number): boolean {
  return i > 0 && i < text.length && isHigh(text.charCodeAt(i - 1)) && isLow(text.charCodeAt(i));
}

/** Distinct, non-empty terms (a repeated term must not be counted or searched twice). */
function distinct(terms: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of terms) if (t !== '' && !out.includes(t)) out.push(t);
  return out;
}

/**
 * Every occurrence of every term within `[from, to)`, overlapping ones included, as
 * sorted ranges with overlaps merged (adjacent ranges stay separate, so
 * `法治` + `政府` in 法治政府 gives two marks, each equal to a term).
 * Terms are normalised strings; `normText` is `normalize(text)`.
 *
 * ### Examples
 * findMatches('法治政府建设', ['法治', '政府']) // => [[0, 2], [2, 4]]
 * findMatches('aaa', ['aa']) // => [[0, 3]]
 */
export function findMatches(normText: string, terms: readonly string[], from = 0, to = normText.length): Range[] {
  const found: Range[] = [];
  for (const term of distinct(terms)) {
    const len = term.length;
    for (let i = normText.indexOf(term, from); i >= 0 && i + len <= to; i = normText.indexOf(term, i + 1)) {
      // A term made of a lone surrogate half must not split an emoji.
      if (splitsPair(normText, i) || splitsPair(normText, i + len)) continue;
      found.push([i, i + len]);
    }
  }
  return mergeRanges(found);
}

/** Sorts ranges and merges the overlapping ones (in place; returns the merged list). */
export function mergeRanges(ranges: Range[]): Range[] {
  if (ranges.length < 2) return ranges;
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Range[] = [ranges[0]];
  for (let k = 1; k < ranges.length; k++) {
    const last = out[out.length - 1];
    const r = ranges[k];
    if (r[0] < last[1]) {
      if (r[1] > last[1]) out[out.length - 1] = [last[0], r[1]];
    } else out.push(r);
  }
  return out;
}

/**
 * Total occurrences of all terms within `[from, to)`: for each distinct term, its
 * non-overlapping occurrences (scanning left to right), summed. This is a hit's
 * `matchCount`. A term contained in another (法治 / 法治政府) counts in both.
 *
 * ### Examples
 * countMatches('法治政府法治', ['法治', '法治政府']) // => 3
 * countMatches('aaaa', ['aa']) // => 2
 */
export function countMatches(normText: string, terms: readonly string[], from = 0, to = normText.length): number {
  let n = 0;
  for (const term of distinct(terms)) {
    const len = term.length;
    for (let i = normText.indexOf(term, from); i >= 0 && i + len <= to; ) {
      if (splitsPair(normText, i) || splitsPair(normText, i + len)) {
        i = normText.indexOf(term, i + 1);
        continue;
      }
      n++;
      i = normText.indexOf(term, i + len);
    }
  }
  return n;
}
