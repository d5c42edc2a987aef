/**
 * The fixed query classes of the benchmark (ours, the anchors' and the
 * OpenSearch backend's), and the quantile the tables report. The brute-force
 * floor they are compared with is bench/floor.ts.
 */

export interface QueryClass {
  /** Name in results.json and the tables; `+filter` variants are derived. */
  name: string;
  /** What a user types (the engine's query syntax). */
  q: string;
  /** Normalised substrings that must all occur: what the brute-force scan looks for. */
  terms: string[];
  /** Targets group: word queries and exact phrases have different budgets. */
  kind: 'word' | 'phrase';
}

export const BASE_QUERIES: QueryClass[] = [
  { name: 'common', q: '发展', terms: ['发展'], kind: 'word' },
  { name: 'rare', q: '湟中', terms: ['湟中'], kind: 'word' },
  { name: 'two-words', q: '行政执法 公示', terms: ['行政执法', '公示'], kind: 'word' },
  { name: 'phrase-三项制度', q: '"三项制度"', terms: ['三项制度'], kind: 'phrase' },
  { name: 'phrase-重大行政决策', q: '"重大行政决策"', terms: ['重大行政决策'], kind: 'phrase' },
  { name: 'two-char-新县', q: '"新县"', terms: ['新县'], kind: 'phrase' },
];

/** The year of the `+filter` variants (with the province that has the most reports). */
export const FILTER_YEAR = 2024;

export interface Filter {
  region: string;
  year: number;
}

export interface BenchQuery extends QueryClass {
  filter: Filter | null;
}

export function allQueries(filter: Filter): BenchQuery[] {
  return BASE_QUERIES.flatMap((b) => [
    { ...b, filter: null },
    { ...b, name: `${b.name}+filter`, filter },
  ]);
}

/** The q-th quantile (0..1) of samples, nearest rank. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
