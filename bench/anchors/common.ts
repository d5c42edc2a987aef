/**
 * What every anchor shares: the corpus as the anchors read it (the benchmark's
 * JSONL rows, the same files our build ingests), the filter of the `+filter`
 * classes, and process measurements read from /proc for engines that run as
 * their own servers.
 */
import { createServer } from 'node:net';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Filter } from '../queries.js';

/** One report of a benchmark corpus, as bench/corpus.ts writes it. */
export interface CorpusRow {
  title: string;
  content: string;
  province: string;
  city: string | null;
  county: string | null;
  year: number;
  date: string;
  issuer: string;
  url: string;
}

/** The corpus's JSONL files in order (the order our build numbers reports in). */
export async function corpusFiles(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((n) => n.endsWith('.jsonl'))
    .sort()
    .map((n) => join(dir, n));
}

/** Rows of one JSONL file. */
export async function readRows(file: string): Promise<CorpusRow[]> {
  const out: CorpusRow[] = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) if (line.trim()) out.push(JSON.parse(line) as CorpusRow);
  return out;
}

/**
 * The filter of the `+filter` classes as the query child picks it from our
 * facets: the province with the most reports (ties in Chinese collation, 全国
 * excluded) and FILTER_YEAR.
 */
export async function corpusFilter(dir: string, year: number): Promise<Filter> {
  const counts = new Map<string, number>();
  for (const f of await corpusFiles(dir)) for (const r of await readRows(f)) counts.set(r.province, (counts.get(r.province) ?? 0) + 1);
  const [region] = [...counts]
    .filter(([p]) => p !== '全国')
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'zh-Hans-CN'))
    .map(([p]) => p);
  return { region, year };
}

/** Bytes of every file under a path. */
export async function pathBytes(path: string): Promise<number> {
  const st = await stat(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of await readdir(path)) total += await pathBytes(join(path, e));
  return total;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system) and memory of another process, from /proc. */
export async function procStats(pid: number): Promise<{ cpuMs: number; rssMb: number; peakRssMb: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { cpuMs, rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
