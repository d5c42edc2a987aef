/**
 * One real report (seed 001 of the sample archive) as TXT, DOCX, text PDF,
 * OFD, a scanned page (PNG) and a scanned PDF gives the same paragraphs, with
 * pages for PDF and OFD. Fixtures are generated here with real tools (the
 * `docx` library, Debian's chromium and fonts-noto-cjk, an OFD package
 * written as a ZIP of XML) and read through the real ingest path, parsers in
 * their sandbox. Parts that need chromium or tesseract are skipped with a
 * notice when those are missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, ingestFile } from '../../src/ingest/index.js';
import { hasPdftoppm, ocrStatus } from '../../src/ingest/formats/ocr.js';
import { paragraphsFromPages } from '../../src/ingest/formats/layout.js';
import { toSimplified } from '../../src/ingest/simplify.js';
import type { ReportDocument } from '../../src/types.js';
import { garbagePdf, hasChromium, makeDocx, makeOfd, pageHeight, printPdf, reportHtml, scannedPdf, screenshotPng } from './helpers/formats.js';
import iconv from 'iconv-lite';

const SEED = 'test/fixtures/corpus/seeds/001_9142c4c7e365e737.txt';
const hasTesseract = ocrStatus().ok;
if (!hasChromium) console.warn('[test/ingest/formats] PDF and PNG fixtures skipped: no chromium (apt-get install chromium fonts-noto-cjk, or set CHROMIUM_PATH)');
if (!hasTesseract) console.warn('[test/ingest/formats] OCR tests skipped: no tesseract with chi_sim (apt-get install tesseract-ocr tesseract-ocr-chi-sim)');

let tmp: string;
let reference: ReportDocument;
let paras: string[];
const docs = new Map<string, ReportDocument>();
const skipped = new Map<string, string>();

async function ingestAll(dir: string) {
  const found = await discover(dir);
  for (const f of found.files) {
    const r = await ingestFile(dir, f);
    for (const d of r.docs) docs.set(f.path, d);
    for (const s of r.skipped) skipped.set(s.path, s.reason);
  }
}

/** Characters right: 1 − edit distance / length, whitespace ignored. */
function accuracy(got: string, want: string): number {
  const a = got.replace(/\s+/g, '');
  const b = want.replace(/\s+/g, '');
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return 1 - prev[b.length] / b.length;
}

