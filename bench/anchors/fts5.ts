/**
 * Anchor: SQLite FTS5 with the `trigram` tokenizer (through better-sqlite3),
 * the substring index SQLite ships, on the same corpus and query classes.
 *
 * Schema: `meta` (title, province, year, issuer; an index on province, year)
 * and `fts` (the content, tokenize='trigram', content stored in FTS5's own
 * table); the build loads every row in one transaction per JSONL file, then
 * merges the index b-trees (`optimize`).
 *
 * FTS5's trigram tokenizer cannot match a term shorter than three characters
 * (such a MATCH returns no row). Its documentation's answer is LIKE/GLOB on the
 * FTS5 table: patterns of three or more characters are answered from the
 * trigram index, shorter ones by a scan of the stored texts. So a term of three
 * or more characters is a quoted MATCH phrase (ranked by `bm25`), a shorter one
 * `content LIKE '%term%'`; a query of short terms only is a scan, unranked.
 *
 * Per query: the hit ids (with bm25 when a MATCH is part of it) into a temp
 * table; then the count, the counts by province, year and issuer (up to 100
 * each), and the top 10 with a snippet. Measured in one fresh process per step
 * (bench/anchors/fts5-child.ts), like ours.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { BENCH, load1, log, median, runChild } from '../child.js';
import type { BenchQuery } from '../queries.js';
import type { EngineQuery, EngineResult } from '../report.js';
import { pathBytes } from './common.js';
import type { AnchorContext } from './groonga.js';

const COLD_RUNS = 3;

/**
 * The part of better-sqlite3's API used here. better-sqlite3 is optional (not a
 * dependency: `.ci/run` does not install it), so it is loaded at run time and
 * typed by this interface rather than by @types/better-sqlite3.
 */
export interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  raw(): Statement;
}
export interface Db {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string): unknown;
  transaction(fn: () => void): () => void;
  close(): void;
}
export type DbConstructor = new (path: string) => Db;

/** better-sqlite3's constructor; throws when it is not installed. */
export function loadSqlite(): DbConstructor {
  return createRequire(import.meta.url)('better-sqlite3') as DbConstructor;
}
const CHILD = join(BENCH, 'anchors', 'fts5-child.ts');

/** null when better-sqlite3 loads, else why not (Chinese, then English). */
export function fts5Missing(): string | null {
  try {
    loadSqlite();
    return null;
  } catch (e) {
    return `未安装 better-sqlite3，跳过 SQLite FTS5（npm install --no-save better-sqlite3）/ better-sqlite3 not installed, SQLite FTS5 skipped (${(e as Error).message.split('\n')[0]})`;
  }
}

/** How a class is asked of FTS5: the MATCH expression (null: none) and the LIKE patterns. */
export function fts5Plan(terms: string[]): { match: string | null; likes: string[] } {
  // Code points, not UTF-16 units: the tokenizer counts characters.
  const long = terms.filter((t) => [...t].length >= 3);
  const short = terms.filter((t) => [...t].length < 3);
  return {
    match: long.length ? long.map((t) => `"${t.replaceAll('"', '""')}"`).join(' AND ') : null,
    likes: short.map((t) => {
      if (/[%_]/.test(t)) throw new Error(`bench: fts5: a LIKE pattern cannot hold ${t} (% and _ are wildcards)`);
      return `%${t}%`;
    }),
  };
}

export interface Fts5Query {
  name: string;
  sql: string;
  params: Array<string | number>;
  ranked: boolean;
  /** A term to cut a snippet around when FTS5's snippet() is not available (no MATCH). */
  snippetTerm: string;
}

/**
 * The statement that fills the temp table `hits(id, score)` for a class. The
 * plans are pinned, as a careful SQLite user would write them: left to itself
 * the planner joins `meta` first and runs the full-text query once per
 * filtered report (1.3 s for `行政执法 公示` with the filter at ×10).
 * - no filter, a MATCH: the matches (and their bm25) in a materialised CTE,
 *   the LIKE of the short terms on those rows only;
 * - no filter, LIKE only: a scan of the stored texts;
 * - with the filter (1–3 % of the reports): the filtered reports from `meta`'s
 *   index, each one's text fetched by rowid and every term tested with LIKE —
 *   faster than the trigram index there (at ×100 `行政执法 公示` took 653 ms
 *   as MATCH-then-filter), but unranked.
 */
export function fts5Query(q: BenchQuery): Fts5Query {
  const { match, likes } = fts5Plan(q.terms);
  const params: Array<string | number> = [];
  let sql: string;
  if (q.filter) {
    const all = q.terms.map((t) => fts5Plan([t]).likes[0] ?? `%${t}%`);
    params.push(q.filter.region, q.filter.year, ...all);
    sql =
      'INSERT INTO hits SELECT id, 0 FROM (SELECT m.id AS id, (SELECT content FROM fts WHERE fts.rowid = m.id) AS c FROM meta m WHERE m.province = ? AND m.year = ?) ' +
      `WHERE ${all.map(() => 'c LIKE ?').join(' AND ')}`;
    return { name: q.name, sql, params, ranked: false, snippetTerm: q.terms[0] };
  }
  if (match) {
    params.push(match, ...likes);
    const like = likes.map(() => ' AND content LIKE ?').join('');
    sql = `WITH h AS MATERIALIZED (SELECT rowid AS id, bm25(fts) AS score FROM fts WHERE fts MATCH ?${like}) INSERT INTO hits SELECT h.id, h.score FROM h`;
  } else {
    params.push(...likes);
    sql = `INSERT INTO hits SELECT rowid, 0 FROM fts WHERE ${likes.map(() => 'content LIKE ?').join(' AND ')}`;
  }
  return { name: q.name, sql, params, ranked: !!match, snippetTerm: q.terms[0] };
}

