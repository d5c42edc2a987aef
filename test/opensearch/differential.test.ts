/**
 * The OpenSearch backend against the local one, on the sample archive
 * (test/fixtures/corpus): the same ids, totals, facet counts, passages (texts,
 * offsets and marks), match counts, occurrences and distributions, for random
 * substrings of the reports, strings spliced from two reports, the parser's
 * syntax table (AND/OR/NOT, 标题:, /SEN /PRG /NEAR, quotes), filters, both sorts
 * by date (whose order is deterministic, so it is compared too) and 模糊 mode.
 * Relevance scores may differ (Lucene's BM25 is not MiniSearch's), so for
 * relevance only the sets are compared. Skips with a notice when no node answers.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenSearchIndex } from '../../src/backends/opensearch/build.js';
import { openOpenSearchEngine } from '../../src/backends/opensearch/engine.js';
import { openSearchHttp } from '../../src/backends/opensearch/http.js';
import { buildIndex } from '../../src/index/builder.js';
import { ingestFolder } from '../../src/ingest/index.js';
import { parseQuery } from '../../src/query/parser.js';
import type { Engine } from '../../src/search/engine.js';
import { openEngine } from '../../src/search/open.js';
import type { Filters, MatchMode, ReportDocument, SearchQuery, SortOrder } from '../../src/types.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

const http = openSearchHttp();
const up = await http.ready();
if (!up) console.warn(`[test/opensearch/differential] 已跳过：${http.url} 没有 OpenSearch 节点应答（先运行 npm run opensearch，或设置 OPENSEARCH_URL）`);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = Number(process.env.OPENSEARCH_TEST_SEED ?? 20261201);

/** The first column of every row of the parser's syntax tables (test/query/parser.test.ts). */
function parserTableQueries(): string[] {
  const src = readFileSync(new URL('../query/parser.test.ts', import.meta.url), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*\['((?:[^'\\]|\\.)*)',/gm)) out.push(m[1].replace(/\\(.)/g, '$1'));
  return [...new Set(out)];
}

