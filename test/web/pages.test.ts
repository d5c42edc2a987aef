/**
 * Paged formats (issue 12): the report page marks where each page of the source
 * begins (第 N 页), a paragraph carries its page for the citation, and
 * /api/doc gives each paragraph's number and page — the pages the ingest read.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { ingestFolder } from '../../src/ingest/index.js';
import { openEngine } from '../../src/search/open.js';
import type { Engine } from '../../src/search/engine.js';
import type { ReportDocument } from '../../src/types.js';
import { createApp } from '../../src/web/app.js';
import { getJson, getPage, serve, type Served } from '../helpers/http.js';

const FORMATS = fileURLToPath(new URL('../../data/formats', import.meta.url));
let work: string;
let engine: Engine;
let srv: Served;
let docs: ReportDocument[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-pages-'));
  const data = join(work, 'data');
  await mkdir(data);
  for (const f of ['2026_福建省_政府工作报告_节选.pdf', '2026_甘肃省_政府工作报告_节选.ofd']) await copyFile(join(FORMATS, f), join(data, f));
  await buildIndex({ dataDir: data, indexDir: join(work, 'index') });
  engine = await openEngine(join(work, 'index'));
  srv = await serve(createApp({ handle: { current: () => engine } }));
  docs = (await ingestFolder(data)).docs;
});
afterAll(async () => {
  await srv?.close();
  engine?.close();
  await rm(work, { recursive: true, force: true });
});

describe('pages of paged formats', () => {
  it('the report page marks each new page, paragraphs carry their page, /api/doc gives number and page', async () => {
    expect(docs.length).toBe(2);
    for (const d of docs) {
      expect(d.pages?.length).toBe(d.text.split('\n').length);
      const api = (await getJson(srv.base, `/api/doc/${encodeURIComponent(d.id)}`)).body;
      expect(api.paragraphs.map((p: { page: number }) => p.page)).toEqual(d.pages);
      expect(api.paragraphs.map((p: { number: number }) => p.number)).toEqual(d.pages!.map((_, i) => i + 1));
      const { $ } = await getPage(srv.base, `/doc/${encodeURIComponent(d.id)}`);
      const starts = d.pages!.filter((p, i) => i === 0 || p !== d.pages![i - 1]);
      expect($('.page-mark').map((_, m) => $(m).text()).get()).toEqual(starts.map((p) => `第 ${p} 页`));
      $('.text > p').each((i, p) => expect(Number($(p).attr('data-page'))).toBe(d.pages![i]));
    }
    expect(docs.some((d) => new Set(d.pages).size > 1)).toBe(true); // a report over more than one page
  });
});
