/**
 * How facet counts become the buckets a response lists — the ordering and the
 * cut the local engine applies (`LocalEngine.search`), as pure functions over
 * (value, count) pairs, so another backend that counts with its own machinery
 * (OpenSearch aggregations) lists exactly the same buckets in the same order.
 */
import type { FacetBucket, Level } from '../types.js';
import { LEVELS } from './filters.js';
import { topK } from './topk.js';

/** Chinese collation (pinyin order), made once: `localeCompare` with a locale builds a collator on every call. */
const zh = new Intl.Collator('zh-Hans-CN').compare;

/**
 * Buckets by count (descending), then value in Chinese collation; at most
 * `limit`, the selected values always kept.
 *
 * ### Examples
 * facetBuckets([['乙', 2], ['甲', 2], ['丙', 5]], [], 2)
 * // => [{ value: '丙', count: 5 }, { value: '甲', count: 2 }]   (甲 jiǎ before 乙 yǐ)
 */
export function facetBuckets(counts: Iterable<[string, number]>, selected: readonly string[] = [], limit = Infinity): FacetBucket[] {
  const all = [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || zh(a.value, b.value));
  return all.length <= limit ? all : all.filter((b, i) => i < limit || selected.includes(b.value));
}

/** Each id's place in Chinese collation of `names` (made once per index: comparing ranks is an integer compare). */
export function collationRanks(names: readonly string[]): Uint32Array {
  const order = names.map((_, id) => id).sort((a, b) => zh(names[a], names[b]));
  const rank = new Uint32Array(names.length);
  order.forEach((id, r) => (rank[id] = r));
  return rank;
}

/**
 * `facetBuckets` over counts by id (`counts[id]`, 0: absent) with the names'
 * collation ranks: the same buckets in the same order, without a collator
 * call per comparison (an archive has thousands of issuers).
 */
export function rankedBuckets(counts: Uint32Array, names: readonly string[], rank: Uint32Array, selected: readonly string[] = [], limit = Infinity): FacetBucket[] {
  const ids: number[] = [];
  for (let id = 0; id < counts.length; id++) if (counts[id]) ids.push(id);
  const cmp = (a: number, b: number) => counts[b] - counts[a] || rank[a] - rank[b];
  if (ids.length <= limit) return ids.sort(cmp).map((id) => ({ value: names[id], count: counts[id] }));
  // Only the first `limit` need sorting (a bounded heap), and the selected ones keep their places after them.
  const top = topK(ids, limit, cmp);
  const inTop = new Set(top);
  const extra = ids.filter((id) => !inTop.has(id) && selected.includes(names[id])).sort(cmp);
  return [...top, ...extra].map((id) => ({ value: names[id], count: counts[id] }));
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
  const cmp = field === 'year' ? (a: string, b: string) => Number(a) - Number(b) : zh;
  return (a, b) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : cmp(a, b));
}
