/**
 * One export, measured in a fresh process: open the index, warm it, collect
 * garbage, then stream `/api/kwic?q=TERM&format=csv` to curl (another process)
 * while sampling this server's RSS every 10 ms. Prints one JSON line.
 *
 *   node --expose-gc --import tsx bench/research/export-child.ts INDEX_DIR TERM
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/web/app.js';
import { openEngine } from '../../src/search/open.js';
import { serve } from '../../test/helpers/http.js';

const [indexDir, term] = process.argv.slice(2);
const gc = (globalThis as unknown as { gc?: () => void }).gc ?? (() => undefined);
const engine = await openEngine(indexDir, { warm: false });
await engine.warm();
const srv = await serve(createApp({ handle: { current: () => engine } }));
const url = (extra: string) => `${srv.base}/api/kwic?q=${encodeURIComponent(term)}${extra}`;
await fetch(url('&size=1&context=10')).then((r) => r.text()); // load the route's code
gc();
await new Promise((r) => setTimeout(r, 300));
gc();
const base = process.memoryUsage().rss;
let peak = base;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
const file = join(tmpdir(), `rs-bench-export-${process.pid}.csv`);
const t0 = performance.now();
const headers: string = await new Promise((resolve, reject) =>
  execFile('curl', ['-s', '-D', '-', '-o', file, url('&format=csv')], (err, out) => (err ? reject(err) : resolve(out))),
);
const seconds = (performance.now() - t0) / 1000;
clearInterval(timer);
const csv = await readFile(file);
await rm(file);
let lines = 0;
for (let i = 0; i < csv.length; i++) if (csv[i] === 10) lines++;
const total = ((await fetch(url("&size=1")).then((r) => r.json())) as { total: number }).total;
console.log(
  JSON.stringify({
    term,
    totalOccurrences: total,
    limit: /^x-export-limit: (\d+)/im.exec(headers)?.[1] ?? null,
    lines: lines - 1,
    mb: +(csv.length / 2 ** 20).toFixed(1),
    seconds: +seconds.toFixed(2),
    rssBaseMb: +(base / 2 ** 20).toFixed(0),
    rssGrowthMb: +((peak - base) / 2 ** 20).toFixed(1),
  }),
);
await srv.close();
engine.close();
process.exit(0);
