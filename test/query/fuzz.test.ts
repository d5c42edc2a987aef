/**
 * Issue 14: the parser under arbitrary input. For every string (lone surrogates,
 * control characters, the syntax's own pieces, queries over the limits):
 * - it throws nothing but `QueryError`;
 * - it answers within 50 ms;
 * - `parseQuery(formatQuery(root))` gives the same tree (`raw` aside);
 * - `looserQuery` is null or a query the parser accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_CHARS, MAX_QUERY_TERMS, QueryError } from '../../src/query/errors.js';
import { formatQuery, looserQuery, parseQuery } from '../../src/query/parser.js';
import type { ParsedQuery, QueryNode } from '../../src/types.js';
import { fuzzQueries, longQueries } from './fuzz-arbitraries.js';

/** The tree without `raw` (what the user typed: Traditional, full-width, `title:` … differ from the canonical form). */
function shape(n: QueryNode | null): unknown {
  if (!n) return null;
  switch (n.type) {
    case 'term':
      return { type: 'term', text: n.text, phrase: n.phrase, field: n.field };
    case 'not':
      return { type: 'not', child: shape(n.child) };
    case 'near':
      return { type: 'near', unit: n.unit, distance: n.distance, children: n.children.map(shape) };
    default:
      return { type: n.type, children: n.children.map(shape) };
  }
}

const LIMIT_MS = 50;

/** Parses, timing it; a run over the limit is timed twice more (a GC pause or a busy core is not the parser). */
function timedParse(q: string): { parsed: ParsedQuery | null; error: unknown; ms: number } {
  let ms = Infinity;
  let parsed: ParsedQuery | null = null;
  let error: unknown = null;
  for (let attempt = 0; attempt < 3 && ms > LIMIT_MS; attempt++) {
    const t = performance.now();
    try {
      parsed = parseQuery(q);
    } catch (e) {
      error = e;
    }
    ms = Math.min(ms, performance.now() - t);
  }
  return { parsed, error, ms };
}

function codePoints(s: string): number {
  return [...s].length;
}

describe('parser fuzz (issue 14)', () => {
  parseQuery('warm up'); // the normalisation table is built on first use (~80 ms)

  it('10,000 queries: only QueryError, under 50 ms, formatQuery round-trips, looserQuery parses', () => {
    let refused = 0;
    fc.assert(
      fc.property(fuzzQueries, (q) => {
        const { parsed, error, ms } = timedParse(q);
        expect(ms).toBeLessThan(LIMIT_MS);
        if (error) {
          expect(error).toBeInstanceOf(QueryError);
          expect((error as Error).message).toMatch(/^查询(过长|词过多)：/);
          refused++;
          return;
        }
        const p = parsed!;
        for (const w of p.warnings) expect(w).toMatch(/[\u4e00-\u9fff]/);
        const canonical = formatQuery(p.root);
        expect(codePoints(canonical)).toBeLessThanOrEqual(MAX_QUERY_CHARS);
        const again = parseQuery(canonical);
        expect(shape(again.root)).toEqual(shape(p.root));
        // the canonical form is a fixed point
        expect(formatQuery(again.root)).toBe(canonical);
        const looser = looserQuery(p);
        if (looser !== null) {
          expect(codePoints(looser)).toBeLessThanOrEqual(MAX_QUERY_CHARS);
          expect(() => parseQuery(looser)).not.toThrow();
        }
      }),
      { numRuns: 10_000, seed: 20261201 },
    );
    // the generators reach the limits too
    expect(refused).toBeGreaterThan(50);
  });

  it('the compact form is used when the readable one would pass the limit', () => {
    const q = Array.from({ length: MAX_QUERY_TERMS }, (_, k) => `行政执法公示${String(k).padStart(2, '0')}`).join('|');
    expect(codePoints(q)).toBeLessThanOrEqual(MAX_QUERY_CHARS);
    const p = parseQuery(q);
    const out = formatQuery(p.root);
    expect(out).toContain('|');
    expect(out).not.toContain(' OR ');
    expect(shape(parseQuery(out).root)).toEqual(shape(p.root));
    expect(formatQuery(parseQuery('a|b').root)).toBe('a OR b');
    expect(formatQuery(parseQuery('a /NEAR 5 b').root, { compact: true })).toBe('a /NEAR5 b');
  });

  it('long queries near the limits are refused only for the documented reasons', () => {
    fc.assert(
      fc.property(longQueries, (q) => {
        try {
          parseQuery(q);
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError);
          const m = (e as Error).message;
          if (m.startsWith('查询过长')) expect(codePoints(q.trim())).toBeGreaterThan(MAX_QUERY_CHARS);
          else expect(m).toMatch(new RegExp(`^查询词过多：最多 ${MAX_QUERY_TERMS} 个`));
        }
      }),
      { numRuns: 500 },
    );
  });
});
