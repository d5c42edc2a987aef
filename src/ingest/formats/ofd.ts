/**
 * OFD (GB/T 33190, China's fixed-layout format): a ZIP package of XML. The
 * entry point OFD.xml names the document (DocRoot); Document.xml lists the
 * pages in order (Pages/Page@BaseLoc); each page's Content.xml holds
 * TextObjects placed by their Boundary ("x y w h", millimetres, y downwards)
 * with TextCode runs at X/Y inside it. Text is read in reading order (top to
 * bottom, left to right) and rebuilt into paragraphs like a PDF's text layer.
 */
import * as cheerio from 'cheerio';
import path from 'node:path/posix';
import type { ExtractResult } from './types.js';
import { paragraphsFromPages, type LaidOutPage, type TextLine } from './layout.js';
import { unzipLimited } from './zip.js';

const nums = (s: string | undefined) => (s ?? '').trim().split(/[\s,]+/).map(Number);

function resolveLoc(base: string, loc: string): string {
  const l = loc.replace(/\\/g, '/');
  return l.startsWith('/') ? l.slice(1) : path.normalize(path.join(path.dirname(base), l));
}

/** DeltaX as OFD writes it: numbers, with "g N d" standing for N times d. */
export function deltaX(attr: string | undefined): number[] {
  const t = (attr ?? '').trim().split(/\s+/).filter(Boolean);
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i] === 'g') {
      const n = Number(t[i + 1]);
      const d = Number(t[i + 2]);
      if (Number.isFinite(n) && Number.isFinite(d)) for (let k = 0; k < Math.min(n, 100_000); k++) out.push(d);
      i += 2;
    } else if (Number.isFinite(Number(t[i]))) out.push(Number(t[i]));
  }
  return out;
}

/** Lines of one page's Content.xml. */
export function linesFromContent(xml: string): TextLine[] {
  const $ = cheerio.load(xml, { xml: true });
  const runs: Array<{ x: number; base: number; size: number; text: string; width: number }> = [];
  $('*').each((_, el) => {
    if (!/(^|:)TextObject$/.test((el as { tagName: string }).tagName)) return;
    const obj = $(el);
    const [bx, by] = nums(obj.attr('Boundary'));
    const size = Number(obj.attr('Size')) || 3.5;
    obj.children().each((__, c) => {
      if (!/(^|:)TextCode$/.test((c as { tagName: string }).tagName)) return;
      const code = $(c);
      const text = code.text();
      if (!text.trim()) return;
      const deltas = deltaX(code.attr('DeltaX'));
      const width = deltas.length ? deltas.reduce((a, b) => a + b, 0) + size : [...text].length * size;
      runs.push({ x: (bx || 0) + (Number(code.attr('X')) || 0), base: (by || 0) + (Number(code.attr('Y')) || 0), size, text, width });
    });
  });
  runs.sort((a, b) => a.base - b.base || a.x - b.x);
  const rows: Array<typeof runs> = [];
  for (const r of runs) {
    const row = rows.find((rw) => Math.abs(rw[0].base - r.base) < Math.min(rw[0].size, r.size) * 0.5);
    if (row) row.push(r);
    else rows.push([r]);
  }
  return rows.map((row) => {
    row.sort((a, b) => a.x - b.x);
    const size = row[0].size;
    return { text: row.map((r) => r.text).join(''), x: row[0].x, right: Math.max(...row.map((r) => r.x + r.width)), y: row[0].base - size, size };
  });
}

export async function readOfd(bytes: Uint8Array): Promise<ExtractResult> {
  const z = unzipLimited(bytes);
  if (!z.ok) return { ok: false, reason: `OFD 文件${z.reason.replace(/^ZIP /, '')}` };
  const files = new Map(z.entries.map((e) => [e.name.replace(/^\/+/, ''), e.data]));
  const text = (name: string) => {
    const d = files.get(name);
    return d ? new TextDecoder().decode(d) : null;
  };
  const ofdXml = text('OFD.xml');
  if (!ofdXml) return { ok: false, reason: 'OFD 文件已损坏：缺少入口文件 OFD.xml' };
  const $o = cheerio.load(ofdXml, { xml: true });
  const find = ($: cheerio.CheerioAPI, local: string) => $('*').filter((_, el) => new RegExp(`(^|:)${local}$`).test((el as { tagName: string }).tagName));
  const docRoot = find($o, 'DocRoot').first().text().trim();
  const title = find($o, 'Title').first().text().trim() || null;
  const docPath = docRoot ? resolveLoc('OFD.xml', docRoot) : '';
  const docXml = docPath ? text(docPath) : null;
  if (!docXml) return { ok: false, reason: `OFD 文件已损坏：找不到文档描述 ${docRoot || 'Document.xml'}` };
  const $d = cheerio.load(docXml, { xml: true });
  const box = nums(find($d, 'PhysicalBox').first().text());
  const [, , width = 210, height = 297] = box.length === 4 ? box : [];
  const pages: LaidOutPage[] = [];
  const missing: number[] = [];
  find($d, 'Page').each((i, el) => {
    const loc = $d(el).attr('BaseLoc');
    const xml = loc ? text(resolveLoc(docPath, loc)) : null;
    if (!xml) {
      missing.push(i + 1);
      pages.push({ width, height, lines: [] });
      return;
    }
    try {
      pages.push({ width, height, lines: linesFromContent(xml) });
    } catch {
      missing.push(i + 1);
      pages.push({ width, height, lines: [] });
    }
  });
  if (pages.length === 0) return { ok: false, reason: 'OFD 文件中没有页面' };
  const laid = paragraphsFromPages(pages);
  if (laid.paragraphs.length === 0) return { ok: false, reason: 'OFD 文件中没有文字（可能是扫描件，OFD 的扫描页暂不支持文字识别）' };
  const pageTexts = pages.map(() => [] as string[]);
  laid.paragraphs.forEach((p, i) => pageTexts[laid.pages[i] - 1].push(p));
  const warnings = missing.length ? [`OFD 第 ${missing.join('、')} 页缺失或已损坏，未读取`] : [];
  for (const s of z.skipped) warnings.push(`OFD 包中 ${s.name}：${s.reason}`);
  return { ok: true, text: laid.paragraphs.join('\n'), pageTexts: pageTexts.map((p) => p.join('\n')), hints: { title }, warnings };
}
