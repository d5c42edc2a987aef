/**
 * The brute-force floor the query classes are compared with: an `indexOf` scan
 * of the normalised texts that also counts the facets our engine returns.
 */
import { facetBuckets, levelBuckets, yearBuckets } from '../src/search/facet-buckets.js';
import { SELF, UNKNOWN_REGION } from '../src/search/filters.js';
import { FACET_LIMIT } from '../src/search/local.js';
import type { Facets, Level } from '../src/types.js';
import type { Filter } from './queries.js';

/** One report as the brute-force scan sees it: the normalised text and the metadata the facets count. */
export interface BruteDoc {
  text: string;
  province: string | null;
  city?: string | null;
  county?: string | null;
  year: number | null;
  issuer?: string | null;
  type?: string | null;
  level?: Level | null;
}

/** Reports containing every term, by `indexOf`; the filter picks the subset first, as an index would. */
export function bruteCount(docs: BruteDoc[], terms: string[], filter: Filter | null): number {
  let n = 0;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i];
    if (filter && (d.province !== filter.region || d.year !== filter.year)) continue;
    if (containsAll(d.text, terms)) n++;
  }
  return n;
}

function containsAll(text: string, terms: string[]): boolean {
  for (let t = 0; t < terms.length; t++) if (text.indexOf(terms[t]) === -1) return false;
  return true;
}

/** The reports of each province, made once (an index of metadata a brute-force engine would keep). */
export function byProvince(docs: BruteDoc[]): Map<string | null, BruteDoc[]> {
  const out = new Map<string | null, BruteDoc[]>();
  for (const d of docs) {
    let list = out.get(d.province);
    if (!list) out.set(d.province, (list = []));
    list.push(d);
  }
  return out;
}

/**
 * The fair floor: what a brute-force engine must do to give the answer ours
 * gives — the hit count and the five facets, each counted with every filter
 * but its own (disjunctive), the region facet as the children of the selected
 * province (so only that province's reports are in play, all years: the year
 * facet counts them). Unfiltered, every report is scanned. The buckets are
 * ordered and cut by the engine's own functions, so they can be compared with
 * its answer.
 */
export function bruteSearch(docs: BruteDoc[], provinces: Map<string | null, BruteDoc[]>, terms: string[], filter: Filter | null): { total: number; facets: Facets } {
  const scope = filter ? (provinces.get(filter.region) ?? []) : docs;
  const region = new Map<string, number>();
  const year = new Map<number, number>();
  const issuer = new Map<string, number>();
  const type = new Map<string, number>();
  const level = new Map<Level, number>();
  const add = <K>(m: Map<K, number>, k: K | null | undefined) => {
    if (k !== null && k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  };
  let total = 0;
  for (let i = 0; i < scope.length; i++) {
    const d = scope[i];
    if (!containsAll(d.text, terms)) continue;
    // Within the province every report passes the region filter: only the year can fail.
    const yearOk = !filter || d.year === filter.year;
    add(year, d.year);
    if (!yearOk) continue;
    total++;
    if (filter) {
      const child = d.city ?? d.county;
      add(region, child ? `${filter.region}/${child}` : `${filter.region}/${SELF}`);
    } else {
      add(region, d.province ?? UNKNOWN_REGION);
    }
    add(issuer, d.issuer);
    add(type, d.type);
    add(level, d.level);
  }
  return {
    total,
    facets: {
      region: facetBuckets(region, filter ? [filter.region] : []),
      year: yearBuckets(year),
      issuer: facetBuckets(issuer, [], FACET_LIMIT),
      type: facetBuckets(type),
      level: levelBuckets(level),
    },
  };
}
