/**
 * The issuer facet is ordered from precomputed collation ranks; it must list
 * exactly what facetBuckets (count, then a Chinese collator per comparison)
 * lists — the OpenSearch backend orders its aggregations with facetBuckets.
 */
import { describe, expect, it } from 'vitest';
import { collationRanks, facetBuckets, rankedBuckets } from '../../src/search/facet-buckets.js';

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = '省市县区人民政府办公室司法局发展改革委员会教育卫生健康财政自然资源生态环境住房城乡建设交通运输水利农业农村商务文化旅游应急管理审计统计医疗保障林业草原乡镇街道';

describe('rankedBuckets', () => {
  it('lists what facetBuckets lists, in the same order, with and without a limit and selections', () => {
    const rand = mulberry32(7);
    for (let round = 0; round < 50; round++) {
      const names = [...new Set(Array.from({ length: 5 + Math.floor(rand() * 300) }, () => Array.from({ length: 2 + Math.floor(rand() * 8) }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join('')))];
      const counts = new Uint32Array(names.length);
      // Few distinct counts: many ties, decided by collation.
      for (let id = 0; id < names.length; id++) counts[id] = rand() < 0.3 ? 0 : 1 + Math.floor(rand() * 4);
      const selected = names.filter(() => rand() < 0.02);
      const limit = rand() < 0.5 ? Infinity : 1 + Math.floor(rand() * 20);
      const expected = facetBuckets(
        names.flatMap((n, id) => (counts[id] ? [[n, counts[id]] as [string, number]] : [])),
        selected,
        limit,
      );
      expect(rankedBuckets(counts, names, collationRanks(names), selected, limit)).toEqual(expected);
    }
  });
});
