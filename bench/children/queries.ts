/**
 * Query child: one fresh process that opens an index, warms up, times every
 * query class, records serving memory, then times the brute-force floor of the
 * same queries (hits and the five facets, checked against the engine's
 * answer). Prints one JSON line.
 *
 *   node --import tsx bench/children/queries.ts INDEX_DIR [--runs R] [--only NAME] [--no-brute]
 *
 * `--only NAME` with `node --cpu-prof` profiles one class (see bench/run.ts --profile).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { normalize } from '../../src/analyze/analyzer.js';
import { parseQuery } from '../../src/query/parser.js';
import { openEngine } from '../../src/search/open.js';
import type { Filters, SearchOptions, SearchResult } from '../../src/types.js';
import { docType } from '../../src/search/doctypes.js';
import { levelOf } from '../../src/search/filters.js';
import { bruteCount, bruteSearch, byProvince, type BruteDoc } from '../floor.js';
import { allQueries, FILTER_YEAR, quantile, type BenchQuery, type Filter } from '../queries.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '200' },
    only: { type: 'string' },
    'no-brute': { type: 'boolean', default: false },
    /** The corpus folder (JSONL) the index was built from: hits are also counted over the source texts, before cleaning. */
    source: { type: 'string' },
  },
});
const indexDir = positionals[0];
const runs = Number(values.runs);
const log = (msg: string) => process.stderr.write(`  [queries] ${msg}\n`);

/** A search as the web makes it, the query parsed at the edge (parsing is part of the timing). */
function search(q: string, filters: Filters = { regions: [], years: [] }, options: Partial<SearchOptions> = {}): Promise<SearchResult> {
  const sort = options.sort ?? (q ? 'relevance' : 'date-desc');
  return engine.search({ parsed: parseQuery(q), match: 'exact' }, filters, { sort, page: options.page ?? 1, size: options.size ?? 10 });
}

function run(q: BenchQuery): Promise<SearchResult> {
  return q.filter ? search(q.q, { regions: [q.filter.region], years: [q.filter.year] }) : search(q.q);
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

// Warm as a server does after start (positions and word shards read in the background), then time.
const engine = await openEngine(indexDir);
const warmStart = performance.now();
await engine.warm();
log(`warmed in ${(performance.now() - warmStart).toFixed(0)} ms`);

// The +filter variants: the province with the most reports, and FILTER_YEAR.
const all = await search('', undefined, { size: 1 });
const province = all.facets.region.find((b) => b.value !== '全国')?.value ?? all.facets.region[0]?.value ?? '';
const region = province.split('/')[0];
// The real archive has almost no 2024 reports: fall back to that province's most common year.
const years = (await search('', { regions: [region], years: [] }, { size: 1 })).facets.year;
const year = years.some((b) => Number(b.value) === FILTER_YEAR) ? FILTER_YEAR : Number(years[0]?.value ?? FILTER_YEAR);
const filter: Filter = { region, year };
const queries = allQueries(filter).filter((q) => !values.only || q.name === values.only);
if (queries.length === 0) throw new Error(`bench: no query class named ${values.only}`);

// First run of each class: nothing cached, nothing JIT-compiled for it yet.
const firstMs: Record<string, number> = {};
for (const q of queries) firstMs[q.name] = await time(() => run(q));
for (let w = 0; w < 3; w++) for (const q of queries) await run(q);

const results: Record<string, Record<string, unknown>> = {};
/** One answer per class, to check the floor's facets against. */
const answers: Record<string, SearchResult> = {};
for (const q of queries) {
  const uncached: number[] = [];
  const cached: number[] = [];
  let hits = 0;
  for (let r = 0; r < runs; r++) {
    engine.clearCaches();
    uncached.push(await time(async () => (hits = (await run(q)).total)));
  }
  for (let r = 0; r < runs; r++) cached.push(await time(async () => (answers[q.name] = await run(q))));
  results[q.name] = {
    query: q.q,
    filter: q.filter ? `${q.filter.region} ${q.filter.year}` : null,
    kind: q.kind,
    p50Ms: quantile(uncached, 0.5),
    p99Ms: quantile(uncached, 0.99),
    cachedP50Ms: quantile(cached, 0.5),
    cachedP99Ms: quantile(cached, 0.99),
    firstMs: firstMs[q.name],
    hits,
  };
  log(`${q.name}: p50 ${quantile(uncached, 0.5).toFixed(2)} ms, p99 ${quantile(uncached, 0.99).toFixed(2)} ms, ${hits} hits`);
}

// Serving memory: what the process holds after answering, before the brute-force texts are loaded.
const mem = process.memoryUsage();
const servingRssMb = mem.rss / 2 ** 20;
const servingMaxRssMb = process.resourceUsage().maxRSS / 1024;

let chars = 0;
let utf8Bytes = 0;
let reports = 0;
/** The source texts (as written in the corpus's JSONL, before cleaning), when the corpus folder is given. */
async function readSource(dir: string): Promise<BruteDoc[]> {
  const out: BruteDoc[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { content: string; province: string; year: number };
      out.push({ text: normalize(row.content), province: row.province, year: row.year });
    }
  }
  return out;
}
const sourceDocs = values.source && !values['no-brute'] ? await readSource(values.source) : null;

