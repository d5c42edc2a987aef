/**
 * `npm run bench`: index build, index size, cold start and query latency per
 * corpus scale, each measured in a fresh process, against a brute-force scan.
 *
 *   npm run bench                          scales ×1, ×10, ×100
 *   npm run bench -- --quick               ×1 and ×10 only, for trying things out
 *   npm run bench -- --scale 300           one or more given scales (--scale 10 --scale 300)
 *   npm run bench -- --scale 100 --profile common
 *                                          CPU profile of one query class on the existing ×100
 *                                          index (node --cpu-prof), top functions by self time
 *   npm run bench -- --report              regenerate RESULTS.md from results.json (after editing ANALYSIS.md)
 *   npm run bench -- --only anchors        only the anchors (Groonga, SQLite FTS5) at the given scales; our rows stay
 *   npm run bench -- --only opensearch     our OpenSearch backend against the node at OPENSEARCH_URL (not in the default run)
 *
 * What is measured: `--only ours|anchors|groonga|fts5|opensearch` (repeatable; default ours + anchors).
 * The anchors run when installed (Groonga: Debian's groonga-bin; FTS5: better-sqlite3) and are
 * skipped with a note when not; `.ci/run` installs neither.
 *
 * Progress goes to stderr. Results are merged by scale into bench/results.json,
 * bench/RESULTS.md is regenerated from it, and the summary table is printed on
 * stdout in Markdown for the README's benchmark section.
 */
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureEngines, type EngineName, ENGINE_NAMES } from './anchors/index.js';
import { BENCH, load1, log, median, ROOT, runChild as runScript, runsFor } from './child.js';
import { ensureCorpus } from './corpus.js';
import { enginesQueryTable, enginesTable, renderResults, summaryTable, type Environment, type ScaleResult } from './report.js';

const WORK = join(BENCH, '.work');
const RESULTS_JSON = join(BENCH, 'results.json');
const RESULTS_MD = join(BENCH, 'RESULTS.md');
const ANALYSIS_MD = join(BENCH, 'ANALYSIS.md');
/** The build runs with Node's defaults: a user needs no flag, whatever the archive's size (issue 13). */
const BUILD_FLAGS: string[] = [];
const COLD_RUNS = 3;

/** Runs one of bench/children/ in a fresh process. */
const runChild = <T>(script: string, args: string[], opts?: Parameters<typeof runScript>[2]) => runScript<T>(join(BENCH, 'children', script), args, opts);

/** Bytes of the live generation (the directory CURRENT names). */
async function indexBytes(indexDir: string): Promise<number> {
  const gen = join(indexDir, (await readFile(join(indexDir, 'CURRENT'), 'utf8')).trim());
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else total += (await stat(p)).size;
    }
  };
  await walk(gen);
  return total;
}

interface BuildOut {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  reports: number;
  skipped: number;
  duplicates: number;
}
interface ColdOut {
  hits: number;
  sinceStartMs: number;
  openMs: number;
  firstQueryMs: number;
}
interface QueriesOut {
  runs: number;
  filter: { region: string; year: number };
  reports: number;
  chars: number;
  utf8Bytes: number;
  servingRssMb: number;
  servingMaxRssMb: number;
  cacheCleared: boolean;
  queries: ScaleResult['queries'];
}

