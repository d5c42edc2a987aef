/**
 * Turns a query tree into the exact set of matching reports.
 *
 * Contract (精确, exact): a term matches a report exactly when the report's
 * normalised text (its normalised title, for a title-scoped term) contains the
 * term as a substring. One- and two-character terms are answered by the n-gram
 * postings' lists; longer terms by where their bigrams stand (positions.bin),
 * so recall and precision are both 100% without reading any text.
 *
 * 模糊 (fuzzy): a term matches when some paragraph, with punctuation, whitespace
 * and quotes removed, contains the term so reduced (`fuzzyKey`). Reports that
 * contain the key as typed match at once; the other candidates — those holding
 * every character of the key, a complete set — are confirmed on their text.
 *
 * Proximity (`A /SEN B` …): the reports holding both terms are confirmed on
 * their text by `nearHolds` (src/search/proximity.ts).
 *
 * A scope (the reports a filter leaves) limits the work: positions and texts
 * are only read for reports inside it. Unscoped sets are cached (LRU).
 */
import { Bitset } from '../index/bitset.js';
import { termKeys } from '../index/postings.js';
import type { DocLists, TextSource } from '../index/reader.js';
import type { MatchMode, NearNode, QueryNode, TermNode } from '../types.js';
import { fuzzyContains, fuzzyKey, fuzzyOccurrences, fuzzyView, type FuzzyView } from './fuzzy.js';
import { nearHolds, termOccurrences as exactOccurrences, type FindOccurrences } from './proximity.js';

const CACHE_SIZE = 256;

export class Matcher {
  private readonly cache = new Map<string, Bitset>();

  constructor(
    private readonly size: number,
    private readonly grams: DocLists,
    private readonly texts: TextSource,
    private readonly normTitles: string[],
  ) {}

  /** Forgets cached term sets (the benchmark measures queries no one asked before). */
  clearCache(): void {
    this.cache.clear();
    this.verdicts.clear();
  }

  /**
   * Reports containing `text` in their body, within `scope` when given.
   * The result may be the cache's own set: do not mutate it.
   */
  bodyMatches(text: string, scope: Bitset | null = null): Bitset {
    const key = `b\u0000${text}`;
    const cached = this.get(key);
    if (cached) return scope ? cached.clone().and(scope) : cached;
    if (text.length === 0) return scope ? scope.clone() : Bitset.full(this.size);
    const candidates = this.grams.docsWithAll(termKeys(text), this.size);
    if (scope) candidates.and(scope);
    if (text.length > 2) this.grams.keepPhrase(text, candidates);
    if (!scope) this.put(key, candidates);
    return candidates;
  }

  /** Reports whose body matches `text` in fuzzy mode, within `scope` (cached unscoped: do not mutate). */
  private fuzzyBodyMatches(text: string, scope: Bitset | null): Bitset {
    const key = `f\u0000${text}`;
    const cached = this.get(key);
    if (cached) return scope ? cached.clone().and(scope) : cached;
    const k = fuzzyKey(text);
    if (k === '') return new Bitset(this.size);
    // The key as typed is a match; the rest of the reports holding all its characters are checked on their text.
    const out = this.bodyMatches(k, scope).clone();
    const units = [...new Set(Array.from(k, (_, i) => k.charCodeAt(i)))];
    const candidates = this.grams.docsWithAll(units, this.size);
    if (scope) candidates.and(scope);
    candidates.andNot(out);
    // A filtered search is not cached as a set, but its verdicts are: asked again (the 模糊 count
    // beside every short 精确 list with a filter), it reads no text for the reports already checked.
    const seen = this.fuzzyVerdicts(key);
    for (const doc of candidates.toArray()) {
      if (!seen.checked.has(doc)) {
        seen.checked.add(doc);
        if (fuzzyContains(this.texts.read(doc).norm, text)) seen.matched.add(doc);
      }
      if (seen.matched.has(doc)) out.add(doc);
    }
    if (!scope) this.put(key, out);
    return out;
  }