/** A substring a user could type unquoted: no whitespace, quotes, colon, leading minus or OR. */
const typeable = (s: string) => !/[\s"“”「」『』＂:：|｜]/.test(s) && !/^[-－]/.test(s) && !/^(or|OR|AND|NOT)$/i.test(s) && !s.includes('/');

interface Case {
  q: string;
  filters: Filters;
  match: MatchMode;
  sort: SortOrder;
  kind: string;
}

function cases(docs: ReportDocument[]): Case[] {
  const rand = mulberry32(SEED);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const slice = (min: number, max: number) => {
    const d = docs[int(0, docs.length - 1)].text;
    const len = int(min, max);
    const s = int(0, Math.max(0, d.length - len));
    return d.slice(s, s + len);
  };
  const none: Filters = { regions: [], years: [] };
  const out: Case[] = [];
  const add = (kind: string, q: string, filters: Filters = none, match: MatchMode = 'exact', sort: SortOrder = 'relevance') =>
    out.push({ kind, q, filters, match, sort });

  // Random substrings of the real reports (quoted, so spaces and punctuation are kept), 2–12 characters.
  for (let n = 0; n < 80; ) {
    const s = slice(2, 12);
    if (s.includes('\n') || s.trim().length < 2 || /["“”]/.test(s)) continue;
    add('substring', `"${s}"`);
    n++;
  }
  // Unquoted substrings, the way people type them, and spliced strings (mostly absent: precision).
  for (let n = 0; n < 30; ) {
    const s = slice(2, 8);
    if (!typeable(s) || s.includes('\n')) continue;
    add('unquoted', s);
    n++;
  }
  for (let n = 0; n < 20; ) {
    const s = slice(1, 4) + slice(1, 4);
    if (!typeable(s) || s.includes('\n') || s.length < 2) continue;
    add('spliced', s);
    n++;
  }
  // The parser's syntax table: AND, OR, NOT, 标题:, proximity, quotes, leniency.
  for (const q of parserTableQueries()) add('syntax', q);
  for (const q of ['法治 /SEN 政府', '营商 /NEAR 5 环境', '双随机 /PRG 公开', '法治 /SEN 法治', '-(法治 /SEN 政府)', '湟中 OR 法治 /SEN 营商环境', '卫生 -法治 /PRG 政府']) {
    add('proximity', q);
  }
  // Filters: every dimension, alone and together, with 本级 and 未知.
  const FILTERS: Filters[] = [
    { regions: ['四川省', '青海省'], years: [] },
    { regions: ['青海省/西宁市'], years: [2024] },
    { regions: ['青海省/本级'], years: [] },
    { regions: ['上海市'], years: [] },
    { regions: ['未知'], years: [] },
    { regions: [], years: [2021, 2026] },
    { regions: [], years: [], from: '2022', to: '2024' },
    { regions: [], years: [], from: '2022-03-01', to: '2025-01-31' },
    { regions: [], years: [], to: '2023' },
    { regions: [], years: [], levels: ['县级', '市级'] },
    { regions: [], years: [], types: ['政府工作报告'] },
    { regions: [], years: [], issuers: ['湟中区卫生健康局', '达州市卫生健康委员会'] },
    { regions: ['四川省'], years: [2026], levels: ['省级'], types: ['政府工作报告'] },
    { regions: ['青海省/西宁市/湟中区'], years: [] },
  ];
  for (const f of FILTERS) for (const q of ['', '法治', '发展 -卫生', '工作 OR 报告']) add('filters', q, f);
  // Sorts by date: the order is deterministic, so it is compared too.
  for (const q of ['', '法治', '营商环境', '标题:报告', '-法治']) {
    add('date-desc', q, none, 'exact', 'date-desc');
    add('date-asc', q, none, 'exact', 'date-asc');
  }
  add('date-desc', '发展', { regions: ['四川省'], years: [] }, 'exact', 'date-desc');
  // 模糊 mode: punctuation and spaces inside the key, proximity, title, filters.
  for (const q of ['双随机一公开', '放管服改革', '“三项制度”', '双随机一公开 /PRG 监管', '标题:法治政府建设情况报告', '行政 执法', '"法治，政府"', '十五五 规划', '-双随机一公开 法治']) {
    add('fuzzy', q, none, 'fuzzy');
  }
  for (let n = 0; n < 15; ) {
    const s = slice(3, 10);
    if (s.includes('\n') || !/[，、。；：“”（）\s]/.test(s)) continue;
    add('fuzzy', `"${s.replace(/["“”]/g, '')}"`, n % 3 === 0 ? { regions: ['青海省'], years: [] } : none, 'fuzzy', n % 2 ? 'date-desc' : 'relevance');
    n++;
  }
  return out;
}

describe.skipIf(!up)('OpenSearch and local backends answer alike (differential)', () => {
  let local: Engine;
  let remote: Engine;
  let docs: ReportDocument[];
  let indexDir: string;
  let osIndex = '';

  beforeAll(async () => {
    indexDir = await mkdtemp(join(tmpdir(), 'rs-diff-'));
    await buildIndex({ dataDir: CORPUS_DIR, indexDir });
    local = await openEngine(indexDir);
    const tag = `diff-${process.pid}-${Date.now()}`;
    const built = await buildOpenSearchIndex({ dataDir: CORPUS_DIR, http, alias: `rs-${tag}`, indexPrefix: `report-search-${tag}-` });
    osIndex = built.index;
    remote = await openOpenSearchEngine({ http, alias: `rs-${tag}` });
    docs = (await ingestFolder(CORPUS_DIR)).docs;
  }, 180_000);

  afterAll(async () => {
    local?.close();
    remote?.close();
    if (osIndex) await http.request('DELETE', `/${osIndex}`).catch(() => undefined);
    if (indexDir) await rm(indexDir, { recursive: true, force: true });
  });

  it('at least 200 queries: the same ids, totals, facets, passages, occurrences and distributions', async () => {
    const all = cases(docs);
    expect(all.length).toBeGreaterThanOrEqual(200);
    const mismatches: string[] = [];
    const byKind = new Map<string, number>();
    let compared = 0;
    let withMatches = 0;
    for (const [i, c] of all.entries()) {
      let query: SearchQuery;
      try {
        query = { parsed: parseQuery(c.q), match: c.match };
      } catch {
        continue; // refused by the parser (limits): no engine sees it
      }
      const label = `${c.kind} ${JSON.stringify(c.q)} ${JSON.stringify(c.filters)} ${c.match} ${c.sort}`;
      const opts = { sort: c.sort, page: 1, size: 100 };
      const [a, b] = await Promise.all([
        local.search(query, c.filters, opts).catch((e: Error) => e),
        remote.search(query, c.filters, opts).catch((e: Error) => e),
      ]);
      compared++;
      byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
      if (a instanceof Error || b instanceof Error) {
        if (!(a instanceof Error && b instanceof Error && a.message === b.message)) {
          mismatches.push(`${label}: ${a instanceof Error ? a.message : 'ok'} / ${b instanceof Error ? b.message : 'ok'}`);
        }
        continue;
      }
      if (a.total > 0) withMatches++;
      const diff = (what: string, x: unknown, y: unknown) => {
        try {
          expect(y).toEqual(x);
        } catch {
          mismatches.push(`${label}: ${what}\n  local:      ${JSON.stringify(x).slice(0, 400)}\n  opensearch: ${JSON.stringify(y).slice(0, 400)}`);
        }
      };
      diff('total', a.total, b.total);
      diff('facets', a.facets, b.facets);
      const strip = (h: (typeof a.hits)[number]) => ({ ...h, score: 0 });
      if (c.sort === 'relevance') {
        const sorted = (hits: typeof a.hits) => hits.map(strip).sort((x, y) => (x.id < y.id ? -1 : 1));
        diff('hits (as a set, scores aside)', sorted(a.hits), sorted(b.hits));
      } else {
        diff('hits in order', a.hits.map(strip), b.hits.map(strip));
      }
      // Every fifth query: occurrences (first page and total) and a distribution.
      if (i % 5 === 0) {
        const [oa, ob] = await Promise.all([local.occurrences(query, c.filters, { page: 1, size: 200 }), remote.occurrences(query, c.filters, { page: 1, size: 200 })]);
        diff('occurrences', oa, ob);
        const k = i / 5;
        const field = (['year', 'region', 'issuer'] as const)[k % 3];
        const depth = field === 'region' ? 1 + (Math.floor(k / 3) % 3) : 1;
        const [ca, cb] = await Promise.all([local.countBy(query, c.filters, { field, depth }), remote.countBy(query, c.filters, { field, depth })]);
        diff(`countBy ${field} ${depth}`, ca, cb);
      }
    }
    // The deepest page the engine allows (from = 99,900: past OpenSearch's default window of 10,000).
    const deep = { parsed: parseQuery('法治'), match: 'exact' as const };
    const [da, db] = await Promise.all([
      local.search(deep, { regions: [], years: [] }, { sort: 'date-desc', page: 1000, size: 100 }),
      remote.search(deep, { regions: [], years: [] }, { sort: 'date-desc', page: 1000, size: 100 }),
    ]);
    expect({ total: db.total, hits: db.hits, facets: db.facets }).toEqual({ total: da.total, hits: da.hits, facets: da.facets });
    // Every report and its paragraphs marked for a query.
    for (const d of docs) {
      const q: SearchQuery = { parsed: parseQuery('法治 /SEN 政府 OR 三项制度'), match: 'exact' };
      const [pa, pb] = await Promise.all([local.paragraphs(d.id, q), remote.paragraphs(d.id, q)]);
      try {
        expect(pb).toEqual(pa);
      } catch {
        mismatches.push(`paragraphs ${d.id}`);
      }
    }
    console.log(
      `[test/opensearch/differential] ${compared} queries (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}), ${withMatches} with matches, ${docs.length} reports' paragraphs; ${mismatches.length} mismatches (seed ${SEED})`,
    );
    expect(mismatches).toEqual([]);
  }, 600_000);
});
