/**
 * Traditional ↔ Simplified: a report written in Traditional characters is
 * found by a Simplified query (and the reverse), and the highlight lands on
 * the Traditional characters the reader sees.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OpenCC from 'opencc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import type { Engine } from '../../src/search/engine.js';
import { openEngine } from '../../src/search/open.js';
import { passageHtml } from '../../src/web/html.js';
import { search } from '../helpers/fixture-index.js';

const SIMPLIFIED = '湟中区卫生健康局2024年法治政府建设情况报告\n全面落实行政执法“三项制度”，推进法治政府建设。\n湟中区卫生健康局\n2025年1月6日';
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

let work: string;
let engine: Engine;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-trad-'));
  await mkdir(join(work, 'data'));
  await writeFile(join(work, 'data', 'traditional.txt'), toTraditional(SIMPLIFIED));
  await writeFile(join(work, 'data', 'simplified.txt'), SIMPLIFIED.replace('湟中区', '大通县'));
  await buildIndex({ dataDir: join(work, 'data'), indexDir: join(work, 'index') });
  engine = await openEngine(join(work, 'index'));
});
afterAll(async () => {
  engine.close();
  await rm(work, { recursive: true, force: true });
});

describe('Traditional and Simplified Chinese find each other', () => {
  it('the fixture really is in Traditional characters', () => {
    expect(toTraditional(SIMPLIFIED)).toContain('衛生健康局');
    expect(toTraditional(SIMPLIFIED)).toContain('三項制度');
  });

  it.each(['三项制度', '三項制度', '卫生健康局', '衛生健康局', '法治政府建设'])('%s finds both reports', async (q) => {
    const res = await search(engine, { q });
    expect(res.hits.map((h) => h.id).sort()).toEqual(['simplified', 'traditional']);
  });

  it('marks the Traditional characters as written', async () => {
    const hit = (await search(engine, { q: '三项制度' })).hits.find((h) => h.id === 'traditional')!;
    const marks = hit.passages.flatMap((p) => [...passageHtml(p).matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]));
    expect(marks).toEqual(['三項制度']);
  });
});
