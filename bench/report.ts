/**
 * results.json → RESULTS.md: the machine, the versions, the command, the
 * tables and the targets. Pure: everything it prints comes from its arguments.
 */

export interface QueryResult {
  query: string;
  filter: string | null;
  kind: 'word' | 'phrase';
  /** Uncached (term cache cleared before every run): what a new query costs. */
  p50Ms: number;
  p99Ms: number;
  /** The same query repeated: the searcher's term cache answers the matching part. */
  cachedP50Ms: number;
  cachedP99Ms: number;
  /** The first run in the process (no cache, no JIT for it). */
  firstMs: number;
  bruteMs: number;
  hits: number;
  bruteHits: number;
}

export interface ScaleResult {
  scale: number;
  /** Commit of the code measured (`+dirty src/` when src/ had uncommitted changes). */
  commit?: string;
  reports: number;
  /** Characters of the cleaned texts. */
  chars: number;
  /** UTF-8 megabytes of the cleaned texts. */
  textMb: number;
  buildMs: number;
  buildCpuMs: number;
  /** Peak RSS of the build process. */
  peakRssMb: number;
  indexMb: number;
  /** Median of 3: process spawn → first query answered. */
  coldStartMs: number;
  coldStartRuns: number[];
  coldOpenMs: number;
  /** RSS of the query process after all queries (before the brute-force texts are loaded). */
  servingRssMb: number;
  servingMaxRssMb: number;
  runs: number;
  filter: { region: string; year: number };
  cacheCleared: boolean;
  measuredAt: string;
  queries: Record<string, QueryResult>;
}

export interface Environment {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  npm: string;
  minisearch: string;
  nodejieba: string;
  buildFlags: string;
}

export const TARGETS = {
  buildMs: 180_000,
  servingRssMb: 4096,
  indexMb: 1536,
  coldStartMs: 3000,
  word: { p50Ms: 5, p99Ms: 50 },
  phrase: { p50Ms: 10, p99Ms: 100 },
  bruteRatio: 5,
};

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const ms = (n: number) => (!Number.isFinite(n) ? '–' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const sec = (n: number) => (n / 1000).toFixed(1);
const int = (n: number) => n.toLocaleString('en-US');

/** The scale summary table (the one the README's benchmark section carries). */
export function summaryTable(results: ScaleResult[]): string {
  const rows = [
    '| scale | commit | reports | text (chars / UTF-8) | build wall / CPU | build peak RSS | index on disk | cold start | serving RSS |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    rows.push(
      `| ×${r.scale} | ${r.commit ?? '?'} | ${int(r.reports)} | ${(r.chars / 1e6).toFixed(1)} M / ${f1(r.textMb)} MB | ${sec(r.buildMs)} s / ${sec(r.buildCpuMs)} s | ${f1(r.peakRssMb)} MB | ${f1(r.indexMb)} MB | ${ms(r.coldStartMs)} ms | ${f1(r.servingRssMb)} MB |`,
    );
  }
  return rows.join('\n');
}

/** Query latency table for one scale: uncached p50/p99, repeated p50, brute force and the ratio. */
export function queryTable(r: ScaleResult): string {
  const rows = [
    '| class | query | hits | p50 | p99 | repeated p50 | first run | brute force | brute / p50 |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [name, q] of Object.entries(r.queries)) {
    const ratio = q.bruteMs / q.p50Ms;
    rows.push(
      `| ${name} | \`${q.query}\`${q.filter ? ` · ${q.filter}` : ''} | ${int(q.hits)} | ${ms(q.p50Ms)} ms | ${ms(q.p99Ms)} ms | ${ms(q.cachedP50Ms)} ms | ${ms(q.firstMs)} ms | ${ms(q.bruteMs)} ms | ${Number.isFinite(ratio) ? ratio.toFixed(1) + '×' : '–'} |`,
    );
  }
  return rows.join('\n');
}

interface Verdict {
  target: string;
  ok: boolean;
  got: string;
}

