/**
 * Anchor: Groonga (Debian's groonga-bin), the C full-text engine built for
 * CJK text, on the same corpus and query classes as ours.
 *
 * Set-up as Groonga's documentation recommends for Chinese and Japanese text:
 * a `TokenBigram` lexicon with `NormalizerAuto` (NFKC, lower case), an index
 * column `WITH_POSITION` so a quoted phrase is a substring (bigrams at
 * consecutive positions), the index created after loading (static indexing,
 * Groonga's fast path), metadata as reference columns with their own indexes
 * for filters and drilldowns. Served by `groonga -s --protocol http` on
 * loopback with the query cache off (`--cache-limit 0`) and match escalation
 * off (a query with no hits must not be widened to partial matches).
 *
 * Per query: the number of hits, the top 10 by Groonga's score with a
 * `snippet_html` of the content, and drilldowns (counts) by province, year
 * and issuer over the filtered hits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { allQueries, quantile, type BenchQuery, type Filter } from '../queries.js';
import type { EngineQuery, EngineResult } from '../report.js';
import { load1, log, median } from '../child.js';
import { corpusFiles, freePort, pathBytes, procStats, readRows, sleep } from './common.js';

const COLD_RUNS = 3;
/** Rows per `load` request (~6 MB of JSON at 20 k characters a report). */
const LOAD_BATCH = 100;

/** null when groonga can be run, else why not (Chinese, then English). */
export function groongaMissing(): string | null {
  const r = spawnSync('groonga', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    return '未安装 Groonga，跳过（Debian：apt-get install -y groonga-bin）/ Groonga not installed, skipped (Debian: apt-get install -y groonga-bin)';
  }
  return null;
}

function groongaVersion(): string {
  const r = spawnSync('groonga', ['--version'], { encoding: 'utf8' });
  return /Groonga (\S+)/.exec(r.stdout)?.[1] ?? '?';
}

class GroongaServer {
  readonly base: string;
  private exited = false;
  private constructor(
    readonly proc: ChildProcess,
    port: number,
  ) {
    this.base = `http://127.0.0.1:${port}/d`;
    proc.on('exit', () => (this.exited = true));
  }