  /** Reports whose title contains `text` (cached: do not mutate). */
  titleMatches(text: string, mode: MatchMode = 'exact'): Bitset {
    const key = `t${mode}\u0000${text}`;
    const cached = this.get(key);
    if (cached) return cached;
    const out = new Bitset(this.size);
    const titles = this.normTitles;
    for (let doc = 0; doc < titles.length; doc++) {
      if (mode === 'fuzzy' ? fuzzyContains(titles[doc], text) : titles[doc].includes(text)) out.add(doc);
    }
    this.put(key, out);
    return out;
  }

  private term(node: TermNode, scope: Bitset | null, mode: MatchMode): Bitset {
    if (node.field === 'title') return this.titleMatches(node.text, mode);
    return mode === 'fuzzy' ? this.fuzzyBodyMatches(node.text, scope) : this.bodyMatches(node.text, scope);
  }

  /** Reports where the proximity holds: both terms present, then the condition checked on the text. */
  private near(node: NearNode, scope: Bitset | null, mode: MatchMode): Bitset {
    const key = `n${mode}\u0000${node.unit}\u0000${node.distance}\u0000${node.children[0].text}\u0000${node.children[1].text}`;
    const cached = this.get(key);
    if (cached) return scope ? cached.clone().and(scope) : cached;
    const out = this.term(node.children[0], scope, mode).clone().and(this.term(node.children[1], scope, mode));
    if (scope) out.and(scope);
    for (const doc of out.toArray()) {
      const norm = this.texts.read(doc).norm;
      let find: FindOccurrences = exactOccurrences;
      if (mode === 'fuzzy') {
        let view: FuzzyView | null = null;
        find = (_, t) => fuzzyOccurrences((view ??= fuzzyView(norm)), t);
      }
      if (!nearHolds(norm, node, find)) out.delete(doc);
    }
    if (!scope) this.put(key, out);
    return out;
  }

  /** The reports matching a query tree, within `scope` when given (a new Bitset, free to mutate). */
  evaluate(node: QueryNode, scope: Bitset | null = null, mode: MatchMode = 'exact'): Bitset {
    const all = () => (scope ? scope.clone() : Bitset.full(this.size));
    switch (node.type) {
      case 'term': {
        const s = this.term(node, scope, mode);
        return scope && node.field === 'title' ? s.clone().and(scope) : s.clone();
      }
      case 'near':
        return this.near(node, scope, mode).clone();
      case 'not':
        return all().andNot(this.setOf(node.child, scope, mode));
      case 'or': {
        const out = new Bitset(this.size);
        for (const c of node.children) out.or(this.setOf(c, scope, mode));
        return scope ? out.and(scope) : out;
      }
      case 'and': {
        let out: Bitset | null = null;
        // Positive children first, each narrowing the scope of the next.
        for (const c of node.children) {
          if (c.type === 'not') continue;
          const s = this.setOf(c, out ?? scope, mode);
          out = out ? out.and(s) : s.clone();
        }
        out ??= all();
        for (const c of node.children) if (c.type === 'not') out.andNot(this.setOf(c.child, out, mode));
        return out;
      }
    }
  }

  /** A term's set (possibly shared) or a freshly evaluated subtree. */
  private setOf(node: QueryNode, scope: Bitset | null, mode: MatchMode): Bitset {
    return node.type === 'term' ? this.term(node, scope, mode) : this.evaluate(node, scope, mode);
  }

  /** Per fuzzy term, the candidate reports confirmed on their text so far, and those that matched (LRU, as `cache`). */
  private readonly verdicts = new Map<string, { checked: Bitset; matched: Bitset }>();

  private fuzzyVerdicts(key: string): { checked: Bitset; matched: Bitset } {
    let v = this.verdicts.get(key);
    if (v) this.verdicts.delete(key);
    else v = { checked: new Bitset(this.size), matched: new Bitset(this.size) };
    this.verdicts.set(key, v);
    if (this.verdicts.size > CACHE_SIZE) this.verdicts.delete(this.verdicts.keys().next().value!);
    return v;
  }

  private get(key: string): Bitset | undefined {
    const hit = this.cache.get(key);
    if (hit) {
      // Refresh recency: Map keeps insertion order, so re-insert.
      this.cache.delete(key);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private put(key: string, value: Bitset): void {
    this.cache.set(key, value);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }
}
