/**
 * Encodings and bad input, with fixtures generated from the real seeds into a
 * temp folder: the same reports as GB18030 and UTF-16 ingest to identical
 * documents; binary, empty, whitespace-only files, a malformed CSV row, a
 * malformed JSONL line and a symlink outside the folder are skipped and reported.
 */
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, fileFingerprint, ingestFile, ingestFolder } from '../../src/ingest/index.js';
import { decodeBuffer } from '../../src/ingest/decode.js';
import type { IngestResult } from '../../src/types.js';

const SEEDS = 'test/fixtures/corpus/seeds';
const seedNames = readdirSync(SEEDS).sort();
const seedText = (name: string) => readFileSync(path.join(SEEDS, name), 'utf8');

let tmp: string;
const omit = <T extends { id: string; path: string }>(d: T) => ({ ...d, id: undefined, path: undefined });

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ingest-test-'));
  const enc = (dir: string, write: (name: string, text: string) => Buffer) => {
    mkdirSync(path.join(tmp, 'enc', dir), { recursive: true });
    for (const n of seedNames) writeFileSync(path.join(tmp, 'enc', dir, n), write(n, seedText(n)));
  };
  enc('utf8', (_, t) => Buffer.from(t, 'utf8'));
  enc('utf8bom', (_, t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]));
  enc('gb18030', (_, t) => iconv.encode(t, 'gb18030'));
  enc('utf16le', (_, t) => iconv.encode(t, 'utf-16le', { addBOM: true }));
  enc('utf16be', (_, t) => iconv.encode(t, 'utf-16be', { addBOM: true }));

  const bad = path.join(tmp, 'bad');
  mkdirSync(path.join(bad, 'sub'), { recursive: true });
  writeFileSync(path.join(bad, 'good.txt'), seedText(seedNames[1]));
  writeFileSync(path.join(bad, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe, 0x80, 0x81]));
  writeFileSync(path.join(bad, 'empty.txt'), '');
  writeFileSync(path.join(bad, 'blank.md'), ' \n\t\n\u3000 \r\n');
  writeFileSync(path.join(bad, 'picture.pdf'), '%PDF-1.4');
  writeFileSync(
    path.join(bad, 'rows.csv'),
    '\uFEFF标题,正文,年份,省份,市,区县,发布日期,链接\n' +
      '"湟中区卫生健康局2024年法治政府建设情况报告","第一段，\n有换行。\n\n第二段。",2024,青海省,西宁市,湟中区,2025-01-02,https://example.org/a\n' +
      '"多一列","x","2024","青海省","","","","","多余"\n' +
      '"第三行","正文三。",2023,,,,二〇二三年五月六日,\n',
  );
  writeFileSync(
    path.join(bad, 'sub', 'rows.jsonl'),
    '{"title":"关于2022年工作的报告","content":"正文一。","region":"福建省/福州市/鼓楼区"}\n' +
      '{"title": broken json\n' +
      '\n' +
      '["not","an","object"]\n' +
      '{"title":"没有正文"}\n' +
      '{"id":"x-9","title":"国务院关于2021年度工作的报告","text":"正文二。"}\n',
  );
  writeFileSync(path.join(bad, 'custom.csv'), 'name,body_text,yr\n甲报告,"甲的正文。",2020\n');
  writeFileSync(path.join(bad, 'custom.csv.mapping.json'), JSON.stringify({ title: 'name', text: 'body_text', year: 'yr' }));
  writeFileSync(path.join(bad, 'nocol.csv'), 'a,b\n1,2\n');
  writeFileSync(path.join(bad, 'dup.txt'), seedText(seedNames[1]));
  writeFileSync(path.join(bad, 'good.txt.meta.json'), JSON.stringify({ date: '2024-01-09', region: '四川省/达州市/通川区', docNumber: '达卫[2024]3号' }));
  writeFileSync(path.join(bad, 'userdict.txt'), '法治政府 10 n\n');
  const outside = path.join(tmp, 'outside.txt');
  writeFileSync(outside, seedText(seedNames[2]));
  symlinkSync(outside, path.join(bad, 'link-out.txt'));
  symlinkSync(path.join(bad, 'good.txt'), path.join(bad, 'sub', 'link-in.txt'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('decoding', () => {
  it('reads every encoding of the seeds to the same documents', async () => {
    const results: Record<string, IngestResult> = {};
    for (const dir of ['utf8', 'utf8bom', 'gb18030', 'utf16le', 'utf16be']) results[dir] = await ingestFolder(path.join(tmp, 'enc', dir));
    expect(results.utf8.docs).toHaveLength(5);
    expect(results.utf8.skipped).toEqual([]);
    for (const dir of ['utf8bom', 'gb18030', 'utf16le', 'utf16be']) {
      expect(results[dir].skipped).toEqual([]);
      expect(results[dir].docs).toEqual(results.utf8.docs); // same relative paths, so ids are equal too
    }
    expect(results.gb18030.docs[2].text).toContain('用习近平法治思想');
  });

  it('tells encodings apart in the documented order', () => {
    const t = '新县卫生健康委员会';
    expect(decodeBuffer(iconv.encode(t, 'gb18030'))).toEqual({ ok: true, text: t, encoding: 'gb18030' });
    expect(decodeBuffer(Buffer.from(t))).toEqual({ ok: true, text: t, encoding: 'utf-8' });
    expect(decodeBuffer(iconv.encode(t, 'utf-16be', { addBOM: true }))).toEqual({ ok: true, text: t, encoding: 'utf-16be' });
    expect(decodeBuffer(Buffer.from([0x00, 0x01, 0x02, 0xff, 0x80])).ok).toBe(false);
  });
});

describe('a folder with bad input', () => {
  let r: IngestResult;
  beforeAll(async () => {
    r = await ingestFolder(path.join(tmp, 'bad'));
  });

  it('skips each bad file or row with its path and a Chinese reason, and ingests the rest', () => {
    expect(r.skipped.map((s) => s.path)).toEqual([
      'binary.txt',
      'blank.md',
      'empty.txt',
      'link-out.txt',
      'nocol.csv',
      'picture.pdf',
      'rows.csv#row=2',
      'sub/rows.jsonl#row=2',
      'sub/rows.jsonl#row=3',
      'sub/rows.jsonl#row=4',
    ]);
    const reason = Object.fromEntries(r.skipped.map((s) => [s.path, s.reason]));
    expect(reason['empty.txt']).toBe('空文件');
    expect(reason['blank.md']).toBe('文件只有空白字符，没有内容');
    expect(reason['link-out.txt']).toBe('符号链接指向数据目录之外，已跳过');
    expect(reason['binary.txt']).toMatch(/二进制|编码/);
    expect(reason['rows.csv#row=2']).toContain('列数与表头不一致');
    expect(reason['sub/rows.jsonl#row=2']).toContain('不是有效的 JSON');
    expect(reason['sub/rows.jsonl#row=4']).toBe('找不到正文字段（content/text/full_text/body/正文）');
    expect(reason['nocol.csv']).toContain('mapping.json');
    for (const s of r.skipped) expect(s.reason).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('counts found files and reports the exact duplicates', () => {
    // good, binary, blank, empty, link-out, picture, rows.csv, custom.csv, nocol.csv, dup, sub/rows.jsonl, sub/link-in
    expect(r.found).toBe(12);
    expect(r.duplicates).toEqual([
      { path: 'good.txt', duplicateOf: 'dup' },
      { path: 'sub/link-in.txt', duplicateOf: 'dup' },
    ]);
    expect(r.docs.map((d) => d.id)).toEqual(['custom-r1', 'dup', 'rows-r1', 'rows-r3', 'sub-rows-r1', 'sub-rows-x-9']);
  });

  it('reads dataset columns, multi-line quoted fields and Chinese-numeral dates', () => {
    const row1 = r.docs.find((d) => d.id === 'rows-r1')!;
    expect(row1.text).toBe('第一段，有换行。\n第二段。');
    expect(row1.region).toEqual({ province: '青海省', city: '西宁市', county: '湟中区', code: '630106' });
    expect(row1).toMatchObject({ year: 2024, date: '2025-01-02', sourceUrl: 'https://example.org/a' });
    expect(row1.sources).toMatchObject({ title: 'dataset', region: 'dataset', year: 'dataset', date: 'dataset', sourceUrl: 'dataset' });
    const row3 = r.docs.find((d) => d.id === 'rows-r3')!;
    expect(row3).toMatchObject({ title: '第三行', date: '2023-05-06', year: 2023 });
    const j1 = r.docs.find((d) => d.id === 'sub-rows-r1')!;
    expect(j1.region).toEqual({ province: '福建省', city: '福州市', county: '鼓楼区', code: '350102' });
    expect(j1.year).toBe(2022);
    const j2 = r.docs.find((d) => d.id === 'sub-rows-x-9')!;
    expect(j2.region).toEqual({ province: '全国', city: null, county: null, code: null });
    expect(j2.year).toBe(2021);
  });

  it('uses a mapping sidecar for unusual column names', () => {
    const c = r.docs.find((d) => d.id === 'custom-r1')!;
    expect(c).toMatchObject({ title: '甲报告', text: '甲的正文。', year: 2020 });
  });

  it('lets a meta sidecar override fields', async () => {
    const { files } = await discover(path.join(tmp, 'bad'));
    const good = files.find((f) => f.path === 'good.txt')!;
    const { docs } = await ingestFile(path.join(tmp, 'bad'), good);
    expect(docs[0]).toMatchObject({
      id: 'good',
      date: '2024-01-09',
      year: 2023,
      docNumber: '达卫〔2024〕3号',
      region: { province: '四川省', city: '达州市', county: '通川区', code: '511702' },
    });
    expect(docs[0].sources).toMatchObject({ date: 'sidecar', region: 'sidecar', docNumber: 'sidecar', year: 'title' });
  });

  it('a meta sidecar clears a field with null and ignores, with a warning, values it cannot read', async () => {
    const dir = path.join(tmp, 'sidecar-null');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'r.txt'), readFileSync(path.join(SEEDS, '001_9142c4c7e365e737.txt')));
    writeFileSync(path.join(dir, 'r.txt.meta.json'), JSON.stringify({ year: null, date: '不是日期', region: '火星' }));
    const { files } = await discover(dir);
    const { docs } = await ingestFile(dir, files[0]);
    expect(docs[0].year).toBeNull();
    expect(docs[0].sources.year).toBeUndefined();
    expect(docs[0].date).toBe('2024-01-08');
    expect(docs[0].sources.date).not.toBe('sidecar');
    expect(docs[0].region).toMatchObject({ province: '四川省', city: '达州市' });
    expect(docs[0].warnings).toEqual(expect.arrayContaining(['元数据文件中的日期“不是日期”无法识别，已忽略', '元数据文件中的地区“火星”无法识别，已忽略']));
  });

  it('is deterministic and fingerprints bytes plus sidecars', async () => {
    const dir = path.join(tmp, 'bad');
    const { files } = await discover(dir);
    const good = files.find((f) => f.path === 'good.txt')!;
    const a = await ingestFile(dir, good);
    const b = await ingestFile(dir, good);
    expect(b).toEqual(a);
    const f1 = await fileFingerprint(dir, good);
    expect(await fileFingerprint(dir, good)).toBe(f1);
    writeFileSync(path.join(dir, 'good.txt.meta.json'), JSON.stringify({ date: '2024-01-10' }));
    expect(await fileFingerprint(dir, good)).not.toBe(f1);
  });

  it('does not list sidecars or the user dictionary as reports', async () => {
    const { files } = await discover(path.join(tmp, 'bad'));
    expect(files.map((f) => f.path)).not.toContain('userdict.txt');
    expect(files.map((f) => f.path).some((p) => p.endsWith('.json'))).toBe(false);
  });
});

it('keeps documents equal apart from id and path when the same text moves', async () => {
  const a = await ingestFolder(path.join(tmp, 'enc', 'utf8'));
  const b = await ingestFolder(path.join(tmp, 'enc', 'gb18030'));
  expect(a.docs.map(omit)).toEqual(b.docs.map(omit));
});
