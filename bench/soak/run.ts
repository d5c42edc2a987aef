/**
 * `npm run soak`: load against a real `serve` on 127.0.0.1 over the ×10 bench
 * archive (bench/corpus.ts; 1,200 reports), bounded in connections and time.
 *
 *  1. normal queries (the bench query classes) on /api/search, 10 and 50
 *     connections; then every page and API rotated (`mixedPaths`), 10 and 50;
 *  2. the worst shape (20 single characters joined by OR, size=100) from 10
 *     connections, while one client sends normal queries one after another:
 *     that client's latencies are the p50/p99 "a normal query waits"; the
 *     server's lane counters (/healthz) say how many expensive requests were
 *     refused and that the bounds held;
 *  3. once (first run only), the same attack with the budget and lanes off
 *     (`MAX_CONCURRENT=0 BUDGET=0`, the old behaviour);
 *  4. once, a hot swap under load (bench/soak/swap.ts): ten clients rotate
 *     search API requests while `report-search index` publishes a new
 *     generation (the ×10 data plus three marker reports) into the server's
 *     index folder; every response must be the old or the new generation's
 *     body, never a mix, with 0 errors;
 *  5. once, every page and API rotated at 10 connections for
 *     SOAK_RSS_SECONDS (default 300) while the server's RSS is sampled every
 *     5 s (bench/soak/rss.ts): growth from the first minute's median to the
 *     last minute's, target ≤ 10%.
 *
 * SOAK_SECONDS (default 10) bounds each of phases 1–3; SOAK_RUNS (default 1)
 * repeats 1–2 on a fresh server, and the table gives each figure's median over
 * the runs (the machine is shared: one run says little). Writes
 * bench/soak/results.json (every run, the medians, the load average) and the
 * tables of bench/RELIABILITY.md (between its soak markers), and prints them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { BASE_QUERIES } from '../queries.js';
import { prepare, SOAK_WORK } from './prepare.js';
import { rssSummary, sampleRss } from './rss.js';
import { hotSwap, prepareSwap, swapTable, type SwapResult } from './swap.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS = Number(process.env.SOAK_SECONDS ?? 10);
const RUNS = Math.max(1, Number(process.env.SOAK_RUNS ?? 1));
const RSS_SECONDS = Math.max(15, Number(process.env.SOAK_RSS_SECONDS ?? 300));
export const WORST = '法 OR 治 OR 政 OR 府 OR 建 OR 设 OR 行 OR 执 OR 公 OR 示 OR 制 OR 度 OR 改 OR 革 OR 监 OR 督 OR 服 OR 务 OR 依 OR 规';
const NORMAL_PATHS = BASE_QUERIES.map((b) => `/api/search?q=${encodeURIComponent(b.q)}`);
const WORST_PATH = `/api/search?q=${encodeURIComponent(WORST)}&size=100`;

/**
 * Every page and API a reader uses, for each bench query: the search page and
 * API (also with a region and a year), the report page of the first hit, its
 * paragraph's similar passages, the distribution and KWIC APIs.
 */
async function mixedPaths(base: string): Promise<string[]> {
  const out: string[] = [];
  for (const { q } of BASE_QUERIES) {
    const enc = encodeURIComponent(q);
    const res = (await (await fetch(`${base}/api/search?q=${enc}&size=1`)).json()) as {
      hits: Array<{ id: string; region: { province: string | null }; year: number | null; passages: Array<{ anchor: string }> }>;
    };
    out.push(`/api/search?q=${enc}`, `/?q=${enc}`, `/api/trend?q=${enc}&by=year`, `/api/kwic?q=${enc}&size=20`);
    const hit = res.hits[0];
    if (!hit) continue;
    const region = hit.region.province ? `&region=${encodeURIComponent(hit.region.province)}` : '';
    out.push(`/?q=${enc}${region}${hit.year ? `&year=${hit.year}` : ''}`, `/doc/${encodeURIComponent(hit.id)}?q=${enc}`);
    const p = hit.passages[0]?.anchor.replace(/^p-/, '');
    if (p) out.push(`/api/similar?id=${encodeURIComponent(hit.id)}&p=${p}`);
  }
  return out;
}

