/**
 * The soak's hot-swap phase: while ten clients send a fixed rotation of
 * search API requests to a running `serve`, a user's rebuild
 * (`report-search index` in another process) publishes a new generation into
 * the server's index folder, and the server's IndexWatcher swaps it in.
 *
 * The new generation is built from the ×10 data plus one small JSONL of
 * reports with a marker term (SWAP_REPORTS), so totals, first pages and facets
 * of the rotation's queries differ between the two generations. Every
 * response is compared with the server's answer for the same address before
 * the swap (old) and after it settled (new), body for body (only `tookMs`
 * left out): a response that equals neither mixes two generations, or is wrong.
 * `/api/search` does not say which generation answered (only `/healthz` gives
 * `indexBuiltAt`), so the body itself is the evidence.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_QUERIES } from '../queries.js';

/** In no report of the bench archive: the marker query goes from 0 hits to SWAP_REPORTS.length. */
export const MARKER = '灵犀织锦';
const SWAP_PROVINCE = '青海省';
const SWAP_YEAR = 2025;
const SWAP_FILE = 'swap-extra.jsonl';

/**
 * Three short reports full of the rotation's terms: short and dense, they rank
 * first for those queries, so the first page changes, not only the total.
 */
export const SWAP_REPORTS = [1, 2, 3].map((n) => {
  const paragraphs = Array.from({ length: 12 }, (_, i) =>
    i % 2 === 0
      ? `第${n * 100 + i}项：围绕${MARKER}试点，规范重大行政决策程序，推动高质量发展，落实行政执法公示制度，湟中区先行先试。`
      : `第${n * 100 + i}项：${MARKER}工作把三项制度落到实处，重大行政决策事项目录向社会公布，新县经验在本地发展中推广。`,
  );
  return {
    title: `${SWAP_PROVINCE}${SWAP_YEAR}年${MARKER}试点工作报告（第${n}期）`,
    content: paragraphs.join('\n'),
    province: SWAP_PROVINCE,
    city: '西宁市',
    county: '湟中区',
    year: SWAP_YEAR,
    date: `${SWAP_YEAR + 1}-01-1${n}`,
    issuer: `${SWAP_PROVINCE}人民政府`,
    url: `https://bench.invalid/swap/${n}`,
  };
});

/** The rotation: the bench query classes, the marker, and one filtered query whose facets change. */
export const SWAP_PATHS = [
  ...BASE_QUERIES.map((b) => `/api/search?q=${encodeURIComponent(b.q)}`),
  `/api/search?q=${encodeURIComponent(MARKER)}`,
  `/api/search?q=${encodeURIComponent('"重大行政决策"')}&region=${encodeURIComponent(SWAP_PROVINCE)}&year=${SWAP_YEAR}`,
];

/**
 * A folder of its own for the phase, so the soak's shared index stays built
 * from the ×10 data: a copy of that index (the server is started on it, and
 * the rebuild reuses its per-file cache), and the changed data folder.
 */
