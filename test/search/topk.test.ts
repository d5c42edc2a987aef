import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topK } from '../../src/search/topk.js';

describe('topK', () => {
  it('equals the first k of a full sort, ties included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), fc.nat(320), (xs, k) => {
        const items = xs.map((v, i) => ({ v, i }));
        const cmp = (a: { v: number; i: number }, b: { v: number; i: number }) => b.v - a.v || a.i - b.i;
        expect(topK(items, k, cmp)).toEqual([...items].sort(cmp).slice(0, k));
      }),
    );
  });
});
