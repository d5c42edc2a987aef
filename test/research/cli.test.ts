/**
 * The research commands of the CLI on the sample archive, in this process:
 * the same numbers and lines as the engine answers, CSV files with a BOM that
 * csv-parse reads back, and the web's validation messages.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runExport } from '../../src/cli/export.js';
import { runKwic } from '../../src/cli/kwic.js';
import { runTrend } from '../../src/cli/trend.js';
import { kwicPage } from '../../src/research/kwic.js';
import { toQuery } from '../../src/research/params.js';
import { trend } from '../../src/research/trend.js';
import { buildFixtureIndex, search, type FixtureIndex } from '../helpers/fixture-index.js';

let fx: FixtureIndex;
let out: string;
beforeAll(async () => {
  fx = await buildFixtureIndex();
  out = await mkdtemp(join(tmpdir(), 'rs-cli-research-'));
}, 120_000);
afterAll(async () => {
  await fx?.cleanup();
  await rm(out, { recursive: true, force: true });
});

async function printed(run: () => Promise<number>): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await run()).toBe(0);
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  return lines.join('\n');
}

const none = { regions: [], years: [] };

describe('report-search trend / kwic / export', () => {
  it('trend --json is the API shape with the engine numbers; two terms give two series', async () => {
    const one = JSON.parse(await printed(() => runTrend(['三项制度', '--by', 'region', '--json', '--index', fx.indexDir])));
    expect(one).toEqual(await trend(fx.engine, '三项制度', toQuery('三项制度'), none, 'region'));
    const two = JSON.parse(await printed(() => runTrend(['三项制度', '法治', '--json', '--index', fx.indexDir])));
    expect(two.map((t: any) => t.query)).toEqual(['三项制度', '法治']);
    const table = await printed(() => runTrend(['三项制度', '--index', fx.indexDir]));
    expect(table).toMatch(/2024\s+2\s+2\s+100\.0%\s+3\s+3\.87/);
  });

  it('kwic prints a page with 【】 marks; --csv writes every line to a file', async () => {
    const page = await kwicPage(fx.engine, { q: '法治', query: toQuery('法治'), filters: none, context: 30, sort: 'left' }, 1, 5);
    const text = await printed(() => runKwic(['法治', '--sort', 'left', '--size', '5', '--index', fx.indexDir]));
    expect(text.split('\n')[0]).toBe(`共 ${page.total} 处，第 1–5 处`);
    page.hits.forEach((h, i) => expect(text.split('\n')[i + 1]).toContain(`${h.left} 【${h.match}】 ${h.right}`));
    const file = join(out, 'kwic.csv');
    await printed(() => runKwic(['法治', '--csv', '--out', file, '--base-url', 'http://example.test:8080/', '--index', fx.indexDir]));
    const buf = await readFile(file);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(buf, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(page.total);
    expect(rows[0]['链接']).toMatch(/^http:\/\/example\.test:8080\/doc\/.+\?q=%E6%B3%95%E6%B2%BB#p-\d+$/);
  });

  it('export writes every hit of a search as CSV; bad options are refused with the web messages', async () => {
    const file = join(out, 'search.csv');
    await printed(() => runExport(['法治', '--year', '2026', '--out', file, '--index', fx.indexDir]));
    const rows = parse(await readFile(file), { bom: true, columns: true }) as Record<string, string>[];
    const all = await search(fx.engine, { q: '法治', years: [2026], size: 100 });
    expect(rows.map((r) => r['报告编号'])).toEqual(all.hits.map((h) => h.id));
    await expect(runKwic(['法治', '--context', '5', '--index', fx.indexDir])).rejects.toThrow('参数 context 必须是 10 到 100 之间的整数');
    await expect(runTrend(['法治', '--by', 'month', '--index', fx.indexDir])).rejects.toThrow(/by 只能是/);
    await expect(runExport(['法治', '--csv', '--jsonl', '--index', fx.indexDir])).rejects.toThrow(/只能选一个/);
  });
});