/** The commit under test, marked when src/ has uncommitted changes (others edit the same checkout). */
function gitCommit(): string {
  const sh = (cmd: string) => {
    try {
      return execSync(cmd, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return '?';
    }
  };
  return sh('git rev-parse --short HEAD') + (sh('git status --porcelain -- src') ? '+dirty src/' : '');
}

async function measureScale(scale: number): Promise<ScaleResult> {
  const commit = gitCommit();
  const loadStart = load1();
  const corpus = await ensureCorpus({ scale, archiveDir: join(ROOT, 'data'), workDir: WORK, log });
  const indexDir = join(WORK, `index-x${scale}`);
  // A fresh directory: the build must not reuse an earlier generation (incremental re-indexing).
  await rm(indexDir, { recursive: true, force: true });

  log(`×${scale}: building the index of ${corpus.dataDir}`);
  const build = (await runChild<BuildOut>('build.ts', [corpus.dataDir, indexDir], { nodeFlags: BUILD_FLAGS })).result;
  log(`×${scale}: built ${build.reports} reports in ${(build.wallMs / 1000).toFixed(1)} s (CPU ${(build.cpuMs / 1000).toFixed(1)} s), peak RSS ${build.maxRssMb.toFixed(0)} MB`);
  const indexMb = (await indexBytes(indexDir)) / 2 ** 20;

  const cold: number[] = [];
  let coldOpen: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    let answered = 0;
    const t0 = performance.now();
    const { result } = await runChild<ColdOut>('cold.ts', [indexDir], { onFirstLine: () => (answered = performance.now()) });
    cold.push(answered - t0);
    coldOpen.push(result.openMs);
  }
  log(`×${scale}: cold start ${cold.map((c) => c.toFixed(0)).join(', ')} ms`);

  const runs = runsFor(scale);
  log(`×${scale}: queries, ${runs} runs per class`);
  const q = (await runChild<QueriesOut>('queries.ts', [indexDir, '--runs', String(runs), '--source', corpus.dataDir])).result;
  return {
    scale,
    commit,
    load: [loadStart, load1()],
    reports: build.reports,
    chars: q.chars,
    textMb: q.utf8Bytes / 1e6,
    buildMs: build.wallMs,
    buildCpuMs: build.cpuMs,
    peakRssMb: build.maxRssMb,
    indexMb,
    coldStartMs: median(cold),
    coldStartRuns: cold,
    coldOpenMs: median(coldOpen),
    servingRssMb: q.servingRssMb,
    servingMaxRssMb: q.servingMaxRssMb,
    runs: q.runs,
    filter: q.filter,
    cacheCleared: q.cacheCleared,
    measuredAt: new Date().toISOString(),
    buildFlags: BUILD_FLAGS.join(' '),
    queries: q.queries,
  };
}

