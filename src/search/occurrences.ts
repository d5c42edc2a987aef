/**
 * Where a query occurs in one report: the occurrences that are counted
 * (matchCount, occurrences, KWIC, distributions) and the ranges that are
 * marked, for both match modes and for proximity.
 *
 * - A positive body term outside any proximity: every occurrence — leftmost
 *   first, non-overlapping, within a paragraph (as Ctrl-F steps).
 * - A term that stands only in proximities (`A /SEN B`): only the occurrences
 *   that satisfy the condition with the other term (`nearOccurrences`).
 * - 精确 (exact) finds the term as typed; 模糊 (fuzzy) ignores punctuation,
 *   whitespace and quote styles (`fuzzyOccurrences`), and marks the original
 *   span with the punctuation inside it.
 * - A title-only query (`标题:法治`) marks its terms in the body, so passages
 *   still show where the subject appears.
 *
 * Exact marks keep overlapping occurrences merged (`findMatches`: 'aa' in
 * 'aaa' marks all three), as the counted occurrences do not.
 */
import { highlightTerms } from '../query/parser.js';
import type { MatchMode, NearNode, QueryNode, Range, SearchQuery } from '../types.js';
import { fuzzyOccurrences, fuzzyView, type FuzzyView } from './fuzzy.js';
import { findMatches, mergeRanges } from './highlight.js';
import { nearOccurrences, termOccurrences as exactOccurrences, type FindOccurrences } from './proximity.js';

/** An occurrence of one of the query's terms, offsets in the whole text. */
export interface TermOccurrence {
  start: number;
  end: number;
  /** Index in `QueryMatcher.terms`. */
  term: number;
}

export interface QueryMatcher {
  /** The distinct terms whose occurrences are counted and marked (`highlightTerms`). */
  readonly terms: readonly string[];
  readonly mode: MatchMode;
  /** True when counting needs the text (fuzzy, proximity, single characters): positions cannot tell. */
  readonly needsText: boolean;
  /** The counted occurrences in `normText`, sorted by position. */
  occurrences(normText: string): TermOccurrence[];
  /** The ranges to mark in `normText`, sorted and merged. */
  ranges(normText: string): Range[];
}

/** The positive body terms outside proximities, and the proximities, of a tree. */
function split(root: QueryNode | null): { plain: Set<string>; near: NearNode[] } {
  const plain = new Set<string>();
  const near: NearNode[] = [];
  const walk = (n: QueryNode) => {
    if (n.type === 'not') return;
    if (n.type === 'term') {
      if (n.field === 'body') plain.add(n.text);
      return;
    }
    if (n.type === 'near') {
      near.push(n);
      return;
    }
    n.children.forEach(walk);
  };
  if (root) walk(root);
  return { plain, near };
}

/** The occurrence model of a query (see the module comment). */
export function queryMatcher(query: SearchQuery): QueryMatcher {
  const terms = highlightTerms(query.parsed);
  const { plain, near } = split(query.parsed.root);
  // A title-only query marks its terms in the body: every occurrence.
  if (plain.size === 0 && near.length === 0) for (const t of terms) plain.add(t);
  const index = new Map(terms.map((t, i) => [t, i]));
  const fuzzy = query.match === 'fuzzy';
  const finder = (normText: string): FindOccurrences => {
    if (!fuzzy) return exactOccurrences;
    let view: FuzzyView | null = null;
    return (_, term) => fuzzyOccurrences((view ??= fuzzyView(normText)), term);
  };

  function occurrences(normText: string): TermOccurrence[] {
    const find = finder(normText);
    const out: TermOccurrence[] = [];
    for (const t of plain) for (const [start, end] of find(normText, t)) out.push({ start, end, term: index.get(t)! });
    const seen = new Set<string>();
    for (const node of near) {
      const { left, right } = nearOccurrences(normText, node, find);
      node.children.forEach((child, side) => {
        if (plain.has(child.text)) return; // already counted in full
        for (const [start, end] of side === 0 ? left : right) {
          const key = `${start}:${end}:${child.text}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ start, end, term: index.get(child.text)! });
        }
      });
    }
    return out.sort((a, b) => a.start - b.start || a.end - b.end || a.term - b.term);
  }

  function ranges(normText: string): Range[] {
    if (!fuzzy && near.length === 0) return findMatches(normText, [...plain]);
    const marks: Range[] = fuzzy ? [] : findMatches(normText, [...plain]);
    for (const o of occurrences(normText)) if (fuzzy || !plain.has(terms[o.term])) marks.push([o.start, o.end]);
    return mergeRanges(marks);
  }

  const needsText = fuzzy || near.length > 0 || [...plain].some((t) => t.length < 2);
  return { terms, mode: query.match, needsText, occurrences, ranges };
}

/** The exact occurrence model of plain terms (no proximity), e.g. for a list of words to mark. */
export function termsMatcher(terms: readonly string[]): QueryMatcher {
  const distinct = [...new Set(terms.filter((t) => t !== ''))];
  const occurrences = (normText: string) => {
    const out: TermOccurrence[] = [];
    distinct.forEach((t, k) => {
      for (const [start, end] of exactOccurrences(normText, t)) out.push({ start, end, term: k });
    });
    return out.sort((a, b) => a.start - b.start || a.end - b.end);
  };
  return { terms: distinct, mode: 'exact', needsText: distinct.some((t) => t.length < 2), occurrences, ranges: (n) => findMatches(n, distinct) };
}
