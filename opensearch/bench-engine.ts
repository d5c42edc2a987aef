/**
 * The OpenSearch backend on the benchmark's synthetic archive (bench/corpus.ts,
 * ×10 by default: 1,200 reports of 15–25 k characters): build time and CPU,
 * index size per file type, memory of the nodes, and query latency per class
 * of bench/queries.ts (engine.search with page size 10, passages included),
 * against the node(s) at OPENSEARCH_URL.
 *
 *   npx tsx opensearch/bench-engine.ts [--scale 10] [--runs 20] [--region P --year Y] [--workers N] [--keep]
 *
 * Prints one JSON line (`npm run bench -- --only opensearch` turns it into the
 * OpenSearch rows of bench/RESULTS.md); the numbers are written up in opensearch/README.md.
 */
import { readFile } from 'node:fs/promises';
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
const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '10' },
    runs: { type: 'string', default: '20' },
    region: { type: 'string' },
    year: { type: 'string' },
    workers: { type: 'string' },
    keep: { type: 'boolean' },
  },
});
const scale = Number(values.scale);
const runs = Number(values.runs);
const log = (m: string) => process.stderr.write(`[bench-engine] ${m}\n`);

const http = openSearchHttp();
const corpus = await ensureCorpus({ scale, archiveDir: join(ROOT, 'data'), workDir: join(ROOT, 'bench', '.work'), log });
const alias = `rs-bench-x${scale}`;
const prefix = `report-search-bench-x${scale}-`;

// The nodes' processes (this machine only: the benchmark runs them on loopback), for CPU and memory.
interface NodeInfo {
  pid: number;
}
const nodeInfo = await http.request<{ nodes: Record<string, { process: { id: number } }> }>('GET', '/_nodes/process');
const nodes: NodeInfo[] = Object.values(nodeInfo.nodes).map((n) => ({ pid: n.process.id }));
const rssMb = async (pid: number) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
};
const nodesCpuMs = async () => {
  const s = await http.request<{ nodes: Record<string, { process: { cpu: { total_in_millis: number } } }> }>('GET', '/_nodes/stats/process');
  return Object.values(s.nodes).reduce((a, n) => a + n.process.cpu.total_in_millis, 0);
};
const nodesRssMb = async () => (await Promise.all(nodes.map((n) => rssMb(n.pid)))).reduce((a, b) => a + b, 0);

log(`building ${corpus.dataDir} into ${http.url} (${nodes.length} node${nodes.length > 1 ? 's' : ''})`);
const cpu0 = process.cpuUsage();
const nodeCpu0 = await nodesCpuMs();
// Peak resident memory of the nodes during the build, sampled (a JVM's VmHWM counts since its start).
let peakNodesRssMb = await nodesRssMb();
const sampler = setInterval(() => void nodesRssMb().then((m) => (peakNodesRssMb = Math.max(peakNodesRssMb, m))), 1000);
const built = await buildOpenSearchIndex({
  dataDir: corpus.dataDir,
  http,
  alias,
  indexPrefix: prefix,
  progress: true,
  workers: values.workers === undefined ? undefined : Number(values.workers),
});
log(`built ${built.reports} reports in ${(built.ms / 1000).toFixed(1)} s`);
// One segment, as our index is one generation: forcemerge is part of the build measured.
const m0 = performance.now();
await http.request('POST', `/${built.index}/_forcemerge?max_num_segments=1`);
const forcemergeMs = performance.now() - m0;
// Not part of the build measured: the merged-away segments' files go only when nothing holds them: flush, refresh, then wait until one
// segment per shard copy is left and the size stops moving, or the store counts both generations.
// On a cluster the replica is built after the swap (the build waits for yellow only): wait for it, to count it.
if (nodes.length > 1) await http.request('GET', `/_cluster/health/${built.index}?wait_for_status=green&timeout=300s`);
await http.request('POST', `/${built.index}/_flush`);
await http.request('POST', `/${built.index}/_refresh`);
for (let last = -1, i = 0; i < 60; i++) {
  const seg = await http.request('GET', `/${built.index}/_stats/store,segments`);
  const size = seg.indices[built.index].total.store.size_in_bytes;
  const count = seg.indices[built.index].primaries.segments.count;
  if (count <= 1 && size === last) break;
  last = size;
  await new Promise((r) => setTimeout(r, 2000));
}
clearInterval(sampler);
const cpu = process.cpuUsage(cpu0);
const nodeCpuMs = (await nodesCpuMs()) - nodeCpu0;
const builderRssMb = process.resourceUsage().maxRSS / 1024;