function environment(): Environment {
  const sh = (cmd: string) => {
    try {
      return execSync(cmd, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return '?';
    }
  };
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? '?';
  const version = (pkg: string) => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  return {
    cpu: model,
    cores: cpus().length,
    memoryGb: totalmem() / 2 ** 30,
    os: `${osType()} ${release()}`,
    node: process.version,
    npm: sh('npm -v'),
    minisearch: version('minisearch'),
    nodejieba: version('nodejieba'),
    buildFlags: BUILD_FLAGS.join(' '),
  };
}

async function loadResults(): Promise<ScaleResult[]> {
  try {
    return JSON.parse(await readFile(RESULTS_JSON, 'utf8')) as ScaleResult[];
  } catch {
    return [];
  }
}

async function writeResults(results: ScaleResult[], command: string): Promise<void> {
  results.sort((a, b) => a.scale - b.scale);
  await writeFile(RESULTS_JSON, JSON.stringify(results, null, 2) + '\n');
  const analysis = await readFile(ANALYSIS_MD, 'utf8').catch(() => null);
  await writeFile(RESULTS_MD, renderResults({ results, env: environment(), command, analysis }));
}

/** Top functions by self time in a .cpuprofile. */
function profileSummary(file: string, top = 20): string {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  let total = 0;
  for (const n of prof.nodes) {
    const t = self.get(n.id) ?? 0;
    total += t;
    const where = n.callFrame.url ? `${n.callFrame.url.replace(/^.*\/(src|node_modules|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + t);
  }
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`)
    .join('\n');
}

async function profile(scale: number, name: string): Promise<void> {
  const indexDir = join(WORK, `index-x${scale}`);
  const dir = join(WORK, 'prof');
  await mkdir(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  log(`×${scale}: profiling ${name}`);
  await runChild('queries.ts', [indexDir, '--runs', String(runsFor(scale)), '--only', name, '--no-brute'], {
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
  });
  const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  if (!file) throw new Error('bench: no .cpuprofile written');
  console.log(`${join(dir, file)}\n${profileSummary(join(dir, file))}`);
}

const PARTS = ['ours', 'anchors', ...ENGINE_NAMES] as const;
type Part = (typeof PARTS)[number];

/** The engines a run measures: `anchors` means the installed ones of Groonga and FTS5; OpenSearch only when named. */
function enginesOf(parts: Set<Part>): EngineName[] {
  return ENGINE_NAMES.filter((e) => parts.has(e) || (parts.has('anchors') && e !== 'opensearch'));
}

/** Puts engine results into a scale's entry, replacing earlier ones of the same engine. */
function withEngines(r: ScaleResult, engines: ScaleResult['engines']): ScaleResult {
  const fresh = new Set((engines ?? []).map((e) => e.engine));
  return { ...r, engines: [...(r.engines ?? []).filter((e) => !fresh.has(e.engine)), ...(engines ?? [])] };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      profile: { type: 'string' },
      report: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
    },
  });
  const scales = values.scale?.length ? values.scale.map(Number) : values.quick ? [1, 10] : [1, 10, 100];
  for (const s of scales) if (!Number.isInteger(s) || s < 1) throw new Error(`bench: --scale takes a whole number ≥ 1, not ${s}`);
  const parts = new Set<Part>((values.only?.length ? values.only : ['ours', 'anchors']) as Part[]);
  for (const p of parts) if (!PARTS.includes(p)) throw new Error(`bench: --only takes ${PARTS.join(', ')}, not ${p}`);
  if (values.profile) {
    await profile(scales[scales.length - 1], values.profile);
    return;
  }
  const command = 'npm run bench';
  if (values.report) {
    const results = await loadResults();
    await writeResults(results, command);
    console.log(summaryTable(results));
    return;
  }
  await mkdir(WORK, { recursive: true });
  const t0 = performance.now();
  let results = await loadResults();
  const engines = enginesOf(parts);
  for (const scale of scales) {
    const before = results.find((x) => x.scale === scale);
    let entry = before;
    if (parts.has('ours')) {
      // Our side measured again: the other engines' rows of this scale stay.
      entry = withEngines(await measureScale(scale), before?.engines);
      results = [...results.filter((x) => x.scale !== scale), entry];
      await writeResults(results, command);
    }
    if (engines.length && scale === 1) {
      log('×1: the anchors and OpenSearch read the JSONL corpora of ×10 and up; skipped at ×1');
    } else if (engines.length) {
      if (!entry) throw new Error(`bench: ×${scale} has no results of ours yet to compare with — run npm run bench -- --scale ${scale} first`);
      const corpus = await ensureCorpus({ scale, archiveDir: join(ROOT, 'data'), workDir: WORK, log });
      const measured = await measureEngines({ which: engines, scale, corpusDir: corpus.dataDir, workDir: WORK, runs: runsFor(scale), filter: entry.filter, ours: entry });
      const commit = gitCommit();
      entry = withEngines(entry, measured.map((e) => ({ ...e, commit })));
      results = [...results.filter((x) => x.scale !== scale), entry];
      await writeResults(results, command);
    }
    log(`×${scale}: done, ${((performance.now() - t0) / 60000).toFixed(1)} min so far`);
  }
  console.log(summaryTable(results));
  // Ours against the other engines, per measure and per class, for the scales just measured.
  for (const r of results.filter((x) => scales.includes(x.scale) && x.engines?.length)) {
    console.log(`\n×${r.scale}\n\n${enginesTable(r)}\n\n${enginesQueryTable(r)}`);
  }
  log(`wrote ${RESULTS_JSON} and ${RESULTS_MD}`);
}

main().catch((err: Error) => {
  log(err.message);
  process.exitCode = 1;
});
