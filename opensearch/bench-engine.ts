/**
 * The OpenSearch backend on the benchmark's synthetic archive (bench/corpus.ts,
 * ×10 by default: 1,200 reports of 15–25 k characters): build time, index size
 * per field, and query latency per class of bench/queries.ts (engine.search with
 * page size 10, passages included), against the node at OPENSEARCH_URL.
 *
 *   npx tsx opensearch/bench-engine.ts [--scale 10] [--runs 20] [--keep]
 *
 * Prints one JSON line; the numbers are written up in opensearch/README.md.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureCorpus } from '../bench/corpus.js';
import { allQueries, quantile, FILTER_YEAR, type BenchQuery } from '../bench/queries.js';
import { buildOpenSearchIndex } from '../src/backends/opensearch/build.js';
import { openOpenSearchEngine } from '../src/backends/opensearch/engine.js';
import { openSearchHttp } from '../src/backends/opensearch/http.js';
import { parseQuery } from '../src/query/parser.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const { values } = parseArgs({ options: { scale: { type: 'string', default: '10' }, runs: { type: 'string', default: '20' }, keep: { type: 'boolean' } } });
const scale = Number(values.scale);
const runs = Number(values.runs);
const log = (m: string) => process.stderr.write(`[bench-engine] ${m}\n`);

const http = openSearchHttp();
const corpus = await ensureCorpus({ scale, archiveDir: join(ROOT, 'data'), workDir: join(ROOT, 'bench', '.work'), log });
const alias = `rs-bench-x${scale}`;
const prefix = `report-search-bench-x${scale}-`;

log(`building ${corpus.dataDir} into ${http.url}`);
const cpu0 = process.cpuUsage();
const built = await buildOpenSearchIndex({ dataDir: corpus.dataDir, http, alias, indexPrefix: prefix, progress: true });
const cpu = process.cpuUsage(cpu0);
log(`built ${built.reports} reports in ${(built.ms / 1000).toFixed(1)} s`);

await http.request('POST', `/${built.index}/_forcemerge?max_num_segments=1`).catch(() => undefined);
const stats = await http.request('GET', `/${built.index}/_stats/store,docs`);
const storeBytes: number = stats.indices[built.index].primaries.store.size_in_bytes;
// Per segment file type (OpenSearch has no _disk_usage): positions (.pos), terms (.tim), stored fields (.fdt) …
const segments = await http.request('GET', `/${built.index}/_stats/segments?include_segment_file_sizes=true`);
const files = Object.fromEntries(
  Object.entries(segments.indices[built.index].primaries.segments.file_sizes as Record<string, { size_in_bytes: number; description: string }>)
    .map(([ext, v]) => [`${ext} (${v.description})`, v.size_in_bytes])
    .sort((a, b) => (b[1] as number) - (a[1] as number)),
);

const engine = await openOpenSearchEngine({ http, alias });
const none = { regions: [], years: [] };
const exact = (q: string) => ({ parsed: parseQuery(q), match: 'exact' as const });
const all = await engine.search(exact(''), none, { sort: 'date-desc', page: 1, size: 1 });
const region = all.facets.region.find((b) => b.value !== '全国')?.value ?? all.facets.region[0].value;
const filter = { region, year: FILTER_YEAR };
const queries = allQueries(filter);

const run = (q: BenchQuery) =>
  engine.search(exact(q.q), q.filter ? { regions: [q.filter.region], years: [q.filter.year] } : none, { sort: 'relevance', page: 1, size: 10 });
const time = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const results = [];
for (const q of queries) {
  const first = await time(() => run(q));
  const samples: number[] = [];
  const server: number[] = [];
  let total = 0;
  for (let r = 0; r < runs; r++) {
    samples.push(await time(async () => (total = (await run(q)).total)));
  }
  // The server's own time for the matching + facets request alone (no passages), as `took`.
  for (let r = 0; r < 5; r++) {
    const res = await http.request('POST', `/${built.index}/_search`, {
      size: 10,
      track_total_hits: true,
      query: { bool: { filter: [{ match_phrase: { text: { query: q.terms[0] } } }, ...q.terms.slice(1).map((t) => ({ match_phrase: { text: { query: t } } }))] } },
    });
    server.push(res.took);
  }
  results.push({ name: q.name, total, firstMs: Math.round(first * 10) / 10, p50: Math.round(quantile(samples, 0.5) * 10) / 10, p99: Math.round(quantile(samples, 0.99) * 10) / 10, serverTookP50: quantile(server, 0.5) });
  log(`${q.name}: total ${total}, first ${first.toFixed(1)} ms, p50 ${quantile(samples, 0.5).toFixed(1)} ms`);
}

const status = await http.request('GET', '/_nodes/stats/jvm');
const nodes = Object.values(status.nodes as Record<string, any>).map((n) => ({ heapUsedMb: Math.round(n.jvm.mem.heap_used_in_bytes / 2 ** 20) }));
if (!values.keep) await http.request('DELETE', `/${built.index}`);

console.log(
  JSON.stringify({
    scale,
    reports: built.reports,
    buildMs: Math.round(built.ms),
    buildNodeCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    storeBytes,
    files,
    filter,
    runs,
    nodes,
    queries: results,
  }),
);
