/**
 * SQLite FTS5 child: one fresh process per step, printing one JSON line.
 *
 *   node --import tsx bench/anchors/fts5-child.ts build CORPUS_DIR DB
 *   node --import tsx bench/anchors/fts5-child.ts cold DB
 *   node --import tsx bench/anchors/fts5-child.ts queries DB --runs R --region P --year Y
 */
import { parseArgs } from 'node:util';
import { allQueries, quantile } from '../queries.js';
import type { EngineQuery } from '../report.js';
import { corpusFiles, readRows } from './common.js';
import { fts5Query, fts5Search, loadSqlite, type Db } from './fts5.js';

const Database = loadSqlite();

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '100' }, region: { type: 'string' }, year: { type: 'string' } },
});
const [mode, ...rest] = positionals;

function open(path: string): Db {
  const db = new Database(path);
  db.pragma('temp_store = MEMORY');
  db.exec('CREATE TEMP TABLE hits (id INTEGER, score REAL)');
  return db;
}

if (mode === 'build') {
  const [corpusDir, path] = rest;
  const t0 = performance.now();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE meta (id INTEGER PRIMARY KEY, title TEXT, province TEXT, year INTEGER, issuer TEXT);
    CREATE VIRTUAL TABLE fts USING fts5(content, tokenize = 'trigram');
  `);
  const meta = db.prepare('INSERT INTO meta (id, title, province, year, issuer) VALUES (?, ?, ?, ?, ?)');
  const text = db.prepare('INSERT INTO fts (rowid, content) VALUES (?, ?)');
  let id = 0;
  for (const file of await corpusFiles(corpusDir)) {
    const rows = await readRows(file);
    db.transaction(() => {
      for (const r of rows) {
        id++;
        meta.run(id, r.title, r.province, r.year, r.issuer);
        text.run(id, r.content);
      }
    })();
  }
  // The filter index is made after the load (one sort instead of 12,000 inserts), then the FTS5 b-trees are merged.
  db.exec('CREATE INDEX meta_province_year ON meta (province, year)');
  db.exec("INSERT INTO fts (fts) VALUES ('optimize')");
  db.pragma('wal_checkpoint(TRUNCATE)');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  const wallMs = performance.now() - t0;
  const ru = process.resourceUsage();
  console.log(JSON.stringify({ wallMs, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000, maxRssMb: ru.maxRSS / 1024, reports: id, sqlite }));
} else if (mode === 'cold') {
  const db = open(rest[0]);
  const a = fts5Search(db, fts5Query({ name: 'common', q: '发展', terms: ['发展'], kind: 'word', filter: null }));
  console.log(JSON.stringify({ hits: a.total, sinceStartMs: performance.now() }));
} else if (mode === 'queries') {
  const db = open(rest[0]);
  const runs = Number(values.runs);
  const classes = allQueries({ region: values.region!, year: Number(values.year) });
  const time = (f: () => unknown) => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  const firstMs: Record<string, number> = {};
  for (const q of classes) firstMs[q.name] = time(() => fts5Search(db, fts5Query(q)));
  for (let w = 0; w < 3; w++) for (const q of classes) fts5Search(db, fts5Query(q));
  const queries: Record<string, EngineQuery> = {};
  for (const q of classes) {
    const fq = fts5Query(q);
    const samples: number[] = [];
    let hits = 0;
    for (let r = 0; r < runs; r++) samples.push(time(() => (hits = fts5Search(db, fts5Query(q)).total)));
    queries[q.name] = {
      sent: `${fq.sql.replace('INSERT INTO hits ', '')} — ${JSON.stringify(fq.params)}`,
      p50Ms: quantile(samples, 0.5),
      p99Ms: quantile(samples, 0.99),
      firstMs: firstMs[q.name],
      hits,
    };
    process.stderr.write(`  [fts5] ${q.name}: p50 ${quantile(samples, 0.5).toFixed(2)} ms, p99 ${quantile(samples, 0.99).toFixed(2)} ms, ${hits} hits\n`);
  }
  console.log(JSON.stringify({ servingRssMb: process.memoryUsage().rss / 2 ** 20, queries }));
} else {
  console.error('usage: fts5-child.ts build CORPUS_DIR DB | cold DB | queries DB --runs R --region P --year Y');
  process.exit(2);
}