export function verdicts(r: ScaleResult): Verdict[] {
  const out: Verdict[] = [
    { target: 'build ≤ 180 s wall', ok: r.buildMs <= TARGETS.buildMs, got: `${sec(r.buildMs)} s` },
    { target: 'serving RSS ≤ 4 GB', ok: r.servingRssMb <= TARGETS.servingRssMb, got: `${f1(r.servingRssMb)} MB (peak ${f1(r.servingMaxRssMb)} MB)` },
    { target: 'index on disk ≤ 1.5 GB', ok: r.indexMb <= TARGETS.indexMb, got: `${f1(r.indexMb)} MB` },
    { target: 'cold start ≤ 3 s', ok: r.coldStartMs <= TARGETS.coldStartMs, got: `${ms(r.coldStartMs)} ms` },
  ];
  for (const kind of ['word', 'phrase'] as const) {
    const qs = Object.entries(r.queries).filter(([, q]) => q.kind === kind);
    const t = TARGETS[kind];
    const worst = (key: 'p50Ms' | 'p99Ms') => qs.reduce((a, b) => (b[1][key] > a[1][key] ? b : a));
    const [n50, w50] = worst('p50Ms');
    const [n99, w99] = worst('p99Ms');
    const label = kind === 'word' ? 'word queries' : 'exact phrases';
    out.push({ target: `${label} p50 ≤ ${t.p50Ms} ms`, ok: w50.p50Ms <= t.p50Ms, got: `worst ${ms(w50.p50Ms)} ms (${n50})` });
    out.push({ target: `${label} p99 ≤ ${t.p99Ms} ms`, ok: w99.p99Ms <= t.p99Ms, got: `worst ${ms(w99.p99Ms)} ms (${n99})` });
  }
  const ratios = Object.entries(r.queries).map(([n, q]) => [n, q.bruteMs / q.p50Ms] as const);
  const low = ratios.reduce((a, b) => (b[1] < a[1] ? b : a));
  const below = ratios.filter(([, x]) => !(x >= TARGETS.bruteRatio)).map(([n]) => n);
  out.push({
    target: 'every class ≥ 5× faster than brute force (p50)',
    ok: below.length === 0,
    got: `lowest ${low[1].toFixed(1)}× (${low[0]})${below.length ? `; below 5×: ${below.join(', ')}` : ''}`,
  });
  return out;
}

export function renderResults(opts: {
  results: ScaleResult[];
  env: Environment;
  command: string;
  /** Hand-written findings (bench/ANALYSIS.md), appended verbatim. */
  analysis: string | null;
}): string {
  const { results, env, command, analysis } = opts;
  const sorted = [...results].sort((a, b) => a.scale - b.scale);
  const x100 = sorted.find((r) => r.scale === 100);
  const above = sorted.filter((r) => r.scale > 100);
  const lines: string[] = [];
  lines.push('# Benchmark results', '');
  lines.push('Generated by `bench/run.ts` from `bench/results.json` — do not edit by hand (findings go in `bench/ANALYSIS.md`).', '');
  lines.push(`Rerun: \`${command}\` (add \`-- --scale 300\` for another scale, \`-- --quick\` for ×1 and ×10 only).`, '');
  lines.push('## Machine', '');
  lines.push(`- CPU: ${env.cpu}, ${env.cores} cores; memory ${env.memoryGb.toFixed(0)} GB; ${env.os}`);
  lines.push(`- Node ${env.node}, npm ${env.npm}, minisearch ${env.minisearch}, nodejieba ${env.nodejieba}`);
  lines.push(`- Build process flags: \`${env.buildFlags}\``);
  lines.push(`- Measured: ${[...new Set(sorted.map((r) => r.measuredAt.slice(0, 10)))].join(', ')}`, '');
  lines.push('## Method', '');
  lines.push(
    '- ×1 is the real archive `data/`. ×N resamples its cleaned paragraphs into N × 120 synthetic reports of 15–25 k characters ' +
      'with a real region (GB/T 2260) and a year 2018–2026, seeded (`bench/corpus.ts`), written as JSONL under `bench/.work/corpus-xN/` — ' +
      'so ×100 is the issue\'s ≈ 12,000 reports / ≈ 730 MB.',
    '- Every measurement runs in a fresh process: the build (wall, user+system CPU, peak RSS); the index size (files of the live generation); ' +
      'cold start (spawn → first answer to `发展`, median of 3, Node + tsx start-up included); the queries.',
    '- Latency = `performance.now()` around `engine.search({q, size: 10})` (default relevance sort; facets, ranking and snippets included). ' +
      '**p50/p99 are uncached**: the searcher\'s term cache is cleared before each run, as for a query no one asked before. ' +
      '"repeated" is the same query with the cache warm; "first run" is the first call in the process.',
    '- `+filter` = the province with the most reports and the year 2024 (region AND year; at ×1, where 2024 is rare, that province\'s most common year).',
    '- Brute force = `indexOf` of every term over every normalised text held as JS strings (the filter variants scan only the filtered reports), median of 5. ' +
      'Serving RSS is taken before those texts are loaded.',
    '',
  );
  lines.push('## Summary', '', summaryTable(sorted), '');
  for (const r of sorted) {
    lines.push(`## Queries at ×${r.scale} (${int(r.reports)} reports, ${r.runs} runs per class)`, '', queryTable(r), '');
  }
  if (x100) {
    lines.push('## Targets at ×100', '', '| target | result | |', '|---|---|:-:|');
    for (const v of verdicts(x100)) lines.push(`| ${v.target} | ${v.got} | ${v.ok ? '✓' : '✗'} |`);
    lines.push('');
  } else {
    lines.push('## Targets at ×100', '', '×100 has not been measured yet: run `npm run bench`.', '');
  }
  lines.push(
    '## ×300',
    '',
    above.length
      ? above.map((r) => `- ×${r.scale}: built (${int(r.reports)} reports, ${sec(r.buildMs)} s) and served (cold start ${ms(r.coldStartMs)} ms) ✓`).join('\n')
      : '- not measured yet: `npm run bench -- --scale 300`',
    '',
  );
  if (analysis) lines.push(analysis.trim(), '');
  return lines.join('\n');
}