const OCR_FONT = 20;
const OCR_WIDTH = 900;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'formats-test-'));
  const base = path.join(tmp, 'ref');
  const out = path.join(tmp, 'fmt');
  for (const d of [base, out]) execFileSync('mkdir', ['-p', d]);
  writeFileSync(path.join(base, 'r.txt'), readFileSync(SEED));
  const ref = await ingestFile(base, (await discover(base)).files[0]);
  reference = ref.docs[0];
  paras = reference.text.split('\n');
  const [title, ...body] = paras;

  writeFileSync(path.join(out, 'r.docx'), await makeDocx(title, body));
  writeFileSync(path.join(out, 'r.ofd'), makeOfd(title, body));
  writeFileSync(path.join(out, 'table.docx'), await makeDocx('关于2023年统计工作的报告', ['2023年，主要指标如下：'], { table: [['指标', '数值'], ['受理案件', '42 件']], coreTitle: '关于2023年统计工作的报告' }));
  if (hasChromium) {
    writeFileSync(path.join(out, 'r.pdf'), await printPdf(reportHtml(title, body)));
    if (hasTesseract) {
      const png = await screenshotPng(reportHtml(title, body, { fontPx: OCR_FONT, widthPx: OCR_WIDTH - 80 }), OCR_WIDTH, pageHeight(paras, OCR_FONT, OCR_WIDTH - 80));
      writeFileSync(path.join(out, 'r.png'), png);
      // A shorter scan for the scanned PDF: the first paragraphs.
      const head = paras.slice(0, 4);
      const scan = await screenshotPng(reportHtml(head[0], head.slice(1), { fontPx: OCR_FONT, widthPx: OCR_WIDTH - 80 }), OCR_WIDTH, pageHeight(head, OCR_FONT, OCR_WIDTH - 80));
      writeFileSync(path.join(out, 'scan.pdf'), await scannedPdf(scan, OCR_WIDTH));
      // The same scan as a TIFF (poppler's pdftoppm writes it from the scanned PDF).
      if (hasPdftoppm()) execFileSync('pdftoppm', ['-r', '200', '-gray', '-tiff', '-singlefile', path.join(out, 'scan.pdf'), path.join(out, 'scan')]);
    }
  }
  writeFileSync(path.join(out, 'garbage.pdf'), garbagePdf(iconv.encode(body.slice(0, 3).join(''), 'gbk')));
  await ingestAll(out);
}, 600_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('one report in every format', () => {
  it('reads the reference from its TXT', () => {
    expect(paras.length).toBeGreaterThan(15);
    expect(paras[0]).toBe('达州市卫生健康委员会关于2023年法治政府建设情况的报告');
  });

  it('DOCX gives the same paragraphs and metadata', () => {
    const d = docs.get('r.docx')!;
    expect(d.text.split('\n')).toEqual(paras);
    expect({ title: d.title, issuer: d.issuer, region: d.region, year: d.year, date: d.date }).toEqual({
      title: reference.title,
      issuer: reference.issuer,
      region: reference.region,
      year: reference.year,
      date: reference.date,
    });
    expect(d.pages).toBeUndefined();
  });

  it('DOCX tables become one line per row, cells apart; the core title is a confirmed hint', () => {
    const d = docs.get('table.docx')!;
    expect(d.text.split('\n')).toEqual(['关于2023年统计工作的报告', '2023年，主要指标如下：', '指标 | 数值', '受理案件 | 42 件']);
    expect(d.sources.title).toBe('header');
  });

  it('OFD gives the same paragraphs, with the page of each, page numbers removed', () => {
    const d = docs.get('r.ofd')!;
    expect(d.text.split('\n')).toEqual(paras);
    expect(d.pages).toHaveLength(paras.length);
    expect(d.pages![0]).toBe(1);
    expect(new Set(d.pages).size).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < d.pages!.length; i++) expect(d.pages![i]).toBeGreaterThanOrEqual(d.pages![i - 1]);
    expect(d.text).not.toMatch(/- \d+ -/);
  });

  it.skipIf(!hasChromium)('a text PDF printed by chromium gives the same paragraphs, headers and footers removed, pages per paragraph', () => {
    const d = docs.get('r.pdf')!;
    // The font maps a few shared glyphs to Traditional code points (户 → 戶): compared as Simplified.
    expect(d.text.split('\n').map(toSimplified)).toEqual(paras.map(toSimplified));
    expect(accuracy(d.text, reference.text)).toBeGreaterThan(0.998);
    expect(d.text).not.toMatch(/file:|\d+\/\d+\s*$/m);
    expect(d.pages).toHaveLength(paras.length);
    expect(Math.max(...d.pages!)).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < d.pages!.length; i++) expect(d.pages![i]).toBeGreaterThanOrEqual(d.pages![i - 1]);
    expect({ title: d.title, year: d.year, date: d.date }).toEqual({ title: reference.title, year: reference.year, date: reference.date });
  });

  it.skipIf(!hasChromium || !hasTesseract)('a scanned page (PNG) is recognised with ≥ 98% of characters right, marked as OCR', () => {
    const d = docs.get('r.png')!;
    const acc = accuracy(d.text, reference.text);
    console.log(`[formats] OCR accuracy on a clean ${OCR_FONT}px render at 2×: ${(acc * 100).toFixed(2)}%`);
    expect(acc).toBeGreaterThanOrEqual(0.98);
    expect(Math.abs(d.text.split('\n').length - paras.length)).toBeLessThanOrEqual(1);
    expect(d.title).toBe(reference.title);
    expect(d.sources.title).toBe('ocr');
    expect(d.warnings.some((w) => w.includes('文字识别（OCR）'))).toBe(true);
  });

  it.skipIf(!hasChromium || !hasTesseract)('a scanned PDF (pages as images) is recognised, with pages', () => {
    const d = docs.get('scan.pdf')!;
    const acc = accuracy(d.text, paras.slice(0, 4).join('\n'));
    console.log(`[formats] OCR accuracy on a scanned PDF (300 dpi render of a 2× screenshot): ${(acc * 100).toFixed(2)}%`);
    expect(acc).toBeGreaterThanOrEqual(0.98);
    expect(d.pages?.every((p) => p >= 1)).toBe(true);
    expect(d.warnings.some((w) => w.includes('扫描件'))).toBe(true);
  });

  it.skipIf(!hasChromium || !hasTesseract || !hasPdftoppm())('a scanned TIFF is recognised too', () => {
    const d = docs.get('scan.tif')!;
    const acc = accuracy(d.text, paras.slice(0, 4).join('\n'));
    console.log(`[formats] OCR accuracy on a 200 dpi grey TIFF: ${(acc * 100).toFixed(2)}%`);
    expect(acc).toBeGreaterThanOrEqual(0.97);
    expect(d.title).toBe(reference.title);
  });

  it('a PDF whose text layer is noise is recognised by OCR, or skipped saying why', () => {
    const d = docs.get('garbage.pdf');
    if (hasTesseract) {
      // The page has no readable glyphs to recognise either: whatever OCR finds is not the noise.
      if (d) expect(d.text).not.toMatch(/[¸»Ö÷Ò]/);
      else expect(skipped.get('garbage.pdf')).toMatch(/没有|识别/);
    } else expect(skipped.get('garbage.pdf')).toMatch(/乱码.*tesseract/);
  });
});

