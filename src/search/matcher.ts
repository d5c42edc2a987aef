/**
 * Turns a query tree into the exact set of matching reports.
 *
 * Contract: a term matches a report exactly when the report's normalised text
 * (its normalised title, for a title-scoped term) contains the term as a
 * substring. One- and two-character terms are answered by the n-gram
 * postings' lists; longer terms by where their bigrams stand (positions.bin),
 * so recall and precision are both 100% without reading any text.
 *
 * A scope (the reports a filter leaves) limits the work: positions are only
 * checked for reports inside it. Unscoped term sets are cached (LRU).
 */
import { Bitset } from '../index/bitset.js';
import { termKeys } from '../index/postings.js';
import type { DocLists } from '../index/reader.js';
import type { QueryNode, TermNode } from '../types.js';

const CACHE_SIZE = 256;

export class Matcher {
  private readonly cache = new Map<string, Bitset>();

  constructor(
    private readonly size: number,
    private readonly grams: DocLists,
    private readonly normTitles: string[],
  ) {}

  /** Forgets cached term sets (the benchmark measures queries no one asked before). */
  clearCache(): void {
    this.cache.clear();
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

  /** Reports whose title contains `text` (cached: do not mutate). */
  titleMatches(text: string): Bitset {
    const key = `t\u0000${text}`;
    const cached = this.get(key);
    if (cached) return cached;
    const out = new Bitset(this.size);
    const titles = this.normTitles;
    for (let doc = 0; doc < titles.length; doc++) if (titles[doc].includes(text)) out.add(doc);
    this.put(key, out);
    return out;
  }

  private term(node: TermNode, scope: Bitset | null): Bitset {
    return node.field === 'title' ? this.titleMatches(node.text) : this.bodyMatches(node.text, scope);
  }

  /** The reports matching a query tree, within `scope` when given (a new Bitset, free to mutate). */
  evaluate(node: QueryNode, scope: Bitset | null = null): Bitset {
    const all = () => (scope ? scope.clone() : Bitset.full(this.size));
    switch (node.type) {
      case 'term': {
        const s = this.term(node, scope);
        return scope && node.field === 'title' ? s.clone().and(scope) : s.clone();
      }
      case 'not':
        return all().andNot(this.setOf(node.child, scope));
      case 'or': {
        const out = new Bitset(this.size);
        for (const c of node.children) out.or(this.setOf(c, scope));
        return scope ? out.and(scope) : out;
      }
      case 'near':
      // Proximity is not parsed yet; the candidate set (both terms) stands in until it is verified by position.
      case 'and': {
        let out: Bitset | null = null;
        // Positive children first, each narrowing the scope of the next.
        for (const c of node.children) {
          if (c.type === 'not') continue;
          const s = this.setOf(c, out ?? scope);
          out = out ? out.and(s) : s.clone();
        }
        out ??= all();
        for (const c of node.children) if (c.type === 'not') out.andNot(this.setOf(c.child, out));
        return out;
      }
    }
  }

  /** A term's set (possibly shared) or a freshly evaluated subtree. */
  private setOf(node: QueryNode, scope: Bitset | null): Bitset {
    return node.type === 'term' ? this.term(node, scope) : this.evaluate(node, scope);
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
