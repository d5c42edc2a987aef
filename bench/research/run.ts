/**
 * Research views benchmark: latency of the distribution (/api/trend, and the
 * whole /trend page's data), of the first KWIC page (/api/kwic, engine order
 * and sorted by left context) over real HTTP on a real index, and the memory
 * of a streamed export of 100,000 KWIC lines. Caches (term sets, sorted
 * lines) are cleared before every timed request: each is a first request.
 *
 *   node --expose-gc --import tsx bench/research/run.ts [--scale 10] [--scale 100] [--runs 15]
 *
 * Prints a JSON line per scale and writes bench/research/results.json;
 * RESULTS.md is written by hand from it (the machine is shared and noisy).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp } from '../../src/web/app.js';
import { openEngine } from '../../src/search/open.js';
import { clearKwicCache } from '../../src/research/kwic.js';
import { serve } from '../../test/helpers/http.js';
import { prepare } from './prepare.js';

const { values } = parseArgs({ options: { scale: { type: 'string', multiple: true }, runs: { type: 'string' } } });
const scales = (values.scale ?? ['10']).map(Number);
const RUNS = Number(values.runs ?? 15);
const OUT = fileURLToPath(new URL('./results.json', import.meta.url));
const log = (m: string) => process.stderr.write(`[bench/research] ${m}\n`);
const gc = (globalThis as unknown as { gc?: () => void }).gc ?? (() => undefined);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const results: Record<string, unknown> = JSON.parse(await readFile(OUT, 'utf8').catch(() => '{}'));

for (const scale of scales) {
  const { indexDir } = await prepare(scale);
  const engine = await openEngine(indexDir, { warm: false });
  await engine.warm();
  const srv = await serve(createApp({ handle: { current: () => engine } }));
  const get = async (path: string) => {
    const res = await fetch(srv.base + path);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
    return body;
  };
  const time = async (path: string) => {
    const ms: number[] = [];
    await get(path); // compile the code path once
    for (let i = 0; i < RUNS; i++) {
      engine.clearCaches();
      clearKwicCache();
      const t0 = performance.now();
      await get(path);
      ms.push(performance.now() - t0);
    }
    return { p50: +quantile(ms, 0.5).toFixed(1), p90: +quantile(ms, 0.9).toFixed(1), runs: RUNS };
  };
  const q = (s: string) => encodeURIComponent(s);
  const rows: Record<string, unknown> = { reports: engine.info.reports };
  for (const term of ['发展', '湟中']) {
    const total = JSON.parse(await get(`/api/kwic?q=${q(term)}&size=1`)).total;
    rows[term] = {
      occurrences: total,
      'trend by year': await time(`/api/trend?q=${q(term)}&by=year`),
      'trend by region': await time(`/api/trend?q=${q(term)}&by=region`),
      'trend page (/trend)': await time(`/trend?q=${q(term)}`),
      'kwic first page (engine order)': await time(`/api/kwic?q=${q(term)}`),
      'kwic first page, sort=left': total <= 100_000 ? await time(`/api/kwic?q=${q(term)}&sort=left`) : 'over the sort limit',
    };
    log(`×${scale} ${term}: ${JSON.stringify(rows[term])}`);
  }

  // Exports of 100,000 lines, each in a fresh process (its RSS is the server's alone): the most
  // frequent character, and a two-character word.
  rows.export = [];
  for (const term of ['的', '发展']) {
    const out: string = await new Promise((resolve, reject) =>
      execFile(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./export-child.ts', import.meta.url)), indexDir, term], { maxBuffer: 1 << 20 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    (rows.export as unknown[]).push(r);
    log(`×${scale} export: ${JSON.stringify(r)}`);
  }
  results[`x${scale}`] = { ...rows, at: new Date().toISOString() };
  console.log(JSON.stringify({ scale, ...rows }));
  await srv.close();
  engine.close();
}
await writeFile(OUT, JSON.stringify(results, null, 2) + '\n');
