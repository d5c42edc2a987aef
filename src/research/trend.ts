/**
 * Distributions of a query over report metadata, after CQPweb's distribution
 * table and BlackLab's grouped results: per bucket, the reports in the archive
 * (the denominator), the reports that match, the occurrences and the
 * characters — so the share of reports and the rate per 10,000 characters can
 * both be read. Reports without a year or region are kept in a 未知 bucket
 * (key null), never dropped; a region-year with no report in the archive is an
 * empty cell, not a zero (SPID's first-adoption years).
 *
 * Everything goes through the engine API (`countBy`, `search`, `paragraphs`),
 * so it works for any backend.
 */
import type { Engine } from '../search/engine.js';
import { commonAncestor, MAX_DEPTH, regionSegments } from '../search/regions.js';
import type { CountBucket, Filters, SearchQuery } from '../types.js';
import type { TrendBy } from './params.js';

export interface TrendBucket {
  /** Year, region path, or null (未知). */
  key: string | null;
  reports: number;
  matchingReports: number;
  occurrences: number;
  chars: number;
}

/** The `/api/trend` body for one query. */
export interface Trend {
  query: string;
  by: TrendBy;
  buckets: TrendBucket[];
}

/**
 * The region depth of a distribution: the children of the selected regions'
 * common ancestor, as the region facet lists them (provinces when none is
 * selected; a county's siblings when one county is).
 */
export function regionDepth(regions: string[]): number {
  return Math.min(MAX_DEPTH, commonAncestor(regions).length + 1);
}

/** 本级: the bucket of reports filed under the ancestor region itself, not under one of its children. */
export function isOwnLevel(key: string | null, regions: string[]): boolean {
  const ancestor = commonAncestor(regions);
  return key !== null && ancestor.length > 0 && key === ancestor.join('/');
}

const strip = ({ key, reports, matchingReports, occurrences, chars }: CountBucket): TrendBucket => ({ key, reports, matchingReports, occurrences, chars });

export async function trend(engine: Engine, q: string, query: SearchQuery, filters: Filters, by: TrendBy): Promise<Trend> {
  const buckets = await engine.countBy(query, filters, by === 'year' ? { field: 'year' } : { field: 'region', depth: regionDepth(filters.regions) });
  return { query: q, by, buckets: buckets.map(strip) };
}

/** Share of reports that mention the query, 0–1 (null for an empty bucket). */
export function share(b: TrendBucket): number | null {
  return b.reports ? b.matchingReports / b.reports : null;
}

/** Occurrences per 10,000 characters (null for an empty bucket). */
export function per10k(b: TrendBucket): number | null {
  return b.chars ? (b.occurrences * 10_000) / b.chars : null;
}

/** One region's first year with a matching report, that report, and its first matching paragraph. */
export interface FirstAppearance {
  region: string | null;
  year: number | null;
  /** Null when the region has matches only in reports without a year, or no eligible report was found. */
  report: { id: string; title: string; date: string | null; paragraph: number | null } | null;
}

/** Everything the distribution page shows for one query: both distributions, the coverage matrix, first appearances. */
export interface TrendOverview {
  query: string;
  byYear: TrendBucket[];
  byRegion: TrendBucket[];
  /** Years as columns of the matrix, ascending, 未知 (null) last. */
  years: Array<string | null>;
  /** Rows: regions at the facet depth; cells by year, null where the archive has no report (not a zero). */
  matrix: Array<{ region: string | null; cells: Array<TrendBucket | null> }>;
  firstAppearances: FirstAppearance[];
}

const byYearKey = (a: string | null, b: string | null) => (a === null ? 1 : b === null ? -1 : Number(a) - Number(b));

/**
 * One cross-tab count (region × year) gives the region distribution, the year
 * distribution (its column sums) and the coverage matrix; first appearances
 * then look up one report per region.
 */
export async function trendOverview(engine: Engine, q: string, query: SearchQuery, filters: Filters): Promise<TrendOverview> {
  const depth = regionDepth(filters.regions);
  const cross = await engine.countBy(query, filters, { field: 'region', depth, then: { field: 'year' } });
  const years = new Map<string | null, TrendBucket>();
  for (const r of cross) {
    for (const c of r.sub ?? []) {
      const y = years.get(c.key) ?? { key: c.key, reports: 0, matchingReports: 0, occurrences: 0, chars: 0 };
      y.reports += c.reports;
      y.matchingReports += c.matchingReports;
      y.occurrences += c.occurrences;
      y.chars += c.chars;
      years.set(c.key, y);
    }
  }
  const yearKeys = [...years.keys()].sort(byYearKey);
  const matrix = cross.map((r) => {
    const cells = new Map((r.sub ?? []).map((c) => [c.key, strip(c)]));
    return { region: r.key, cells: yearKeys.map((y) => cells.get(y) ?? null) };
  });
  return {
    query: q,
    byYear: yearKeys.map((k) => years.get(k)!),
    byRegion: cross.map(strip),
    years: yearKeys,
    matrix,
    firstAppearances: await firstAppearances(engine, query, filters, matrix, yearKeys, depth),
  };
}

/** How many of a region-year's earliest hits are looked at to find one filed at exactly the bucket's level (本级, 未知). */
const LEVEL_SCAN = 50;

/**
 * Per region with a match: the earliest year with a matching report (from the
 * matrix, exact), the earliest-dated matching report of that year (undated
 * last; ties in the engine's order) and its first matching paragraph.
 */
async function firstAppearances(
  engine: Engine,
  query: SearchQuery,
  filters: Filters,
  matrix: TrendOverview['matrix'],
  yearKeys: Array<string | null>,
  depth: number,
): Promise<FirstAppearance[]> {
  const out: FirstAppearance[] = [];
  for (const row of matrix) {
    const i = row.cells.findIndex((c) => c !== null && c.matchingReports > 0);
    if (i < 0) continue;
    const yearKey = yearKeys[i];
    if (yearKey === null) {
      out.push({ region: row.region, year: null, report: null });
      continue;
    }
    const year = Number(yearKey);
    // The bucket's own reports: a filter on the region takes its children too (本级), and
    // there is no filter for 未知; keep the hits whose path at this depth is the bucket's key.
    const inBucket = (h: { region: { province: string | null; city: string | null; county: string | null } }) => {
      const segs = regionSegments(h.region);
      return (segs.length ? segs.slice(0, depth).join('/') : null) === row.region;
    };
    const res = await engine.search(
      query,
      { regions: row.region === null ? filters.regions : [row.region], years: [year] },
      // a region's own filter holds only its bucket's reports: the first hit will do
      { sort: 'date-asc', page: 1, size: row.region !== null && row.region.split('/').length === depth ? 1 : LEVEL_SCAN },
    );
    const hit = res.hits.find(inBucket);
    let report: FirstAppearance['report'] = null;
    if (hit) {
      const view = await engine.paragraphs(hit.id, query);
      const first = view?.paragraphs.find((p) => p.matches > 0);
      report = { id: hit.id, title: hit.title, date: hit.date, paragraph: first ? first.index : null };
    }
    out.push({ region: row.region, year, report });
  }
  // Earliest first: who wrote it first is the question.
  return out.sort((a, b) => (a.year ?? Infinity) - (b.year ?? Infinity) || (a.report?.date ?? '\uffff').localeCompare(b.report?.date ?? '\uffff'));
}
