/**
 * A folder of hostile files next to good ones: every file is accounted for —
 * ingested, truncated with a warning, or skipped with its reason — the good
 * ones are read, and the whole folder is done in bounded time and memory.
 * Binary parsers run in the sandbox (a worker with a heap limit and a
 * per-file timeout), so a zip bomb or a DOCX whose XML explodes costs only
 * that file.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { Zip, ZipDeflate, zipSync, strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFolder, type FolderResult } from '../../src/ingest/index.js';
import { garbagePdf, makeDocx, makeOfd } from './helpers/formats.js';

const SEED = readFileSync('test/fixtures/corpus/seeds/001_9142c4c7e365e737.txt', 'utf8');
const hasQpdf = (() => {
  try {
    execFileSync('qpdf', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasQpdf) console.warn('[test/ingest/hostile] encrypted PDF case skipped: no qpdf (apt-get install qpdf)');

let dir: string;
let result: FolderResult;
let seconds = 0;
let peakRss = 0;

/** A minimal valid PDF with one line of Latin text (no fonts to embed, so no chromium needed). */
function tinyPdf(text: string): Buffer {
  const stream = `BT /F1 14 Tf 50 780 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A ZIP whose one entry inflates to `mb` MB of zeros, written as a stream (the test never holds it inflated). */
function zipBomb(name: string, mb: number): Buffer {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  const entry = new ZipDeflate(name, { level: 9 });
  zip.add(entry);
  const zeros = new Uint8Array(1 << 20);
  for (let i = 0; i < mb; i++) entry.push(zeros, i === mb - 1);
  zip.end();
  return Buffer.concat(parts);
}

/** A DOCX whose document.xml inflates to about `mb` MB of paragraphs: mammoth would build a DOM of millions of nodes. */
function docxBomb(mb: number): Buffer {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  const add = (name: string, s: string) => {
    const f = new ZipDeflate(name);
    zip.add(f);
    f.push(strToU8(s), true);
  };
  add('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');
  add('_rels/.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  const doc = new ZipDeflate('word/document.xml', { level: 9 });
  zip.add(doc);
  doc.push(strToU8('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'));
  const chunk = strToU8('<w:p><w:r><w:t>字</w:t></w:r></w:p>'.repeat(30_000));
  for (let i = 0; i < Math.ceil((mb << 20) / chunk.length); i++) doc.push(chunk);
  doc.push(strToU8('</w:body></w:document>'), true);
  zip.end();
  return Buffer.concat(parts);
}

const EXPECT: Array<[file: string, outcome: 'doc' | RegExp]> = [
  ['good.txt', 'doc'],
  ['good.docx', 'doc'],
  ['good.ofd', 'doc'],
  ['corrupt.docx', /DOCX 文件已损坏/],
  ['truncated.docx', /DOCX|压缩包|损坏/],
  ['corrupt.pdf', /PDF/],
  ['truncated.pdf', /PDF/],
  ['corrupt.ofd', /OFD/],
  ['truncated.ofd', /OFD/],
  ['garbage.pdf', /乱码/],
  ['bomb.zip', /压缩炸弹/],
  ['bomb.docx', /内存|超时|压缩炸弹|DOCX/],
  ['nested.zip', /嵌套超过/],
  ['nul.txt', /二进制/],
  ['fake.png', /图片无法读取/],
  ['fake.doc', /\.doc/],
  ['program.exe', /不支持的文件类型/],
  ['big.txt', 'doc'],
  ['oneline.txt', 'doc'],
  ['reports.zip', 'doc'],
];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  const w = (name: string, data: string | Uint8Array) => writeFileSync(path.join(dir, name), data);
  const [title, ...body] = SEED.split('\n').map((l) => l.trim()).filter(Boolean);
  w('good.txt', SEED);
  const docx = await makeDocx('关于2022年行政复议工作情况的报告', ['2022年，我局依法办理行政复议案件，坚持有错必纠。', '一、主要工作', '全年共收到行政复议申请36件，依法受理32件。']);
  w('good.docx', docx);
  w('corrupt.docx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(2000, 0x5a)]));
  w('truncated.docx', docx.subarray(0, Math.floor(docx.length / 2)));
  const pdf = tinyPdf('Annual report of the legal affairs office, 2023.');
  w('corrupt.pdf', Buffer.from('%PDF-1.7\n' + 'garbage '.repeat(500)));
  w('truncated.pdf', pdf.subarray(0, 120));
  if (hasQpdf) {
    w('plain.pdf.src', pdf);
    execFileSync('qpdf', ['--encrypt', 'user-secret', 'owner-secret', '256', '--', path.join(dir, 'plain.pdf.src'), path.join(dir, 'encrypted.pdf')]);
    rmSync(path.join(dir, 'plain.pdf.src'));
    EXPECT.push(['encrypted.pdf', /加密/]);
  }
  const ofd = makeOfd(title, body.slice(0, 8));
  w('good.ofd', makeOfd('关于2021年普法工作的报告', ['2021年，我局深入开展普法宣传教育，全年举办法治讲座12场。', '二、存在的问题', '普法形式还不够丰富。']));
  w('corrupt.ofd', zipSync({ 'Doc_0/Document.xml': strToU8('<x/>') }));
  w('truncated.ofd', ofd.subarray(0, Math.floor(ofd.length / 3)));
  w('garbage.pdf', garbagePdf(Buffer.from('¸ö»áÖ÷ÒªÁìµ¼ÑÏ¸ñÂäÊµÍÆ½ø·¨ÖÎ½¨Éè'.repeat(8), 'latin1')));
  w('bomb.zip', zipBomb('zeros.txt', 80));
  w('bomb.docx', docxBomb(160));
  let nested: Uint8Array = zipSync({ 'deep.txt': strToU8(SEED) });
  for (let i = 0; i < 5; i++) nested = zipSync({ [`level${i}.zip`]: nested });
  w('nested.zip', nested);
  w('reports.zip', zipSync({ 'a/2022年报告.txt': strToU8('关于2022年政务公开工作的报告\n2022年，我区政务公开工作扎实推进，主动公开信息1200条。'), 'b/inner.docx': new Uint8Array(await makeDocx('关于2020年信访工作的报告', ['2020年，全市信访总量同比下降12%。'])), 'c/readme.exe': strToU8('MZ') }));
  w('nul.txt', Buffer.concat([Buffer.from('正文第一段。'), Buffer.alloc(64, 0), Buffer.from('正文第二段。')]));
  w('fake.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(3000, 0x33)]));
  w('fake.doc', Buffer.from('this is not a word file'));
  w('program.exe', Buffer.from('MZ\x90\x00'));
  // 1 MB of Chinese text on one line.
  w('oneline.txt', ('关于加强法治建设的意见。' + '各单位要严格依法行政，全面落实行政执法责任制，推进政务公开。'.repeat(20)).repeat(120).slice(0, 350_000));
  // 100 MB of text: read up to the cap, with a warning.
  const big = createWriteStream(path.join(dir, 'big.txt'));
  const block = Buffer.from(`超大文件：${title}\n${body.join('\n')}\n`.repeat(40));
  for (let n = 0; n < 100 * 1024 * 1024; n += block.length) if (!big.write(block)) await once(big, 'drain');
  big.end();
  await once(big, 'finish');
  mkdirSync(path.join(dir, 'sub'));

  process.env.REPORT_SEARCH_PARSE_TIMEOUT_MS = '60000';
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  result = await ingestFolder(dir);
  seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  delete process.env.REPORT_SEARCH_PARSE_TIMEOUT_MS;
  for (const sk of result.skipped) console.log(`[hostile] 跳过 ${sk.path}：${sk.reason}`);
  console.log(`[hostile] ${result.found} files in ${seconds.toFixed(1)} s, peak RSS of the test process ${(peakRss / 1024 / 1024).toFixed(0)} MB; ${result.docs.length} reports, ${result.skipped.length} skipped`);
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const top = (p: string) => p.split(/[/#]/)[0];

describe('a folder of hostile files', () => {
  it('accounts for every file: ingested, or skipped with a Chinese reason', () => {
    const withDocs = new Set([...result.docs.map((d) => top(d.path)), ...result.duplicates.map((d) => top(d.path))]);
    expect(result.duplicates).toEqual([]);
    const withSkips = new Set(result.skipped.map((s) => top(s.path)));
    for (const [file, outcome] of EXPECT) {
      if (outcome === 'doc') expect(withDocs.has(file), `${file} should be ingested: ${result.skipped.filter((s) => top(s.path) === file).map((s) => s.reason)}`).toBe(true);
      else {
        expect(withDocs.has(file), `${file} should not give a report`).toBe(false);
        const reasons = result.skipped.filter((s) => top(s.path) === file).map((s) => s.reason);
        expect(reasons.length, `${file} has no reason`).toBeGreaterThan(0);
        expect(reasons.join('；')).toMatch(outcome);
        for (const r of reasons) expect(r).toMatch(/[\u4e00-\u9fff]/);
      }
    }
    // Files wholly skipped + files that gave a report = files found.
    const fullySkipped = [...withSkips].filter((f) => !withDocs.has(f));
    expect(fullySkipped.length + withDocs.size).toBe(result.found);
    expect(result.found).toBe(EXPECT.length);
  });

  it('reads the good files whole', () => {
    const good = result.docs.find((d) => d.path === 'good.docx')!;
    expect(good.text.split('\n')).toEqual(['关于2022年行政复议工作情况的报告', '2022年，我局依法办理行政复议案件，坚持有错必纠。', '一、主要工作', '全年共收到行政复议申请36件，依法受理32件。']);
    expect(result.docs.find((d) => d.path === 'good.ofd')!.pages).toEqual([1, 1, 1, 1]);
  });

  it('truncates a 100 MB text file with a warning, splits a 1 MB line after its sentences', () => {
    const big = result.docs.find((d) => d.path === 'big.txt')!;
    expect(big.warnings.some((w) => /文件过大（100 MB），只读取了前 16/.test(w))).toBe(true);
    const one = result.docs.find((d) => d.path === 'oneline.txt')!;
    expect(one.warnings.some((w) => w.includes('已在句末分段'))).toBe(true);
    expect(Math.max(...one.text.split('\n').map((p) => p.length))).toBeLessThanOrEqual(10_000);
  });

  it('reads the reports inside an archive, skipping what is not a report', () => {
    const inZip = result.docs.filter((d) => d.path.startsWith('reports.zip/')).map((d) => d.path);
    expect(inZip).toEqual(['reports.zip/a/2022年报告.txt', 'reports.zip/b/inner.docx']);
    expect(result.skipped.find((s) => s.path === 'reports.zip/c/readme.exe')?.reason).toMatch(/不支持/);
    expect(result.docs.find((d) => d.path === 'reports.zip/a/2022年报告.txt')!.id).toBe('reports.zip-a-2022年报告');
  });

  it('is done in bounded time and memory', () => {
    expect(seconds).toBeLessThan(240);
    expect(peakRss).toBeLessThan(2.5 * 1024 * 1024 * 1024);
  });
});
