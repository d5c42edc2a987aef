/**
 * From positioned lines of text (a PDF's or an OFD's pages) to paragraphs:
 * running headers, footers and page numbers removed, lines of one paragraph
 * joined across line and page breaks. Pure, so PDF and OFD share it and tests
 * can feed it lines directly.
 *
 * A new paragraph starts where a reader sees one: an indented first line, a
 * line after a short one (the last line of a paragraph ends early), a larger
 * vertical gap, or a heading (一、 （一） 第一章).
 */

export interface TextLine {
  text: string;
  /** Left edge, in page units. */
  x: number;
  /** Right edge. */
  right: number;
  /** Top edge, measured downwards from the top of the page. */
  y: number;
  /** Font size (≈ the width of one Chinese character). */
  size: number;
}

export interface LaidOutPage {
  width: number;
  height: number;
  lines: TextLine[];
}

export interface Paragraphs {
  paragraphs: string[];
  /** 1-based page where each paragraph starts. */
  pages: number[];
  /** Lines removed as running headers, footers or page numbers. */
  furniture: number;
}

/** 5, - 5 -, 第5页, 第 5 页 共 12 页, 5 / 12, Page 5 of 12. */
const PAGE_NUMBER = /^(?:[-—－–\s]*\d{1,4}[-—－–\s]*|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*[\/／]\s*\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?)$/i;

const HEADING = /^(?:第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,3}[.．、](?!\d))/;
const TERMINAL = /[。！？：；:;…”」』）)]$/;
const CJK_END = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”‘’]$/;
const CJK_START = /^[\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”‘’]/;

/** Digits folded, so 第3页 and 第4页 count as the same running line. */
const shape = (s: string) => s.replace(/\s+/g, '').replace(/\d+/g, '#');

/**
 * Lines in the top or bottom band of a page that are page numbers, or that
 * repeat (digits ignored) on at least half of the pages of a document of two
 * or more pages.
 */
export function runningLines(pages: LaidOutPage[]): Set<string> {
  const counts = new Map<string, number>();
  for (const p of pages) {
    const seen = new Set<string>();
    for (const l of p.lines) {
      if (!inBand(l, p)) continue;
      const k = shape(l.text);
      if (!seen.has(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
      seen.add(k);
    }
  }
  const out = new Set<string>();
  if (pages.length < 2) return out;
  for (const [k, n] of counts) if (n >= Math.max(2, pages.length / 2)) out.add(k);
  return out;
}

function inBand(l: TextLine, p: LaidOutPage): boolean {
  return l.y < p.height * 0.1 || l.y + l.size > p.height * 0.9;
}

function join(a: string, b: string): string {
  // Chinese text is written without spaces, digits and Latin words inside it included (20|23年 → 2023年).
  if (CJK_END.test(a) || CJK_START.test(b) || /[\u3400-\u9fff]/.test(a)) return a + b;
  if (/-$/.test(a) && /^[a-z]/.test(b)) return a.slice(0, -1) + b;
  return `${a} ${b}`;
}

/** Paragraphs of a laid-out document, in reading order (pages in order, lines top to bottom). */
export function paragraphsFromPages(pages: LaidOutPage[]): Paragraphs {
  const running = runningLines(pages);
  const paragraphs: string[] = [];
  const pageOf: number[] = [];
  let furniture = 0;
  let cur: string | null = null;
  let prev: { line: TextLine; right: number; left: number; gap: number } | null = null;

  const flush = () => {
    if (cur !== null && cur.trim()) paragraphs.push(cur.trim());
    cur = null;
  };

  pages.forEach((page, pi) => {
    const lines = page.lines
      .filter((l) => l.text.trim())
      .filter((l) => {
        const furn = inBand(l, page) && (PAGE_NUMBER.test(l.text.trim()) || running.has(shape(l.text)));
        if (furn) furniture++;
        return !furn;
      })
      .sort((a, b) => a.y - b.y || a.x - b.x);
    if (lines.length === 0) return;
    // The text block's margins: the most common left edge and the widest right edge.
    const lefts = new Map<number, number>();
    for (const l of lines) lefts.set(Math.round(l.x), (lefts.get(Math.round(l.x)) ?? 0) + 1);
    const left = [...lefts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    const right = Math.max(...lines.map((l) => l.right));
    const gaps = lines.slice(1).map((l, i) => l.y - lines[i].y).filter((g) => g > 0).sort((a, b) => a - b);
    const gap = gaps.length ? gaps[Math.floor(gaps.length / 2)] : 0;

    lines.forEach((l, li) => {
      const text = l.text.trim();
      const indented = l.x - left > l.size * 0.9;
      let startsNew: boolean;
      if (cur === null || prev === null) startsNew = true;
      else {
        const p = prev;
        const prevText = p.line.text.trim();
        // A paragraph's last line ends early. Line-breaking rules (an opening quote or a number kept
        // with what follows) also end lines a few characters early, so a slightly short line counts
        // only when it ends a sentence.
        const shortBy = (p.right - p.line.right) / p.line.size;
        const ended = (shortBy > 1.5 && TERMINAL.test(prevText)) || shortBy > 6;
        const bigGap = li > 0 && gap > 0 && l.y - p.line.y > gap * 1.6;
        // Across a page break the paragraph goes on unless it had ended or this line opens a new one.
        startsNew = indented || ended || bigGap || HEADING.test(text) || Math.abs(l.x - left) > l.size * 4;
      }
      if (startsNew) {
        flush();
        cur = text;
        pageOf.push(pi + 1);
      } else cur = join(cur!, text);
      prev = { line: l, right, left, gap };
    });
  });
  flush();
  // pageOf was pushed per started paragraph; empty ones were never pushed by flush, so trim to match.
  return { paragraphs, pages: pageOf.slice(0, paragraphs.length), furniture };
}

/**
 * Share of characters that are noise in a text layer: not Chinese, not
 * ASCII letters, digits or punctuation, not CJK punctuation — what a PDF with
 * a broken font encoding (GBK bytes shown as Latin-1: ¸ö»á…) or private-use
 * glyph codes gives.
 */
export function noiseShare(text: string): number {
  let n = 0;
  let bad = 0;
  for (const ch of text) {
    if (/\s/.test(ch)) continue;
    n++;
    if (/[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2010-\u2027\u2030-\u205e\u00b7\u00d7\u2103\u2160-\u217f\u2460-\u24ff\u25a0-\u25ff]/.test(ch)) continue;
    if (/[\x21-\x7e]/.test(ch)) continue;
    bad++;
  }
  return n === 0 ? 1 : bad / n;
}

/** Does a text layer read as text? Enough characters, little noise, and words (Chinese characters or Latin letters), not symbol soup. */
export function isReadableText(text: string): boolean {
  const t = text.replace(/\s+/g, '');
  if (t.length < 20) return false;
  const words = (t.match(/[\u4e00-\u9fffA-Za-z0-9]/g) ?? []).length;
  return noiseShare(t) < 0.15 && words / t.length > 0.5;
}