async function startServer(dataDir: string, indexDir: string, env: Record<string, string>): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--data', dataDir, '--index', indexDir], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', RATE_LIMIT: '0', ACCESS_LOG: '0', AUTH_TOKEN: '', PUBLIC: '', ...env },
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 300_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  serverPid = child.pid;
  // Let the background warm-up (positions, word shards) finish before measuring, and load what a page or API
  // reads on its first use (the reuse index: ~0.3 s of one blocking read at ×10), so the phases measure a running server.
  for (let i = 0; i < 3; i++) for (const p of NORMAL_PATHS) await fetch(base + p).then((r) => r.arrayBuffer());
  for (const p of await mixedPaths(base)) await fetch(base + p).then((r) => r.arrayBuffer());
  await new Promise((r) => setTimeout(r, 3000));
  return { base, child };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/**
 * CPU time (user + system, ms) the server process has used, from /proc (Linux; null elsewhere): CPU per
 * request compares commits on a shared machine, where latencies mostly measure the other work.
 */
async function cpuMs(pid: number | undefined): Promise<number | null> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100;
let serverPid: number | undefined;

async function load(base: string, connections: number, paths: string[], seconds = SECONDS) {
  const cpu0 = await cpuMs(serverPid);
  let next = 0;
  const r = await autocannon({
    url: base,
    connections,
    duration: seconds,
    // One rotation shared by every connection: each request takes the next address. (With one list per
    // connection the connections start together and move in step: all 50 asked the same 12 ms page at once.)
    requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: paths[next++ % paths.length] }) }],
  });
  const codes: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) codes[code] = (v as { count: number }).count;
  const cpu1 = await cpuMs(serverPid);
  const cpuPerRequest = cpu0 === null || cpu1 === null || !r.requests.total ? NaN : (cpu1 - cpu0) / r.requests.total;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, cpuPerRequest, errors: r.errors, timeouts: r.timeouts, codes };
}

/** One client sending normal queries back to back while `during` runs. */
async function probe(base: string, during: Promise<unknown>) {
  const times: number[] = [];
  const codes: Record<string, number> = {};
  let done = false;
  void during.then(() => (done = true));
  for (let i = 0; !done; i++) {
    const t0 = performance.now();
    const res = await fetch(base + NORMAL_PATHS[i % NORMAL_PATHS.length]);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    codes[res.status] = (codes[res.status] ?? 0) + 1;
  }
  return { n: times.length, p50: pct(times, 50), p99: pct(times, 99), max: Math.max(...times), codes };
}

type Load = Awaited<ReturnType<typeof load>>;
type Probe = Awaited<ReturnType<typeof probe>>;
interface Run {
  normal10: Load;
  normal50: Load;
  mixed10: Load;
  mixed50: Load;
  worst: Load;
  normalClient: Probe;
  /** The lanes' counters after the attack (src/web/access.ts `AccessStats`). */
  lanes: unknown;
  loadavg: number[];
}

/** The attack of phase 2: ten clients on the worst shape, one client probing with normal queries. */
async function attack(base: string): Promise<{ worst: Load; normalClient: Probe }> {
  const worst = load(base, 10, [WORST_PATH]);
  const [w, p] = await Promise.all([worst, probe(base, worst)]);
  return { worst: w, normalClient: p };
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/** Each figure's median over the runs (figures of one row may come from different runs). */
function medians<T extends Record<string, unknown>>(rows: T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(rows[0])) if (typeof rows[0][k] === 'number') out[k] = median(rows.map((r) => r[k] as number));
  return out;
}

