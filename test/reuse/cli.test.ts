/** `report-search reuse`: the corpus-wide pass as CSV over a real index of the sample archive. */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureIndex, report, type FixtureIndex } from '../helpers/fixture-index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let fx: FixtureIndex;
beforeAll(async () => {
  fx = await buildFixtureIndex();
});
afterAll(() => fx?.cleanup());

const core = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '');

describe('report-search reuse', () => {
  it('writes every pair with at least --min-chars shared, earlier as source, texts as the reports hold them', async () => {
    const out = join(fx.indexDir, 'pairs.csv');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'reuse', '--index', fx.indexDir, '--min-chars', '40', '--out', out], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const raw = await readFile(out, 'utf8');
    expect(raw.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(raw.slice(1), { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(Number(r['共用字数'])).toBeGreaterThanOrEqual(40);
      if (!r['先后不明']) expect(`${r['来源年份']}${r['来源日期']}` <= `${r['后出年份']}${r['后出日期']}`).toBe(true);
      for (const side of ['来源', '后出']) {
        const paragraph = (await report(fx.engine, r[`${side}报告`])).text.split('\n')[Number(r[`${side}段落`]) - 1];
        expect(paragraph).toContain(r[`${side}文字`]);
      }
      // both sides share their letters and digits for the most part (exact runs, small edits between)
      expect(core(r['来源文字']).length).toBeGreaterThanOrEqual(40);
    }
  });
});
