/**
 * Writes the format samples in data/formats/ (run once, results committed):
 * excerpts of real provincial reports of the sample archive as DOCX, a text
 * PDF printed by chromium, OFD, a scanned page (PNG) and a ZIP holding a TXT
 * and a DOCX. Each excerpt says what it is in its second paragraph, so it is
 * not a duplicate of its source row.
 *
 *   npx tsx test/ingest/helpers/make-samples.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { ingestFolder } from '../../../src/ingest/index.js';
import { makeDocx, makeOfd, pageHeight, printPdf, reportHtml, screenshotPng } from './formats.js';

const OUT = 'data/formats';
const archive = await ingestFolder('data/provincial-2026');
const byProvince = (p: string) => archive.docs.find((d) => d.path.includes(`_${p}_`))!;

/** The title, a note saying what this is, and paragraphs from the first part heading on, up to `chars` characters. */
function excerpt(province: string, chars: number, what: string): { title: string; body: string[] } {
  const d = byProvince(province);
  const paras = d.text.split('\n');
  const heading = paras.findIndex((p) => /^一、/.test(p));
  const start = heading > 0 ? heading : Math.min(3, paras.length - 1);
  const body = [`（节选，${what}格式示例；全文见 provincial-2026/${path.basename(d.path)}）`];
  let n = 0;
  for (const p of paras.slice(start)) {
    if (n + p.length > chars && body.length > 2) break;
    body.push(p);
    n += p.length;
  }
  return { title: d.title, body };
}

mkdirSync(OUT, { recursive: true });
const docx = excerpt('湖北省', 2500, 'DOCX ');
writeFileSync(path.join(OUT, '2026_湖北省_政府工作报告_节选.docx'), await makeDocx(docx.title, docx.body));
const pdf = excerpt('福建省', 1200, 'PDF ');
writeFileSync(path.join(OUT, '2026_福建省_政府工作报告_节选.pdf'), await printPdf(reportHtml(pdf.title, pdf.body)));
const ofd = excerpt('甘肃省', 2500, 'OFD ');
writeFileSync(path.join(OUT, '2026_甘肃省_政府工作报告_节选.ofd'), makeOfd(ofd.title, ofd.body));
const scan = excerpt('海南省', 500, '扫描图片（PNG）');
const all = [scan.title, ...scan.body];
writeFileSync(path.join(OUT, '2026_海南省_政府工作报告_节选_扫描.png'), await screenshotPng(reportHtml(scan.title, scan.body, { fontPx: 20, widthPx: 820 }), 900, pageHeight(all, 20, 820)));
const zt = excerpt('湖南省', 2000, 'ZIP 压缩包中的 TXT ');
const zd = excerpt('贵州省', 2000, 'ZIP 压缩包中的 DOCX ');
writeFileSync(
  path.join(OUT, '2026_政府工作报告_节选.zip'),
  zipSync({
    '2026_湖南省_政府工作报告_节选.txt': strToU8([zt.title, ...zt.body].join('\n')),
    '2026_贵州省_政府工作报告_节选.docx': new Uint8Array(await makeDocx(zd.title, zd.body)),
  }),
);
console.log(`wrote the samples in ${OUT}`);