const ms = (x: number) => `${Math.round(x).toLocaleString('en')} ms`;
const codes = (rows: Array<{ codes: Record<string, number> }>) =>
  [...new Set(rows.flatMap((r) => Object.keys(r.codes)))]
    .map((c) => `${Math.round(median(rows.map((r) => r.codes[c] ?? 0))).toLocaleString('en')} × ${c}`)
    .join(', ');

function table(runs: Run[], unguarded: { worst: Load; normalClient: Probe }): string {
  // CPU per request is left out where a probing client's requests share the server with the phase's
  const row = (phase: string, conn: number | string, rows: Load[], withCpu = true) => {
    const m = medians(rows);
    if (!withCpu) m.cpuPerRequest = NaN;
    return `| ${phase} | ${conn} | ${m.rps.toFixed(1)} | ${ms(m.p50)} | ${ms(m.p99)} | ${ms(m.max)} | ${Number.isFinite(m.cpuPerRequest) ? m.cpuPerRequest.toFixed(2) : '—'} | ${codes(rows)}${m.timeouts ? `, ${m.timeouts} client timeouts` : ''} |`;
  };
  const probeRow = (rows: Probe[]) => {
    const m = medians(rows);
    return `| ↳ one client sending normal queries meanwhile | 1 | — | **${ms(m.p50)}** | **${ms(m.p99)}** | ${ms(m.max)} | — | ${codes(rows)} |`;
  };
  return [
    `| phase (median of ${runs.length} run${runs.length > 1 ? 's' : ''}) | connections | req/s | p50 | p99 | max | server CPU ms / request | statuses |`,
    '|---|---|---|---|---|---|---|---|',
    row('normal queries', 10, runs.map((r) => r.normal10)),
    row('normal queries', 50, runs.map((r) => r.normal50)),
    row('every page and API, rotated', 10, runs.map((r) => r.mixed10)),
    row('every page and API, rotated', 50, runs.map((r) => r.mixed50)),
    row('worst shape, **guarded** (budget + lanes)', 10, runs.map((r) => r.worst), false),
    probeRow(runs.map((r) => r.normalClient)),
    row('worst shape, **unguarded** (`MAX_CONCURRENT=0 BUDGET=0`, 1 run)', 10, [unguarded.worst], false),
    probeRow([unguarded.normalClient]),
  ].join('\n');
}

async function main() {
  const { dataDir, indexDir } = await prepare(10);
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { base, child } = await startServer(dataDir, indexDir, {});
    try {
      const normal10 = await load(base, 10, NORMAL_PATHS);
      const normal50 = await load(base, 50, NORMAL_PATHS);
      const mixed = await mixedPaths(base);
      const mixed10 = await load(base, 10, mixed);
      const mixed50 = await load(base, 50, mixed);
      const { worst, normalClient } = await attack(base);
      const lanes = ((await (await fetch(`${base}/healthz`)).json()) as { lanes?: unknown }).lanes ?? null;
      runs.push({ normal10, normal50, mixed10, mixed50, worst, normalClient, lanes, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) });
      console.error(`run ${i + 1}/${RUNS}`, JSON.stringify(runs[i]));
    } finally {
      await stop(child);
    }
  }
  const { base, child } = await startServer(dataDir, indexDir, { MAX_CONCURRENT: '0', BUDGET: '0' });
  let unguarded: { worst: Load; normalClient: Probe };
  try {
    unguarded = await attack(base);
  } finally {
    await stop(child);
  }
  const swap = await swapPhase(dataDir, indexDir);
  const rss = await rssPhase(dataDir, indexDir);
  const results = {
    scale: 10,
    reports: 1200,
    seconds: SECONDS,
    when: new Date().toISOString(),
    node: process.version,
    median: {
      normal10: medians(runs.map((r) => r.normal10)),
      normal50: medians(runs.map((r) => r.normal50)),
      mixed10: medians(runs.map((r) => r.mixed10)),
      mixed50: medians(runs.map((r) => r.mixed50)),
      worst: medians(runs.map((r) => r.worst)),
      normalClient: medians(runs.map((r) => r.normalClient)),
    },
    runs,
    unguarded,
    swap,
    rss,
  };
  await writeFile(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
  const text = [
    `${table(runs, unguarded)}\n\nLoad average (1 min) at the end of each run: ${runs.map((r) => r.loadavg[0]).join(', ')}; ${results.when.slice(0, 10)}, ${RUNS} run${RUNS > 1 ? 's' : ''} of ${SECONDS} s per phase.`,
    `${swapTable(swap)} Load average (1 min) at the end: ${swap.loadavg[0]}.`,
    rssTable(rss),
  ].join('\n\n');
  console.log(text);
  // The table in bench/RELIABILITY.md, between its markers: the prose around it is written by hand.
  const doc = new URL('../RELIABILITY.md', import.meta.url);
  const md = await readFile(doc, 'utf8');
  const marked = /(<!-- soak:start -->\n)[\s\S]*?(\n<!-- soak:end -->)/;
  if (marked.test(md)) await writeFile(doc, md.replace(marked, (_, a: string, b: string) => a + text + b));
}

