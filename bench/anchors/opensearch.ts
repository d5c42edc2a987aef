/**
 * Our OpenSearch backend (src/backends/opensearch) on the benchmark corpus:
 * not an anchor but the same engine API on another store, measured through
 * the same `engine.search` path as ours by opensearch/bench-engine.ts against
 * the node(s) at OPENSEARCH_URL (`npm run opensearch -- --background`). The
 * row is named after the cluster's size: `opensearch` (one node),
 * `opensearch-3` (three).
 */
import { join } from 'node:path';
import { load1, log, ROOT, runChild } from '../child.js';
import type { EngineQuery, EngineResult } from '../report.js';
import type { AnchorContext } from './groonga.js';

const CHILD = join(ROOT, 'opensearch', 'bench-engine.ts');
const url = () => process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200';

export async function openSearchMissing(): Promise<string | null> {
  try {
    const res = await fetch(`${url()}/_cluster/health?wait_for_status=yellow&timeout=5s`, { signal: AbortSignal.timeout(8000) });
    if (res.ok) return null;
    return `OpenSearch ${url()} 未就绪（${res.status}），跳过 / not ready, skipped`;
  } catch {
    return `没有可用的 OpenSearch 节点（${url()}；先运行 npm run opensearch -- --background），跳过 / no OpenSearch node at ${url()}, skipped`;
  }
}

interface BenchEngineOut {
  nodes: number;
  reports: number;
  buildMs: number;
  bulkMs: number;
  forcemergeMs: number;
  builderCpuMs: number;
  nodeCpuMs: number;
  builderPeakRssMb: number;
  peakNodesRssMb: number;
  storeBytes: number;
  totalStoreBytes: number;
  files: Record<string, number>;
  filter: { region: string; year: number };
  heapMaxMb: number[];
  servingRssMb: number;
  queries: Record<string, EngineQuery>;
}

export async function measureOpenSearch(ctx: AnchorContext): Promise<EngineResult> {
  const { scale, runs, filter } = ctx;
  const loadStart = load1();
  log(`×${scale} opensearch: build and queries through engine.search (${url()})`);
  const r = (await runChild<BenchEngineOut>(CHILD, ['--scale', String(scale), '--runs', String(runs), '--region', filter.region, '--year', String(filter.year)])).result;
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  return {
    engine: r.nodes === 1 ? 'opensearch' : `opensearch-${r.nodes}`,
    label: r.nodes === 1 ? 'OpenSearch' : `OpenSearch ×${r.nodes} nodes`,
    kind: 'backend',
    version: `OpenSearch 2.19.6 (opensearch/launcher), ${r.nodes} node${r.nodes > 1 ? 's' : ''} on this machine, heap ${r.heapMaxMb.join('/')} MB; template v2, one shard${r.nodes > 1 ? ', one replica' : ''}`,
    reports: r.reports,
    buildMs: r.buildMs,
    buildCpuMs: r.builderCpuMs + r.nodeCpuMs,
    peakRssMb: r.builderPeakRssMb + r.peakNodesRssMb,
    indexMb: r.storeBytes / 2 ** 20,
    coldStartMs: null,
    servingRssMb: r.servingRssMb,
    runs,
    filter: r.filter,
    measuredAt: new Date().toISOString(),
    load: [loadStart, load1()],
    notes: [
      `Build = ingest, cleaning and jieba in Node (${(r.builderCpuMs / 1000).toFixed(0)} s CPU), \`_bulk\` into a new index, refresh, alias swap (${(r.bulkMs / 1000).toFixed(1)} s), then \`_forcemerge\` to one segment (${(r.forcemergeMs / 1000).toFixed(1)} s); CPU adds the node(s)' own (${(r.nodeCpuMs / 1000).toFixed(0)} s). Peak RSS = the Node builder's peak (${r.builderPeakRssMb.toFixed(0)} MB) + the nodes' RSS sampled each second (${r.peakNodesRssMb.toFixed(0)} MB; a JVM holds its whole -Xms heap).`,
      `Index = primaries after the merge (${mb(r.storeBytes)} MB; with replicas ${mb(r.totalStoreBytes)} MB). Largest files: ${Object.entries(r.files)
        .slice(0, 4)
        .map(([k, v]) => `${k} ${mb(v)} MB`)
        .join(', ')}.`,
      'Latency = `engine.search` from Node (HTTP to the node, facets as aggregations, the ten hits\' texts fetched for passages): the same call and answer as ours; "took" is the node\'s time for the bare match. Serving RSS = the nodes\' JVMs. Start → first answer not measured (a node starts in 3–10 s, opensearch/README.md).',
    ],
    queries: r.queries,
  };
}
