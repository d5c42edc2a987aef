/**
 * Turns a query tree into the exact set of matching reports.
 *
 * Contract: a term matches a report exactly when the report's normalised text
 * (its normalised title, for a title-scoped term) contains the term as a
 * substring. One- and two-character terms are answered by the n-gram postings
 * alone; longer terms take the postings' candidates and check each against
 * the stored text, so recall and precision are both 100%.
 */
import { Bitset } from '../index/bitset.js';
import { termKeys, type GramPostings } from '../index/postings.js';
import type { TextStore } from '../index/textstore.js';
import type { QueryNode, TermNode } from '../types.js';

const CACHE_SIZE = 512;

export class Matcher {
  private readonly cache = new Map<string, Bitset>();

  constructor(
    private readonly size: number,
    private readonly grams: GramPostings,
    private readonly texts: TextStore,
    private readonly normTitles: string[],
  ) {}

  /** Reports containing `text` in their body (shared, cached: do not mutate). */
  bodyMatches(text: string): Bitset {
    return this.cached(`b\u0000${text}`, () => {
      if (text.length === 0) return Bitset.full(this.size);
      const candidates = this.grams.docsWithAll(termKeys(text), this.size);
      if (text.length > 2) this.grams.keepPhrase(text, candidates);
      return candidates;
    });
  }

  /** Reports whose title contains `text` (shared, cached: do not mutate). */
  titleMatches(text: string): Bitset {
    return this.cached(`t\u0000${text}`, () => {
      const out = new Bitset(this.size);
      const titles = this.normTitles;
      for (let doc = 0; doc < titles.length; doc++) if (titles[doc].includes(text)) out.add(doc);
      return out;
    });
  }

  term(node: TermNode): Bitset {
    return node.field === 'title' ? this.titleMatches(node.text) : this.bodyMatches(node.text);
  }

  /** The set of reports matching a query tree (a new Bitset, free to mutate). */
  evaluate(node: QueryNode): Bitset {
    switch (node.type) {
      case 'term':
        return this.term(node).clone();
      case 'not':
        return Bitset.full(this.size).andNot(this.setOf(node.child));
      case 'or': {
        const out = new Bitset(this.size);
        for (const c of node.children) out.or(this.setOf(c));
        return out;
      }
      case 'and': {
        const positives = node.children.filter((c) => c.type !== 'not');
        const negatives = node.children.filter((c): c is Extract<QueryNode, { type: 'not' }> => c.type === 'not');
        let out: Bitset | null = null;
        for (const c of positives) {
          const s = this.setOf(c);
          out = out ? out.and(s) : s.clone();
        }
        out ??= Bitset.full(this.size);
        for (const c of negatives) out.andNot(this.setOf(c.child));
        return out;
      }
    }
  }

  /** A term's cached set without copying, or a freshly evaluated subtree. */
  private setOf(node: QueryNode): Bitset {
    return node.type === 'term' ? this.term(node) : this.evaluate(node);
  }

  private cached(key: string, compute: () => Bitset): Bitset {
    const hit = this.cache.get(key);
    if (hit) {
      // Refresh recency: Map keeps insertion order, so re-insert.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const value = compute();
    this.cache.set(key, value);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }
}