/** Phase 4 on a server of its own, over a copy of the index (the rebuild must not change the soak's shared one). */
async function swapPhase(dataDir: string, indexDir: string): Promise<SwapResult & { loadavg: number[] }> {
  const swap = await prepareSwap(dataDir, indexDir, SOAK_WORK);
  try {
    const { base, child } = await startServer(dataDir, swap.indexDir, {});
    try {
      const r = await hotSwap(base, { root: ROOT, indexDir: swap.indexDir, dataDir: swap.dataDir, connections: 10, beforeMs: 3000, afterMs: 5000, buildTimeoutMs: 600_000 });
      console.error('swap', JSON.stringify(r));
      return { ...r, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) };
    } finally {
      await stop(child);
    }
  } finally {
    await swap.cleanup();
  }
}

/** Phase 5: the long mixed load on a fresh server, its RSS sampled meanwhile. */
async function rssPhase(dataDir: string, indexDir: string) {
  const { base, child } = await startServer(dataDir, indexDir, {});
  try {
    const during = load(base, 10, await mixedPaths(base), RSS_SECONDS);
    const [loaded, samples] = await Promise.all([during, sampleRss(child.pid, during)]);
    const r = { seconds: RSS_SECONDS, load: loaded, ...rssSummary(samples), samples, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) };
    console.error('rss', JSON.stringify({ ...r, samples: samples.length }));
    return r;
  } finally {
    await stop(child);
  }
}

function rssTable(r: Awaited<ReturnType<typeof rssPhase>>): string {
  const mb = (x: number) => `${Math.round(x).toLocaleString('en')} MB`;
  const l = r.load;
  const statuses = Object.entries(l.codes)
    .map(([c, k]) => `${k.toLocaleString('en')} × ${c}`)
    .join(', ');
  const w = r.windowSeconds === 60 ? 'minute' : `${r.windowSeconds} s`;
  return [
    `| server RSS, every page and API rotated for ${r.seconds} s (10 connections, 1 run) | first ${w} (median) | last ${w} (median) | growth | min – max | req/s | p99 | statuses |`,
    '|---|---|---|---|---|---|---|---|',
    `| ${r.samples.length} samples, one every 5 s | ${mb(r.firstMb)} | ${mb(r.lastMb)} | **${r.growthPct > 0 ? '+' : ''}${r.growthPct}%** (target ≤ 10%) | ${mb(r.minMb)} – ${mb(r.maxMb)} | ${l.rps.toFixed(1)} | ${ms(l.p99)} | ${statuses}${l.errors ? `, ${l.errors} errors` : ''}${l.timeouts ? `, ${l.timeouts} client timeouts` : ''} |`,
    '',
    `Load average (1 min) at the end: ${r.loadavg[0]}.`,
  ].join('\n');
}

await main();
