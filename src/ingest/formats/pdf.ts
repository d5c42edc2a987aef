/**
 * PDF through unpdf (a serverless build of Mozilla's pdf.js): the text layer
 * of each page as positioned lines, then paragraphs rebuilt across line and
 * page breaks with running headers, footers and page numbers removed
 * (layout.ts). Pages without a usable text layer — scanned pages, or a layer
 * whose characters are noise (a broken font encoding) — are recognised by OCR
 * when tesseract is installed. The info dictionary's Title is a hint.
 */
import { getDocumentProxy } from 'unpdf';
import type { ExtractOptions, ExtractResult } from './types.js';
import { isReadableText, paragraphsFromPages, type LaidOutPage, type TextLine } from './layout.js';
import { hasPdftoppm, ocrPdfPages, ocrStatus } from './ocr.js';
import { foldRadicals } from '../clean.js';

interface Item {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

/** Items of a page's text content → lines, top to bottom (y measured downwards). */
export function linesFromItems(items: Item[], pageHeight: number): TextLine[] {
  const rows: Array<{ base: number; size: number; items: Item[] }> = [];
  const sorted = items.filter((i) => i.str !== '').sort((a, b) => b.transform[5] - a.transform[5] || a.transform[4] - b.transform[4]);
  for (const it of sorted) {
    const size = Math.abs(it.transform[3]) || it.height || 10;
    const base = it.transform[5];
    const row = rows.find((r) => Math.abs(r.base - base) < Math.min(r.size, size) * 0.5);
    if (row) row.items.push(it);
    else rows.push({ base, size, items: [it] });
  }
  const lines: TextLine[] = [];
  for (const r of rows) {
    r.items.sort((a, b) => a.transform[4] - b.transform[4]);
    let text = '';
    let end = -Infinity;
    for (const it of r.items) {
      const x = it.transform[4];
      // A visible gap between runs of Latin text is a space; Chinese runs are written without.
      if (text && x - end > r.size * 0.25 && /[A-Za-z0-9,.;:]$/.test(text) && /^[A-Za-z0-9]/.test(it.str)) text += ' ';
      text += it.str;
      end = x + it.width;
    }
    if (!text.trim()) continue;
    const x = r.items[0].transform[4];
    // Fonts that share one glyph between a radical and its character map it to the radical (⽣ for 生).
    // Likewise ― (U+2015) printed for the dash — of ——.
    lines.push({ text: foldRadicals(text).replace(/\u2015/g, '\u2014'), x, right: end, y: pageHeight - r.base - r.size, size: r.size });
  }
  return lines.sort((a, b) => a.y - b.y);
}

function reasonFor(e: unknown): string {
  const err = e as { name?: string; message?: string };
  if (err?.name === 'PasswordException' || /password/i.test(err?.message ?? '')) return 'PDF 文件已加密，需要密码才能打开，无法读取正文';
  if (err?.name === 'InvalidPDFException' || /Invalid PDF|Missing PDF|startxref|xref/i.test(err?.message ?? '')) return `PDF 文件已损坏或不完整（${(err.message ?? '').slice(0, 80)}）`;
  return `无法解析 PDF：${(err?.message ?? String(e)).slice(0, 120)}`;
}

export async function readPdf(bytes: Uint8Array, opts: ExtractOptions): Promise<ExtractResult> {
  let pdf;
  try {
    // pdf.js may take ownership of the buffer: give it a copy, OCR needs the bytes later.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, stopAtErrors: false } as never);
  } catch (e) {
    return { ok: false, reason: reasonFor(e) };
  }
  const warnings: string[] = [];
  const pages: LaidOutPage[] = [];
  try {
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      const vp = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const items = (content.items as Item[]).filter((it) => typeof it.str === 'string');
      pages.push({ width: vp.width, height: vp.height, lines: linesFromItems(items, vp.height) });
      page.cleanup();
    }
  } catch (e) {
    if (pages.length === 0) return { ok: false, reason: reasonFor(e) };
    warnings.push(`PDF 第 ${pages.length + 1} 页起无法解析，只读取了前 ${pages.length} 页`);
  }
  let title: string | null = null;
  try {
    const meta = await pdf.getMetadata();
    const t = (meta.info as { Title?: unknown } | undefined)?.Title;
    if (typeof t === 'string' && t.trim()) title = t.trim();
  } catch {
    // no info dictionary
  }
  await pdf.destroy().catch(() => {});

  // Pages whose text layer is missing or noise: recognise them, or say why not.
  const pageText = (p: LaidOutPage) => p.lines.map((l) => l.text).join('');
  const unreadable = pages.map((p, i) => ({ i: i + 1, t: pageText(p) })).filter(({ t }) => !isReadableText(t) && t.replace(/\s+/g, '').length < 2000);
  const garbage = unreadable.filter(({ t }) => t.replace(/\s+/g, '').length >= 20);
  const ocrPages: number[] = [];
  if (unreadable.length > 0) {
    const status = ocrStatus(opts.ocr);
    const what = garbage.length ? '文字层是乱码（字体编码损坏）或' : '';
    if (!status.ok || !hasPdftoppm()) {
      const why = !status.ok ? status.reason : '缺少 pdftoppm（Debian 软件包 poppler-utils），无法把 PDF 页面转成图片进行文字识别';
      if (unreadable.length === pages.length) return { ok: false, reason: `PDF ${what}没有文字层（扫描件），${why}` };
      warnings.push(`PDF 第 ${unreadable.map((u) => u.i).join('、')} 页${what}没有文字层（扫描件），未能读取：${why}`);
      for (const u of unreadable) pages[u.i - 1] = { ...pages[u.i - 1], lines: [] };
    } else {
      const todo = unreadable.slice(0, opts.maxOcrPages).map((u) => u.i);
      if (unreadable.length > todo.length) warnings.push(`扫描页过多：只识别了前 ${todo.length} 页，其余 ${unreadable.length - todo.length} 页未读取`);
      const recognised = await ocrPdfPages(bytes, todo);
      for (const u of unreadable) {
        const r = recognised.get(u.i);
        // OCR coordinates are pixels at 300 dpi; paragraphsFromPages only compares within a page.
        pages[u.i - 1] = r ?? { ...pages[u.i - 1], lines: [] };
        if (r) ocrPages.push(u.i);
      }
      if (garbage.length) warnings.push(`PDF 第 ${garbage.map((g) => g.i).join('、')} 页的文字层是乱码，已改用文字识别（OCR）`);
    }
  }
  const laid = paragraphsFromPages(pages);
  if (laid.paragraphs.length === 0) return { ok: false, reason: garbage.length ? 'PDF 的文字层是乱码（字体编码损坏），文字识别（OCR）也没有识别出文字' : 'PDF 中没有可读取的文字' };
  const pageTexts = pages.map(() => [] as string[]);
  laid.paragraphs.forEach((p, i) => pageTexts[laid.pages[i] - 1].push(p));
  return {
    ok: true,
    text: laid.paragraphs.join('\n'),
    pageTexts: pageTexts.map((ps) => ps.join('\n')),
    hints: { title },
    ...(ocrPages.length ? { ocrPages } : {}),
    warnings,
  };
}