export interface Fts5Answer {
  total: number;
  facets: { province: Array<[string, number]>; year: Array<[number, number]>; issuer: Array<[string, number]> };
  top: Array<{ id: number; title: string; snippet: string }>;
}

/** Runs one class on an open database: the same work per query as the Groonga select. */
export function fts5Search(db: Db, q: Fts5Query): Fts5Answer {
  db.exec('DELETE FROM hits');
  db.prepare(q.sql).run(...q.params);
  const total = (db.prepare('SELECT count(*) AS n FROM hits').get() as { n: number }).n;
  const facet = <K>(col: string) =>
    (db.prepare(`SELECT m.${col} AS k, count(*) AS n FROM hits h JOIN meta m ON m.id = h.id GROUP BY m.${col} ORDER BY n DESC LIMIT 100`).raw().all() as Array<[K, number]>);
  const facets = { province: facet<string>('province'), year: facet<number>('year'), issuer: facet<string>('issuer') };
  const top = db.prepare('SELECT h.id AS id, m.title AS title FROM hits h JOIN meta m ON m.id = h.id ORDER BY h.score, h.id LIMIT 10').all() as Array<{ id: number; title: string }>;
  const snippets = new Map<number, string>();
  const ids = top.map((t) => t.id);
  if (ids.length && q.ranked) {
    const match = q.params[0] as string;
    const rows = db
      // The ids inline, not bound: with a bound `rowid IN (?)` (or `rowid = ?`) FTS5 takes 0.3–0.9 s for one
      // snippet at ×10; with literal ids 1–2 ms a snippet. They are integers read from the database.
      .prepare(`SELECT rowid AS id, snippet(fts, 0, '<mark>', '</mark>', '…', 24) AS s FROM fts WHERE fts MATCH ? AND rowid IN (${ids.map((id) => Math.trunc(id)).join(',')})`)
      .all(match) as Array<{ id: number; s: string }>;
    for (const r of rows) snippets.set(r.id, r.s);
  } else if (ids.length) {
    const rows = db
      .prepare(`SELECT rowid AS id, substr(content, max(1, instr(content, ?) - 40), 100) AS s FROM fts WHERE rowid IN (${ids.map(() => '?').join(',')})`)
      .all(q.snippetTerm, ...ids) as Array<{ id: number; s: string }>;
    for (const r of rows) snippets.set(r.id, r.s);
  }
  return { total, facets, top: top.map((t) => ({ ...t, snippet: snippets.get(t.id) ?? '' })) };
}

interface BuildOut {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  reports: number;
  sqlite: string;
}
interface QueriesOut {
  servingRssMb: number;
  queries: Record<string, EngineQuery>;
}

export async function measureFts5(ctx: AnchorContext): Promise<EngineResult> {
  const { scale, corpusDir, workDir, runs, filter } = ctx;
  const loadStart = load1();
  const db = join(workDir, `fts5-x${scale}.sqlite`);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) await rm(f, { force: true });

  log(`×${scale} fts5: building`);
  const build = (await runChild<BuildOut>(CHILD, ['build', corpusDir, db])).result;
  const indexMb = (await pathBytes(db)) / 2 ** 20;
  log(`×${scale} fts5: ${build.reports} reports in ${(build.wallMs / 1000).toFixed(1)} s (CPU ${(build.cpuMs / 1000).toFixed(1)} s), peak RSS ${build.maxRssMb.toFixed(0)} MB, ${indexMb.toFixed(0)} MB`);

  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    let answered = 0;
    const t0 = performance.now();
    await runChild(CHILD, ['cold', db], { onFirstLine: () => (answered = performance.now()) });
    cold.push(answered - t0);
  }
  log(`×${scale} fts5: start → first answer ${cold.map((c) => c.toFixed(0)).join(', ')} ms`);

  const q = (await runChild<QueriesOut>(CHILD, ['queries', db, '--runs', String(runs), '--region', filter.region, '--year', String(filter.year)])).result;
  return {
    engine: 'fts5',
    label: 'SQLite FTS5',
    kind: 'anchor',
    version: `SQLite ${build.sqlite} FTS5, tokenize='trigram', better-sqlite3, in process`,
    reports: build.reports,
    buildMs: build.wallMs,
    buildCpuMs: build.cpuMs,
    peakRssMb: build.maxRssMb,
    indexMb,
    coldStartMs: median(cold),
    coldStartRuns: cold,
    servingRssMb: q.servingRssMb,
    runs,
    filter,
    measuredAt: new Date().toISOString(),
    load: [loadStart, load1()],
    notes: [
      'Latency is `performance.now()` around the whole answer in the process that holds the database (like ours): hit ids into a temp table, the count, counts by province, year and issuer (up to 100 each), the top 10 with a snippet. No facet is disjunctive; no ranking by words.',
      'Terms of three or more characters: `fts MATCH \'"term"\'` (substring containment through the trigram index, ranked by bm25). Shorter terms (发展, 湟中, 公示, 新县) cannot be matched by the trigram index: `content LIKE \'%term%\'` on the FTS5 table, as its documentation advises — answered by reading every stored text and without a rank (ordered by rowid). With the filter every term is a LIKE over the filtered reports\' texts (found through an index on province, year), unranked: faster there than the trigram index.',
      'No normalisation beyond ASCII case folding: no NFKC, no Traditional → Simplified (ours does both); the hit counts below are checked against ours.',
      'Build: one transaction per JSONL file, journal_mode=WAL, synchronous=NORMAL, then `optimize` (one b-tree per index) and a WAL checkpoint. Start → first answer: Node (with tsx, as ours) + opening the database + the `发展` query.',
    ],
    queries: q.queries,
  };
}
