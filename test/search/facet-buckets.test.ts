/** Facet buckets listed from pairs in precomputed collation order are the buckets the collator path lists. */
import { describe, expect, it } from 'vitest';
import { collationOrder, facetBuckets } from '../../src/search/facet-buckets.js';

// Issuers as they appear in the sample archive, with ties (equal counts) that collation must order.
const ISSUERS = ['达州市人民政府', '湟中区司法局', '四川省卫生健康委员会', '甘肃省人民政府', '云南省人民政府', '湖南省人民政府', '新疆维吾尔自治区人民政府', '安徽省人民政府', '北京市司法局', '重庆市人民政府'];

describe('facet buckets in collation order', () => {
  it('collationOrder lists indexes in Chinese collation (pinyin)', () => {
    expect(collationOrder(['乙', '甲', '丙'])).toEqual([2, 1, 0]);
  });

  it.each([
    ['all counts equal', ISSUERS.map(() => 1)],
    ['some ties', ISSUERS.map((_, i) => 1 + (i % 3))],
    ['all different', ISSUERS.map((_, i) => i + 1)],
  ])('%s: the same buckets, in the same order, with or without the collator per comparison', (_name, counts) => {
    const pairs = ISSUERS.map((v, i) => [v, counts[i]] as [string, number]);
    const ordered = collationOrder(ISSUERS).map((i) => pairs[i]);
    for (const limit of [Infinity, 4]) {
      expect(facetBuckets(ordered, ['重庆市人民政府'], limit, true)).toEqual(facetBuckets(pairs.reverse(), ['重庆市人民政府'], limit));
    }
  });
});
