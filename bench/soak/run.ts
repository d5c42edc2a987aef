/**
 * `npm run soak`: load against a real `serve` on 127.0.0.1 over the ×10 bench
 * archive (bench/corpus.ts; 1,200 reports), bounded in connections and time.
 *
 *  1. normal queries (the bench query classes), 10 and 50 connections;
 *  2. the worst shape (20 single characters joined by OR, size=100) from 10
 *     connections, while one client sends normal queries one after another:
 *     that client's latencies are the p50/p99 "a normal query waits";
 *     once with the default budget and gate, once with both off (the old behaviour).
 *
 * Writes bench/soak/results.json and prints a Markdown table. SOAK_SECONDS
 * (default 10) bounds each phase.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { BASE_QUERIES } from '../queries.js';
import { prepare } from './prepare.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS = Number(process.env.SOAK_SECONDS ?? 10);
export const WORST = '法 OR 治 OR 政 OR 府 OR 建 OR 设 OR 行 OR 执 OR 公 OR 示 OR 制 OR 度 OR 改 OR 革 OR 监 OR 督 OR 服 OR 务 OR 依 OR 规';
const NORMAL_PATHS = BASE_QUERIES.map((b) => `/api/search?q=${encodeURIComponent(b.q)}`);
const WORST_PATH = `/api/search?q=${encodeURIComponent(WORST)}&size=100`;

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
  // Let the background warm-up (positions, word shards) finish before measuring.
  for (let i = 0; i < 3; i++) for (const p of NORMAL_PATHS) await fetch(base + p).then((r) => r.arrayBuffer());
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

async function load(base: string, connections: number, paths: string[]) {
  const r = await autocannon({
    url: base,
    connections,
    duration: SECONDS,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  const codes: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) codes[code] = (v as { count: number }).count;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, errors: r.errors, timeouts: r.timeouts, codes };
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

async function main() {
  const { dataDir, indexDir } = await prepare(10);
  const results: Record<string, unknown> = { scale: 10, reports: 1200, seconds: SECONDS, when: new Date().toISOString(), node: process.version };

  for (const [label, env] of [
    ['guarded', {}],
    ['unguarded', { MAX_CONCURRENT: '0', BUDGET: '0' }],
  ] as const) {
    const { base, child } = await startServer(dataDir, indexDir, env);
    try {
      const phase: Record<string, unknown> = {};
      if (label === 'guarded') {
        phase.normal10 = await load(base, 10, NORMAL_PATHS);
        phase.normal50 = await load(base, 50, NORMAL_PATHS);
      }
      const worst = load(base, 10, [WORST_PATH]);
      phase.worstShape10 = { worst: await Promise.all([worst, probe(base, worst)]).then(([w, p]) => ({ ...w, normalClient: p })) };
      results[label] = phase;
      console.error(label, JSON.stringify(phase, null, 1));
    } finally {
      await stop(child);
    }
  }
  await writeFile(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
  console.log(JSON.stringify(results, null, 2));
}

await main();