  /** Starts `groonga -s --protocol http` on `db` (`create`: a new database). */
  static async start(db: string, create: boolean): Promise<GroongaServer> {
    const port = await freePort();
    const args = [...(create ? ['-n'] : []), '-s', '--protocol', 'http', '--bind-address', '127.0.0.1', '-p', String(port), '--cache-limit', '0', '--log-path', `${dirname(db)}.log`, db];
    const proc = spawn('groonga', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return new GroongaServer(proc, port);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Polls until `path` answers (the server is up); resolves with the answer. */
  async waitFor(path: string, pollMs = 2): Promise<unknown> {
    for (;;) {
      if (this.exited) throw new Error(`bench: groonga exited before answering (log: see its --log-path)`);
      try {
        return await this.get(path);
      } catch (e) {
        if (!/ECONNREFUSED|fetch failed/.test(String((e as Error).cause ?? e))) throw e;
        await sleep(pollMs);
      }
    }
  }

  async get(path: string): Promise<any> {
    const res = await fetch(this.base + path);
    const body = (await res.json()) as [[number, number, number, string?], unknown];
    if (body[0][0] !== 0) throw new Error(`bench: groonga ${path.slice(0, 120)} failed: ${body[0][3] ?? body[0][0]}`);
    return body;
  }

  async cmd(name: string, params: Record<string, string>): Promise<any> {
    return this.get(`/${name}?${new URLSearchParams(params)}`);
  }

  async load(table: string, rows: object[]): Promise<void> {
    const res = await fetch(`${this.base}/load?${new URLSearchParams({ table })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rows),
    });
    const body = (await res.json()) as [[number, number, number, string?], number];
    if (body[0][0] !== 0 || body[1] !== rows.length) throw new Error(`bench: groonga load: ${body[0][3] ?? `${body[1]} of ${rows.length} rows loaded`}`);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise((r) => this.proc.once('exit', r));
    await fetch(`${this.base}/shutdown`).catch(() => undefined);
    await Promise.race([exit, sleep(10_000).then(() => this.proc.kill('SIGKILL'))]);
  }
}

const SCHEMA: Array<[string, Record<string, string>]> = [
  ['table_create', { name: 'Reports', flags: 'TABLE_NO_KEY' }],
  ['table_create', { name: 'Provinces', flags: 'TABLE_HASH_KEY', key_type: 'ShortText' }],
  ['table_create', { name: 'Years', flags: 'TABLE_PAT_KEY', key_type: 'UInt16' }],
  ['table_create', { name: 'Issuers', flags: 'TABLE_HASH_KEY', key_type: 'ShortText' }],
  ['column_create', { table: 'Reports', name: 'rid', flags: 'COLUMN_SCALAR', type: 'UInt32' }],
  ['column_create', { table: 'Reports', name: 'title', flags: 'COLUMN_SCALAR', type: 'ShortText' }],
  ['column_create', { table: 'Reports', name: 'content', flags: 'COLUMN_SCALAR', type: 'LongText' }],
  ['column_create', { table: 'Reports', name: 'province', flags: 'COLUMN_SCALAR', type: 'Provinces' }],
  ['column_create', { table: 'Reports', name: 'year', flags: 'COLUMN_SCALAR', type: 'Years' }],
  ['column_create', { table: 'Reports', name: 'issuer', flags: 'COLUMN_SCALAR', type: 'Issuers' }],
];
/** Created after the load: Groonga then builds each index in one pass (static indexing). */
const INDEXES: Array<[string, Record<string, string>]> = [
  ['table_create', { name: 'Terms', flags: 'TABLE_PAT_KEY', key_type: 'ShortText', default_tokenizer: 'TokenBigram', normalizer: 'NormalizerAuto' }],
  ['column_create', { table: 'Terms', name: 'content_index', flags: 'COLUMN_INDEX|WITH_POSITION', type: 'Reports', source: 'content' }],
  ['column_create', { table: 'Provinces', name: 'reports', flags: 'COLUMN_INDEX', type: 'Reports', source: 'province' }],
  ['column_create', { table: 'Years', name: 'reports', flags: 'COLUMN_INDEX', type: 'Reports', source: 'year' }],
];

/** Groonga's query syntax for a class: every term a quoted phrase, AND by default. */
function selectParams(q: BenchQuery): Record<string, string> {
  const params: Record<string, string> = {
    table: 'Reports',
    match_columns: 'content',
    query: q.terms.map((t) => `"${t}"`).join(' '),
    match_escalation_threshold: '-1',
    sort_keys: '-_score,_id',
    limit: '10',
    output_columns: 'rid,title,_score,snippet_html(content)',
    drilldown: 'province,year,issuer',
    drilldown_sort_keys: '-_nsubrecs',
    drilldown_limit: '100',
  };
  if (q.filter) params.filter = `province == ${JSON.stringify(q.filter.region)} && year == ${q.filter.year}`;
  return params;
}

/** Hits and Groonga's own elapsed time (ms) of one select. */
async function select(srv: GroongaServer, params: Record<string, string>): Promise<{ hits: number; serverMs: number }> {
  const body = await srv.cmd('select', params);
  return { hits: body[1][0][0][0] as number, serverMs: body[0][2] * 1000 };
}

export interface AnchorContext {
  scale: number;
  corpusDir: string;
  workDir: string;
  runs: number;
  filter: Filter;
}

export async function measureGroonga(ctx: AnchorContext): Promise<EngineResult> {
  const { scale, corpusDir, workDir, runs, filter } = ctx;
  const loadStart = load1();
  const dir = join(workDir, `groonga-x${scale}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const db = join(dir, 'db');

  // Build: server start → schema → load every row → indexes. The loader's CPU (reading and
  // re-serialising the JSONL) is counted with Groonga's.
  log(`×${scale} groonga: building`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let srv = await GroongaServer.start(db, true);
  let reports = 0;
  try {
    await srv.waitFor('/status');
    for (const [name, params] of SCHEMA) await srv.cmd(name, params);
    for (const file of await corpusFiles(corpusDir)) {
      const rows = (await readRows(file)).map((r) => ({ rid: reports++, title: r.title, content: r.content, province: r.province, year: r.year, issuer: r.issuer }));
      for (let i = 0; i < rows.length; i += LOAD_BATCH) await srv.load('Reports', rows.slice(i, i + LOAD_BATCH));
    }
    for (const [name, params] of INDEXES) await srv.cmd(name, params);
    await srv.cmd('io_flush', {});
  } catch (e) {
    await srv.stop();
    throw e;
  }
  const buildMs = performance.now() - t0;
  const loader = process.cpuUsage(cpu0);
  const built = await procStats(srv.pid);
  await srv.stop();
  const buildCpuMs = built.cpuMs + (loader.user + loader.system) / 1000;
  const indexMb = (await pathBytes(dir)) / 2 ** 20;
  log(`×${scale} groonga: ${reports} reports in ${(buildMs / 1000).toFixed(1)} s (CPU ${(buildCpuMs / 1000).toFixed(1)} s), peak RSS ${built.peakRssMb.toFixed(0)} MB, ${indexMb.toFixed(0)} MB`);

  // Start → first answer: a fresh server on the built database, polled until 发展 is answered.
  const first = new URLSearchParams(selectParams({ name: 'common', q: '发展', terms: ['发展'], kind: 'word', filter: null })).toString();
  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const t = performance.now();
    const s = await GroongaServer.start(db, false);
    await s.waitFor(`/select?${first}`, 1);
    cold.push(performance.now() - t);
    await s.stop();
  }
  log(`×${scale} groonga: start → first answer ${cold.map((c) => c.toFixed(0)).join(', ')} ms`);

  srv = await GroongaServer.start(db, false);
  const queries: Record<string, EngineQuery> = {};
  let servingRssMb: number;
  try {
    await srv.waitFor('/status');
    const classes = allQueries(filter);
    const firstMs: Record<string, number> = {};
    for (const q of classes) firstMs[q.name] = (await select(srv, selectParams(q))).serverMs;
    for (let w = 0; w < 3; w++) for (const q of classes) await select(srv, selectParams(q));
    for (const q of classes) {
      const params = selectParams(q);
      const server: number[] = [];
      const client: number[] = [];
      let hits = 0;
      for (let r = 0; r < runs; r++) {
        const t = performance.now();
        const res = await select(srv, params);
        client.push(performance.now() - t);
        server.push(res.serverMs);
        hits = res.hits;
      }
      queries[q.name] = {
        sent: `query=${params.query}${params.filter ? ` filter=${params.filter}` : ''}`,
        p50Ms: quantile(server, 0.5),
        p99Ms: quantile(server, 0.99),
        firstMs: firstMs[q.name],
        alt: { label: 'HTTP round trip', p50Ms: quantile(client, 0.5), p99Ms: quantile(client, 0.99) },
        hits,
      };
      log(`×${scale} groonga ${q.name}: p50 ${quantile(server, 0.5).toFixed(2)} ms (HTTP ${quantile(client, 0.5).toFixed(2)} ms), ${hits} hits`);
    }
    servingRssMb = (await procStats(srv.pid)).rssMb;
  } finally {
    await srv.stop();
  }

  return {
    engine: 'groonga',
    label: 'Groonga',
    kind: 'anchor',
    version: `Groonga ${groongaVersion()}: TokenBigram + NormalizerAuto, index WITH_POSITION built after the load; HTTP server, --cache-limit 0`,
    reports,
    buildMs,
    buildCpuMs,
    peakRssMb: built.peakRssMb,
    indexMb,
    coldStartMs: median(cold),
    coldStartRuns: cold,
    servingRssMb,
    runs,
    filter,
    measuredAt: new Date().toISOString(),
    load: [loadStart, load1()],
    notes: [
      'Latency is Groonga\'s own elapsed time (the response header), which leaves out HTTP; the round trip from Node over loopback is kept beside it.',
      'Each class is one `select`: hits, the top 10 by `_score` with `snippet_html(content)`, drilldowns by province, year and issuer (up to 100 each) over the filtered hits. Ours also ranks with jieba words and counts five facets, each with every filter but its own (disjunctive); Groonga\'s drilldowns count the hits only.',
      'Matching: every term a quoted phrase (`"三项制度"`), terms ANDed — bigrams at consecutive positions, i.e. substring containment after NormalizerAuto (NFKC, lower case; no Traditional → Simplified, which ours does). Match escalation off.',
      'Build: server start → schema → `load` of every row (100 per request) → the index columns created after loading (static indexing) → `io_flush`. CPU is the server\'s plus the Node loader\'s; peak RSS is the server\'s. Index size: the database files (texts included, as ours).',
    ],
    queries,
  };
}
