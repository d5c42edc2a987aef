/**
 * DOCX through mammoth: the document's paragraphs, headings and tables as
 * HTML (mammoth maps Word's styles to semantic elements and drops layout),
 * then one line per block; a table row becomes one line with its cells
 * separated by " | ". The core properties' title (docProps/core.xml) is a hint.
 */
import * as cheerio from 'cheerio';
import mammoth from 'mammoth';
import { unzipSync } from 'fflate';
import type { ExtractResult } from './types.js';

const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, tr';

/** Lines of the HTML mammoth writes: a block per line; table cells joined by " | ". */
export function linesFromMammothHtml(html: string): string[] {
  const $ = cheerio.load(html);
  const out: string[] = [];
  $(BLOCKS).each((_, el) => {
    const e = $(el);
    if (el.tagName === 'tr') {
      const cells = e.children('td, th').map((__, c) => $(c).text().replace(/\s+/g, ' ').trim()).get();
      if (cells.some(Boolean)) out.push(cells.join(' | '));
      return;
    }
    // A paragraph inside a table cell or a list item inside a list item is part of its container's line.
    if (e.parents('td, th').length || (el.tagName !== 'li' && e.parents('li').length)) return;
    const t = e.text().replace(/[ \t\u00a0]+/g, ' ').trim();
    if (t) out.push(t);
  });
  return out;
}

/** The core title of a DOCX (dc:title), when there is one. */
export function coreTitle(bytes: Uint8Array): string | null {
  try {
    const files = unzipSync(bytes, { filter: (f) => f.name === 'docProps/core.xml' && f.originalSize < 1_000_000 });
    const xml = files['docProps/core.xml'];
    if (!xml) return null;
    const $ = cheerio.load(new TextDecoder().decode(xml), { xml: true });
    const t = $('dc\\:title').first().text().trim();
    return t || null;
  } catch {
    return null;
  }
}

export async function readDocx(bytes: Uint8Array): Promise<ExtractResult> {
  let html: string;
  try {
    const r = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
    html = r.value;
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/end of central directory|corrupt|zip/i.test(msg)) return { ok: false, reason: `DOCX 文件已损坏或不完整（不是有效的 ZIP 压缩包）` };
    if (/word\/document\.xml|Could not find/i.test(msg)) return { ok: false, reason: 'DOCX 文件已损坏：缺少正文部分 word/document.xml' };
    return { ok: false, reason: `无法解析 DOCX：${msg.slice(0, 120)}` };
  }
  const lines = linesFromMammothHtml(html);
  if (lines.length === 0) return { ok: false, reason: 'DOCX 文件中没有文字' };
  return { ok: true, text: lines.join('\n'), hints: { title: coreTitle(bytes) }, warnings: [] };
}