const stats = await http.request('GET', `/${built.index}/_stats/store,docs`);
const storeBytes: number = stats.indices[built.index].primaries.store.size_in_bytes;
const totalStoreBytes: number = stats.indices[built.index].total.store.size_in_bytes;
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
let filter: { region: string; year: number };
if (values.region) filter = { region: values.region, year: Number(values.year ?? FILTER_YEAR) };
else {
  const all = await engine.search(exact(''), none, { sort: 'date-desc', page: 1, size: 1 });
  filter = { region: all.facets.region.find((b) => b.value !== '全国')?.value ?? all.facets.region[0].value, year: FILTER_YEAR };
}
const queries = allQueries(filter);

const run = (q: BenchQuery) =>
  engine.search(exact(q.q), q.filter ? { regions: [q.filter.region], years: [q.filter.year] } : none, { sort: 'relevance', page: 1, size: 10 });
const time = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const results: Record<string, unknown> = {};
for (const q of queries) {
  const first = await time(() => run(q));
  const samples: number[] = [];
  const server: number[] = [];
  let total = 0;
  for (let r = 0; r < runs; r++) {
    samples.push(await time(async () => (total = (await run(q)).total)));
  }
  // The node's own time for the matching request alone (no facets, no passages), as `took`.
  for (let r = 0; r < 5; r++) {
    const must = q.terms.map((t) => ({ match_phrase: { text: { query: t } } }));
    const res = await http.request('POST', `/${built.index}/_search`, { size: 10, track_total_hits: true, query: { bool: { filter: must } } });
    server.push(res.took);
  }
  results[q.name] = {
    sent: `engine.search(${JSON.stringify(q.q)}${q.filter ? `, ${q.filter.region} ${q.filter.year}` : ''})`,
    p50Ms: quantile(samples, 0.5),
    p99Ms: quantile(samples, 0.99),
    firstMs: first,
    alt: { label: "node's took, match only", p50Ms: quantile(server, 0.5), p99Ms: quantile(server, 0.99) },
    hits: total,
  };
  log(`${q.name}: total ${total}, first ${first.toFixed(1)} ms, p50 ${quantile(samples, 0.5).toFixed(1)} ms, p99 ${quantile(samples, 0.99).toFixed(1)} ms`);
}

const jvm = await http.request('GET', '/_nodes/stats/jvm');
const heapUsedMb = Object.values(jvm.nodes as Record<string, any>).map((n) => Math.round(n.jvm.mem.heap_used_in_bytes / 2 ** 20));
const heapMaxMb = Object.values(jvm.nodes as Record<string, any>).map((n) => Math.round(n.jvm.mem.heap_max_in_bytes / 2 ** 20));
const servingRssMb = await nodesRssMb();
if (!values.keep) await http.request('DELETE', `/${built.index}`);

console.log(
  JSON.stringify({
    scale,
    nodes: nodes.length,
    reports: built.reports,
    buildMs: built.ms + forcemergeMs,
    bulkMs: built.ms,
    forcemergeMs,
    builderCpuMs: (cpu.user + cpu.system) / 1000,
    nodeCpuMs,
    builderPeakRssMb: builderRssMb,
    peakNodesRssMb,
    storeBytes,
    totalStoreBytes,
    files,
    filter,
    runs,
    heapUsedMb,
    heapMaxMb,
    servingRssMb,
    queries: results,
  }),
);
