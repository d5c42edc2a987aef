/**
 * How facet counts become the buckets a response lists — the ordering and the
 * cut the local engine applies (`LocalEngine.search`), as pure functions over
 * (value, count) pairs, so another backend that counts with its own machinery
 * (OpenSearch aggregations) lists exactly the same buckets in the same order.
 */
import type { FacetBucket, Level } from '../types.js';
import { LEVELS } from './filters.js';

/**
 * Chinese collation, built once: `localeCompare(b, 'zh-Hans-CN')` looks the
 * collator up on every call, and sorting a facet's hundreds of values per
 * search made it a tenth of a normal search's time.
 */
const zh = new Intl.Collator('zh-Hans-CN');

/**
 * Buckets by count (descending), then value in Chinese collation; at most
 * `limit`, the selected values always kept.
 *
 * ### Examples
 * facetBuckets([['乙', 2], ['甲', 2], ['丙', 5]], [], 2)
 * // => [{ value: '丙', count: 5 }, { value: '甲', count: 2 }]   (甲 jiǎ before 乙 yǐ)
 */
export function facetBuckets(
  counts: Iterable<[string, number]>,
  selected: readonly string[] = [],
  limit = Infinity,
  /** The pairs come in collation order already (`collationOrder`): sorting by count alone keeps it among equal counts. */
  collated = false,
): FacetBucket[] {
  const all = [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort(collated ? (a, b) => b.count - a.count : (a, b) => b.count - a.count || zh.compare(a.value, b.value));
  return all.length <= limit ? all : all.filter((b, i) => i < limit || selected.includes(b.value));
}

/**
 * The indexes of `values` in Chinese collation order, for a list fixed for an
 * index's lifetime (its issuers): computed once, so a search lists a facet of
 * hundreds of values in collation order without a collator call
 * (`facetBuckets(…, true)`; 571 issuers at ×10 took 0.33 ms per search).
 *
 * ### Examples
 * collationOrder(['乙', '甲', '丙']) // => [2, 1, 0]   (丙 bǐng, 甲 jiǎ, 乙 yǐ)
 */
export function collationOrder(values: readonly string[]): number[] {
  return values.map((_, i) => i).sort((a, b) => zh.compare(values[a], values[b]));
}

/** Year buckets, newest first. */
export function yearBuckets(counts: Iterable<[number, number]>): FacetBucket[] {
  return [...counts].sort((a, b) => b[0] - a[0]).map(([y, count]) => ({ value: String(y), count }));
}

/** Level buckets in the order of `LEVELS` (全国, 省级, 市级, 县级). */
export function levelBuckets(counts: Iterable<[Level, number]>): FacetBucket[] {
  return [...counts]
    .sort((a, b) => LEVELS.indexOf(a[0]) - LEVELS.indexOf(b[0]))
    .map(([value, count]) => ({ value, count }));
}

/**
 * The order of a distribution's buckets (`Engine.countBy`): years ascending,
 * other keys in Chinese collation, 未知 (null) last.
 */
export function compareCountKeys(field: 'year' | 'region' | 'issuer'): (a: string | null, b: string | null) => number {
  const cmp = field === 'year' ? (a: string, b: string) => Number(a) - Number(b) : zh.compare;
  return (a, b) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : cmp(a, b));
}