export async function prepareSwap(dataDir: string, indexDir: string, workDir: string) {
  const root = join(workDir, `swap-${process.pid}`);
  await rm(root, { recursive: true, force: true });
  const swapIndex = join(root, 'index');
  const swapData = join(root, 'data');
  await cp(indexDir, swapIndex, { recursive: true });
  await mkdir(swapData, { recursive: true });
  for (const f of await readdir(dataDir)) if (!f.startsWith('.')) await cp(join(dataDir, f), join(swapData, f));
  await writeFile(join(swapData, SWAP_FILE), SWAP_REPORTS.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { indexDir: swapIndex, dataDir: swapData, cleanup: () => rm(root, { recursive: true, force: true }) };
}

interface Seen {
  path: number;
  status: number;
  /** ms since the load began */
  at: number;
  ms: number;
  total: number | null;
  ids: string | null;
  body: string | null;
}

/** A response reduced to what is compared: the whole body but `tookMs`, hashed; total and page ids for the report. */
function digest(text: string): { total: number; ids: string; body: string } {
  const r = JSON.parse(text) as { total: number; tookMs?: number; hits: Array<{ id: string }> };
  delete r.tookMs;
  return { total: r.total, ids: r.hits.map((h) => h.id).join(','), body: createHash('sha1').update(JSON.stringify(r)).digest('hex') };
}

async function answers(base: string) {
  const out: Array<ReturnType<typeof digest>> = [];
  for (const p of SWAP_PATHS) {
    const res = await fetch(base + p);
    if (!res.ok) throw new Error(`soak swap: ${p} → ${res.status} before the load`);
    out.push(digest(await res.text()));
  }
  return out;
}

async function builtAt(base: string): Promise<string> {
  return ((await (await fetch(`${base}/healthz`)).json()) as { indexBuiltAt: string }).indexBuiltAt;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

export interface SwapOptions {
  /** The root of the repository (the CLI is run from there, as a user would). */
  root: string;
  /** The server's index folder and the changed data folder (`prepareSwap`). */
  indexDir: string;
  dataDir: string;
  connections: number;
  /** Load before the rebuild starts, and after the swap is seen. */
  beforeMs: number;
  afterMs: number;
  /** The rebuild is killed and the phase fails past this. */
  buildTimeoutMs: number;
}

/**
 * Runs the phase against a server already started on `opts.indexDir`.
 * Bounded: the load stops `afterMs` after the swap, or when the rebuild fails
 * or times out, or the swap is not seen within 30 s of its publication.
 */
export async function hotSwap(base: string, opts: SwapOptions) {
  const before = await answers(base);
  const oldBuiltAt = await builtAt(base);

  const seen: Seen[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  let stop = false;
  let next = 0;
  let clientErrors = 0;
  const worker = async () => {
    while (!stop) {
      const path = next++ % SWAP_PATHS.length;
      const start = now();
      try {
        const res = await fetch(base + SWAP_PATHS[path]);
        const text = await res.text();
        const d = res.ok ? digest(text) : null;
        seen.push({ path, status: res.status, at: start, ms: now() - start, total: d?.total ?? null, ids: d?.ids ?? null, body: d?.body ?? null });
      } catch {
        clientErrors++;
      }
    }
  };
  const workers = Array.from({ length: opts.connections }, worker);

  let build: { ms: number; code: number | null; out: string; startedAt: number; endedAt: number } | null = null;
  let swappedAt: number | null = null;
  let newBuiltAt = oldBuiltAt;
  try {
    await sleep(opts.beforeMs);
    const startedAt = now();
    build = await new Promise((resolve) => {
      // As a user would, from another terminal: `npm run index -- --data … --index …`
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'index', '--data', opts.dataDir, '--index', opts.indexDir], { cwd: opts.root });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.buildTimeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ ms: now() - startedAt, code, out: out.slice(-2000), startedAt, endedAt: now() });
      });
    });
    if (build!.code !== 0) throw new Error(`soak swap: the rebuild exited ${build!.code}: ${build!.out}`);
    // The watcher polls CURRENT every second; give it 30 s.
    for (const deadline = now() + 30_000; now() < deadline; await sleep(100)) {
      newBuiltAt = await builtAt(base);
      if (newBuiltAt !== oldBuiltAt) {
        swappedAt = now();
        break;
      }
    }
    if (swappedAt === null) throw new Error('soak swap: the server did not swap the new generation in within 30 s');
    await sleep(opts.afterMs);
  } finally {
    stop = true;
    await Promise.all(workers);
  }
  const after = await answers(base);

  const perPath = SWAP_PATHS.map((p, i) => {
    const rows = seen.filter((s) => s.path === i && s.status < 300);
    const asOld = rows.filter((s) => s.body === before[i].body).length;
    const asNew = rows.filter((s) => s.body === after[i].body).length;
    return {
      path: p,
      total: { old: before[i].total, new: after[i].total },
      firstPageChanged: before[i].ids !== after[i].ids,
      bodyChanged: before[i].body !== after[i].body,
      responses: rows.length,
      asOld,
      asNew,
      // a response equal to neither body: the evidence of a mix (or of a wrong answer)
      neither: rows.filter((s) => s.body !== before[i].body && s.body !== after[i].body).length,
      totalNeither: rows.filter((s) => s.total !== before[i].total && s.total !== after[i].total).length,
      idsNeither: rows.filter((s) => s.ids !== before[i].ids && s.ids !== after[i].ids).length,
      // the old total with the new first page, or the reverse (where both differ)
      crossed: rows.filter((s) => (s.total === before[i].total && s.ids === after[i].ids) || (s.total === after[i].total && s.ids === before[i].ids)).filter(
        () => before[i].total !== after[i].total && before[i].ids !== after[i].ids,
      ).length,
    };
  });
  const statuses: Record<string, number> = {};
  for (const s of seen) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const ok = seen.filter((s) => s.status < 300);
  // When the old generation stopped answering: requests that took it before the swap may end after it
  const isOld = (s: Seen) => s.body === before[s.path].body && before[s.path].body !== after[s.path].body;
  const isNew = (s: Seen) => s.body === after[s.path].body && before[s.path].body !== after[s.path].body;
  const firstNew = ok.filter(isNew).reduce((a, s) => Math.min(a, s.at), Infinity);
  const lastOld = ok.filter(isOld).reduce((a, s) => Math.max(a, s.at), -Infinity);
  const latencies = seen.map((s) => s.ms);
  const round = (x: number) => Math.round(x);
  return {
    connections: opts.connections,
    seconds: round(now() / 100) / 10,
    responses: seen.length,
    statuses,
    nonOk: seen.length - ok.length,
    clientErrors,
    neither: perPath.reduce((a, p) => a + p.neither, 0),
    perPath,
    oldBuiltAt,
    newBuiltAt,
    build: build && { ms: round(build.ms), startedAt: round(build.startedAt), endedAt: round(build.endedAt) },
    swapSeenAt: swappedAt === null ? null : round(swappedAt),
    firstNewSentAt: Number.isFinite(firstNew) ? round(firstNew) : null,
    lastOldSentAt: Number.isFinite(lastOld) ? round(lastOld) : null,
    latency: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.reduce((a, b) => Math.max(a, b), 0) },
  };
}