describe('OCR switched off', () => {
  it('says in Chinese how to enable it', () => {
    const s = ocrStatus(false);
    expect(s.ok).toBe(false);
    if (!s.ok) expect(s.reason).toContain('tesseract-ocr-chi-sim');
  });

  it('skips an image with that reason, and never crashes', async () => {
    const dir = path.join(tmp, 'no-ocr');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(path.join(dir, 'scan.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    process.env.REPORT_SEARCH_OCR = '0';
    try {
      const r = await ingestFile(dir, (await discover(dir)).files[0]);
      expect(r.docs).toEqual([]);
      expect(r.skipped[0].reason).toMatch(/^图片中的文字需要文字识别（OCR）才能读取：文字识别（OCR）已关闭.*tesseract-ocr-chi-sim/);
    } finally {
      delete process.env.REPORT_SEARCH_OCR;
    }
  });
});

describe('paragraphs from positioned lines', () => {
  const line = (text: string, x: number, y: number, right = 500) => ({ text, x, y, right, size: 10 });
  it('joins lines of a paragraph across a page break and drops running headers and page numbers', () => {
    const page = (n: number, lines: ReturnType<typeof line>[]) => ({ width: 600, height: 800, lines: [line('某某市人民政府文件', 250, 20, 340), ...lines, line(`- ${n} -`, 290, 780, 310)] });
    const r = paragraphsFromPages([
      page(1, [line('一、总体情况', 100, 100, 160), line('我市坚持依法行政，全面推进法治政府建设，各项工作取得明显成', 120, 120), line('效，群众满意度持续提升', 100, 140)]),
      page(2, [line('二、主要做法', 100, 100, 160), line('（一）健全制度。制定规范性文件管理办法，严格执行合法性审查', 120, 120), line('制度，确保', 100, 140)]),
      page(3, [line('每一件文件合法有效。', 100, 100, 200)]),
    ]);
    expect(r.paragraphs).toEqual(['一、总体情况', '我市坚持依法行政，全面推进法治政府建设，各项工作取得明显成效，群众满意度持续提升', '二、主要做法', '（一）健全制度。制定规范性文件管理办法，严格执行合法性审查制度，确保每一件文件合法有效。']);
    expect(r.pages).toEqual([1, 1, 2, 2]);
    expect(r.furniture).toBe(6);
  });
});