if (!values['no-brute']) {
  // Every report's normalised text as a JS string, found by paging through the empty query.
  const docs: BruteDoc[] = [];
  for (let page = 1; ; page++) {
    const res = await search('', undefined, { size: 100, page, sort: 'date-asc' });
    for (const h of res.hits) {
      const text = (await engine.report(h.id))!.text;
      chars += text.length;
      utf8Bytes += Buffer.byteLength(text);
      docs.push({
        text: normalize(text),
        province: h.region.province,
        city: h.region.city,
        county: h.region.county,
        year: h.year,
        issuer: h.issuer,
        type: docType(h.title),
        level: levelOf({ ...h.region, code: null }),
      });
    }
    if (page * 100 >= res.total) break;
  }
  reports = docs.length;
  const provinces = byProvince(docs);
  let facetsDiffer = 0;
  for (const q of queries) {
    const samples: number[] = [];
    let floor = bruteSearch(docs, provinces, q.terms, q.filter);
    for (let r = 0; r < 5; r++) samples.push(await time(async () => (floor = bruteSearch(docs, provinces, q.terms, q.filter))));
    const res = results[q.name];
    res.bruteMs = quantile(samples, 0.5);
    res.bruteHits = floor.total;
    // The floor gives the answer ours gives, facets included, or it is not a floor for it.
    res.bruteFacetsEqual = JSON.stringify(floor.facets) === JSON.stringify(answers[q.name].facets);
    if (!res.bruteFacetsEqual) {
      facetsDiffer++;
      log(`${q.name}: the floor's facets differ from the engine's:\n  floor  ${JSON.stringify(floor.facets).slice(0, 600)}\n  engine ${JSON.stringify(answers[q.name].facets).slice(0, 600)}`);
    }
    if (sourceDocs && sourceDocs.length) {
      // Cleaning must not lose body text: the reports whose *source* text holds the terms are the same.
      res.sourceHits = bruteCount(sourceDocs, q.terms, q.filter);
      if (res.sourceHits !== res.hits) log(`${q.name}: the index found ${res.hits} reports, the source texts hold ${res.sourceHits}`);
    }
    if (floor.total !== res.hits) log(`${q.name}: the index found ${res.hits} reports, the scan ${floor.total}`);
  }
  if (facetsDiffer === 0) log(`the floor's facets equal the engine's for all ${queries.length} classes`);
}

console.log(JSON.stringify({ runs, filter, reports, chars, utf8Bytes, servingRssMb, servingMaxRssMb, cacheCleared: true, queries: results }));