export type SwapResult = Awaited<ReturnType<typeof hotSwap>>;

/** The phase's table for bench/RELIABILITY.md: one row per address of the rotation. */
export function swapTable(r: SwapResult): string {
  const n = (x: number) => x.toLocaleString('en');
  const q = (path: string) => {
    const u = new URL(path, 'http://x');
    const rest = [...u.searchParams].filter(([k]) => k !== 'q').map(([k, v]) => `${k}=${v}`);
    return `\`${u.searchParams.get('q')}\`${rest.length ? ` (${rest.join(', ')})` : ''}`;
  };
  const rows = r.perPath.map(
    (p) =>
      `| ${q(p.path)} | ${n(p.total.old)} → ${n(p.total.new)} | ${p.firstPageChanged ? 'changed' : 'same'} | ${n(p.responses)} | ${n(p.asOld)} | ${n(p.asNew)} | **${n(p.neither)}** |`,
  );
  const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const statuses = Object.entries(r.statuses)
    .map(([c, k]) => `${n(k)} × ${c}`)
    .join(', ');
  return [
    `| hot swap during load, /api/search (${r.connections} connections, 1 run) | total old → new | first page | 2xx responses | = old body | = new body | neither (mixed) |`,
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `${n(r.responses)} responses in ${r.seconds.toFixed(1)} s (${statuses}; ${r.clientErrors} client errors), **${n(r.neither)} equal to neither generation's body**; ` +
      `latency p50 ${Math.round(r.latency.p50)} ms, p99 ${Math.round(r.latency.p99)} ms, max ${Math.round(r.latency.max)} ms. ` +
      `The rebuild (\`report-search index\`, another process) ran from ${s(r.build?.startedAt ?? null)} to ${s(r.build?.endedAt ?? null)} of the phase; ` +
      `/healthz gave the new \`indexBuiltAt\` at ${s(r.swapSeenAt)}; the first new answer was sent at ${s(r.firstNewSentAt)}, the last old one at ${s(r.lastOldSentAt)}.`,
  ].join('\n');
}
