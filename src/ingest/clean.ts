/**
 * Pure text clean-up: from the text of a file (or a dataset's text column) to
 * the paragraphs that get indexed. Every step works line by line with anchored
 * regular expressions, so cleaning is linear in the length of the report.
 *
 * The rules are general, taken from what scraped government pages and
 * converted Word files look like — never from one particular file:
 * - Markdown syntax and converter artifacts (`# `, `**`, `---`, `[bookmark: _GoBack]`);
 * - page chrome and site navigation (打印, 【字号：加大 还原 减小】, 收藏, 分享到…, 首页 > 栏目,
 *   来源：…, 2026-02-09 09:45:30, photo captions …);
 * - the tail of a page from the first 相关报道/相关推荐/责任编辑/扫一扫… on;
 * - a body the page repeats (kept once), a line repeated right after itself;
 * - words broken by a hard line break inside a paragraph (用习\n近平 → 用习近平, 具\n\n体 → 具体).
 */

export interface CleanOptions {
  /** A known title (header, dataset): short navigation lines before its first occurrence are dropped. */
  title?: string | null;
}

/** The rules that remove text, for the per-rule totals ingest reports. */
export type CleanRule = 'chrome' | 'header' | 'beforeTitle' | 'headRepeat' | 'repeat' | 'tail';

/** What each rule is called in messages. */
export const CLEAN_RULE_LABELS: Record<CleanRule, string> = {
  chrome: '网页框架和导航',
  header: '带标签的页面头部',
  beforeTitle: '标题之前的导航',
  headRepeat: '开头重复的行',
  repeat: '重复显示的正文',
  tail: '页面尾部（相关报道、责任编辑、版权信息等）',
};

export interface Removal {
  rule: CleanRule;
  /** Characters removed by the rule in this text (whitespace not counted). */
  chars: number;
  /** The first text it removed, shortened, so a reader can find the place. */
  first: string;
}

export interface CleanResult {
  paragraphs: string[];
  /** paragraphs.join('\n'). */
  text: string;
  /** Characters each rule removed (rules that removed nothing are absent). */
  removed: Partial<Record<CleanRule, number>>;
  /** Per rule, what it removed, in the order the rules ran. */
  removals: Removal[];
}

/** Counts what the rules remove; one per cleaned text. */
class Recorder {
  readonly byRule = new Map<CleanRule, Removal>();
  drop(rule: CleanRule, text: string): void {
    const chars = text.replace(/[\s\u3000]+/g, '').length;
    if (chars === 0) return;
    const r = this.byRule.get(rule);
    if (r) r.chars += chars;
    else this.byRule.set(rule, { rule, chars, first: text.length > 30 ? text.slice(0, 30) + '…' : text });
  }
}

const CJK_CHAR = '\\u3400-\\u9fff\\uf900-\\ufaff';
const CJK_GAP = new RegExp(`([${CJK_CHAR}])[ \\t\\u3000]+(?=[${CJK_CHAR}])`, 'g');

/** Newlines to \n, invisible characters out, odd spaces to plain spaces. */
export function normalizeRaw(raw: string): string {
  return raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/[\u00a0\u2002-\u200a\u202f\u205f]/g, ' ')
    .replace(/[\u2028\u2029\f\v]/g, '\n')
    .replace(RADICAL, foldRadical);
}

/** One radical → the ideograph it stands for (NFKC knows the Kangxi block; the supplement's simplified forms are listed). */
function foldRadical(ch: string): string {
  const n = ch.normalize('NFKC');
  return n !== ch ? n : (RADICAL_SUPPLEMENT[ch] ?? ch);
}

const RADICAL_SUPPLEMENT: Record<string, string> = Object.fromEntries(
  [...'⺁厂⺇几⺌小⺍小⺓幺⺠民⺟母⺮竹⻄西⻅见⻆角⻈讠⻉贝⻋车⻊足⻓长⻔门⻘青⻙韦⻚页⻛风⻜飞⻝食⻢马⻥鱼⻦鸟⻨麦⻩黄⻬齐⻮齿⻰龙⻳龟'].flatMap((c, i, a) => (i % 2 === 0 ? [[c, a[i + 1]]] : [])),
);

/** Text with radicals folded to ideographs (see RADICAL). */
export function foldRadicals(s: string): string {
  return s.replace(RADICAL, foldRadical);
}

/**
 * Kangxi radicals and CJK radical supplements (⽣ U+2F63, ⼀ U+2F00) that text
 * copied from PDFs carries where the font used one glyph for the radical and
 * the character: folded to the ideograph (生, 一) they stand for.
 */
const RADICAL = /[\u2e80-\u2fdf]/g;

/** Trim a line, including full-width spaces, and drop layout spaces between Chinese characters (报 告 → 报告). */
export function tidyLine(line: string): string {
  return line.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '').replace(CJK_GAP, '$1');
}

/** Markdown syntax and Word-converter artifacts on one line; returns null for a line that is only syntax. */
export function stripMarkdownLine(line: string): string | null {
  let s = line.replace(/\[bookmark:[^\]]*\]/gi, '');
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(s)) return null; // horizontal rule
  if (/^\s*```/.test(s)) return null; // code fence
  s = s
    .replace(/^\s{0,3}#{1,6}\s+/, '') // heading
    .replace(/\s+#{1,6}\s*$/, '')
    .replace(/^\s{0,3}>\s+(?=\S)/, '') // blockquote (a lone '>' is a breadcrumb separator, kept for the chrome step)
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '') // image
    .replace(/\[([^\]]+)\]\((?:[^()\s]+)(?:\s+"[^"]*")?\)/g, '$1') // link → its text
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2') // bold
    .replace(/(^|[^*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\*)/g, '$1$2') // italic
    .replace(/\\([\\`*_{}\[\]()#+\-.!])/g, '$1'); // escapes
  return s;
}

// ---------------------------------------------------------------- chrome

/** Tokens that, alone or together on a line, are page furniture rather than report text. */
const CHROME_TOKEN =
  /^[【\[]?(?:打印|打印本页|打印此页|打印文章|关闭|关闭窗口|关闭本页|收藏|加入收藏|收藏本页|下载|全屏|分享|分享到|分享至|分享到微信|分享到微博|分享到QQ空间|分享到QQ|返回|返回顶部|返回首页|回到顶部|顶部|首页|网站首页|上一篇|下一篇|最近搜索|热门搜索|搜索|查看详情》?|查看更多|更多|发送至邮箱|内容|纠错|我要纠错|扫一扫|手机版|微信|微博|字号|字体|默认|大|中|小|加大|还原|减小|放大|缩小|A\+|A-|浏览次数|阅读量|阅读次数|点击数|访问量|相关附件|\||×|【|】|>|»|›|>>)[】\]]?[:：]?$/;

/** A line of a labelled page header (标题:…, 发文机构:…, 成文日期:…) or a short labelled note (来源：解放日报). */
export const HEADER_LABEL =
  /^(?:标\s*题|题\s*目|索\s*引\s*号|发文字号|文\s*号|发文机构|发布机构|发文单位|成文日期|公开日期|发布日期|发文日期|印发日期|生效日期|废止日期|有\s*效\s*性|信息分类|主题分类|组配分类|体裁分类|主\s*题\s*词|关\s*键\s*词|概\s*述|摘\s*要|内容概述|来\s*源|信息来源|文章来源|时\s*间|发布时间|发表时间|更新时间|作\s*者|编\s*辑|责任编辑|浏览次数|阅读量|点击数)\s*[:：]/;

/** Labels that only a document page header has (not a news page's 来源/时间). */
const DOC_LABEL =
  /^(?:标\s*题|索\s*引\s*号|发文字号|发文机构|发布机构|发文单位|成文日期|公开日期|发文日期|废止日期|有\s*效\s*性|信息分类|主题分类|组配分类|体裁分类|主\s*题\s*词|概\s*述|内容概述)\s*[:：]/;

const LABEL_ANYWHERE =
  /(?:标题|索引号|发文字号|发文机构|发布机构|成文日期|公开日期|发布日期|废止日期|有效性|信息分类|来源|发布时间|发表时间|作者|编辑|浏览次数|阅读量|点击数)\s*[:：]/g;

const SHORT_NOTE = /^[（(]?(?:来\s*源|信息来源|文章来源|时\s*间|发布时间|发表时间|更新时间|作\s*者|编\s*辑|责任编辑|浏览次数|阅读量|点击数)\s*[:：][^。；]{0,30}[）)]?$/;

/** A publication time stamp on its own line: 2026-02-09 09:45:30, 2026年02月10日 07时41分. */
const TIME_STAMP = /^(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)\s*\d{1,2}[:：时]\d{1,2}(?:[:：分]\d{1,2}秒?)?分?$/;

/** Photo captions: …本报记者 韩卿立 摄, 省长赵刚作政府工作报告, 》》点击图片进入专题《《. */
const CAPTION = [
  /(?:记者|摄影|通讯员|图\s*[\/／]|供图)[^。，；]{0,20}摄\s*$/,
  /^[^，。；：]{0,25}摄\s*[\/／]?[^，。；：]{0,10}$/u,
  /。\s*[^，。；]{0,20}(?:日报|新闻|客户端|[\/／])[^，。；]{0,12}记者\s*[\u4e00-\u9fa5·]{2,6}(?:\s+[\u4e00-\u9fa5·]{1,4})?\s*(?:摄)?$/,
  /^[^，。；：]{1,30}(?<![工合协写制创操动运])作[^，。；：]{0,20}报告$/,
  /^[^，。；：]{1,30}作[^，。；：]{0,20}报告。$/,
  /点击(?:图片|进入|查看)/,
];

function isChromeLine(line: string): boolean {
  if (!line) return false;
  const tokens = line.split(/\s+/);
  if (tokens.every((t) => CHROME_TOKEN.test(t))) return true;
  if (line.length <= 40 && SHORT_NOTE.test(line)) return true;
  if (TIME_STAMP.test(line)) return true;
  if (/^[0-9a-f]{16,}[:：]?$/i.test(line)) return true; // a link's id printed by a CMS template
  if (/^(?:您的位置|当前位置|所在位置)[:：]/.test(line)) return true;
  // 来源: 卫生健康委员会 发布日期: 2025-04-07 浏览次数: — several labels on one short line.
  if (line.length <= 80 && HEADER_LABEL.test(line) && (line.match(LABEL_ANYWHERE) ?? []).length >= 2) return true;
  if (line.length <= 80 && CAPTION.some((re) => re.test(line))) return true;
  return false;
}

const SEPARATOR = /^(?:>|»|›|>>|\/|\||→)$/;

/** Where a page's trailing furniture starts. */
const TAIL_MARKER =
  /^(?:相关(?:报道|推荐|新闻|阅读|文章|链接|附件|文档|稿件|信息|专题|内容)|扫一扫在手机|责任编辑|打印本页|关闭窗口|附件下载|网站地图|版权所有|主办单位|上一篇|下一篇)/;

/**
 * Drop chrome lines, keeping blank lines (they carry paragraph boundaries for
 * the join step). Lines are already tidied.
 */
function removeChrome(lines: string[], rec: Recorder): string[] {
  const out = lines.slice();
  const drop = new Array<boolean>(out.length).fill(false);
  const headerDrop = new Array<boolean>(out.length).fill(false);
  // A labelled header block near the top: drop it and the site banner above it.
  const headZone = Math.min(out.length, 40);
  let lastLabel = -1;
  let firstLabel = -1;
  for (let i = 0; i < headZone; i++) {
    if (DOC_LABEL.test(out[i])) {
      if (firstLabel < 0) firstLabel = i;
      lastLabel = i;
      drop[i] = headerDrop[i] = true;
    }
  }
  if (firstLabel >= 0 && lastLabel - firstLabel >= 1) {
    // The banner: short lines, but not a title (it is read from the 标题: label, yet the page may show it too).
    for (let i = 0; i < firstLabel; i++) if (out[i].length <= 40 && !isTitleLine(out[i]) && !looksLikeBody(out[i])) drop[i] = headerDrop[i] = true;
    // The rest of the block's lines (来源:… 发布日期:… 浏览次数:) sit among the labelled ones.
    for (let i = firstLabel; i <= lastLabel; i++) if (HEADER_LABEL.test(out[i])) drop[i] = headerDrop[i] = true;
  }
  for (let i = 0; i < out.length; i++) {
    const line = out[i];
    if (!line || drop[i]) continue;
    // 【字号： 加大 还原 减小 】 spread over several lines.
    if (/^[【\[]?(?:字号|字体)[:：]?/.test(line) && line.length <= 20) {
      drop[i] = true;
      for (let j = i + 1; j < Math.min(out.length, i + 8); j++) {
        if (!out[j]) continue;
        if (/^(?:大|中|小|加大|还原|减小|默认|放大|缩小|[】\]])$/.test(out[j])) drop[j] = true;
        else break;
      }
      continue;
    }
    if (SEPARATOR.test(line)) {
      // Breadcrumb: 首页 > 栏目 > 子栏目 — the separator and the short items on both sides.
      drop[i] = true;
      for (const j of [i - 1, i + 1]) if (out[j] && out[j].length <= 12 && !/[，。；]/.test(out[j])) drop[j] = true;
      continue;
    }
    if (/^(?:来\s*源|信息来源|文章来源|时\s*间|发布时间|发表时间|作\s*者|编\s*辑|责任编辑)[:：]$/.test(line)) {
      // The label on one line, its value on the next.
      drop[i] = true;
      const j = i + 1;
      if (out[j] && out[j].length <= 20 && !/[，。；]/.test(out[j]) && !HEADER_LABEL.test(out[j])) drop[j] = true;
      continue;
    }
    if (isChromeLine(line)) drop[i] = true;
  }
  for (let i = 0; i < out.length; i++) if (drop[i]) rec.drop(headerDrop[i] ? 'header' : 'chrome', out[i]);
  return out.filter((_, i) => !drop[i]);
}

/** A line that reads as a document title (…报告, 关于…的通知): never taken for a site banner. */
function isTitleLine(line: string): boolean {
  return line.length >= 8 && !/[。！？；]/.test(line) && /(?:报告|总结|通知|意见|决定|办法|方案|规划|决议|纲要|要点)$/.test(line);
}

// ---------------------------------------------------------------- broken lines

/** Paragraph openers: 一、 （一） 1. 第一章 ① …; a line starting so is never glued to the line before. */
const HEADING_START =
  /^(?:第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,3}[.．、](?!\d)|[①-⑳]|[一二三四五六七八九十]是|附件|——)/;

function isHeadingLine(line: string): boolean {
  // 一是…, 二是… open items of prose, not headings.
  return HEADING_START.test(line) && !/^[一二三四五六七八九十]是/.test(line) && !/[。！？]/.test(line) && line.length <= 80;
}

/** Characters a paragraph may end with when the sentence continues on the next line. */
const OPEN_END = new RegExp(`[${CJK_CHAR}A-Za-z0-9，、（“《‘(]$`);
const OPEN_START = new RegExp(`^[${CJK_CHAR}A-Za-z0-9，、。；：）”》’)]`);

/** Would a careful reader glue `b` onto `a` (a word or sentence broken by a hard line break)? */
export function isBrokenLine(a: string, b: string): boolean {
  if (!OPEN_END.test(a) || !OPEN_START.test(b)) return false;
  if (isHeadingLine(a) || HEADING_START.test(b) || HEADER_LABEL.test(b)) return false;
  if (/[，、（“《‘(]$/.test(a) && a.length >= 4) return true;
  // Hard-wrapped prose: a long line cut mid-sentence. Titles, names and headings are short.
  return (a.length >= 40 && /[，。；、]/.test(a)) || (a.length >= 10 && /[，。；！？]/.test(a));
}

/** Glue broken lines (blank lines between them included) into paragraphs. */
function joinBroken(lines: string[]): string[] {
  const paras: string[] = [];
  let cur: string | null = null;
  let blanks = 0;
  for (const line of lines) {
    if (!line) {
      blanks++;
      continue;
    }
    if (cur !== null && blanks <= 2 && isBrokenLine(cur, line)) cur += line;
    else {
      if (cur !== null) paras.push(cur);
      cur = line;
    }
    blanks = 0;
  }
  if (cur !== null) paras.push(cur);
  return paras;
}

// ---------------------------------------------------------------- repeats and tail

/**
 * Keep one copy of a body a scraped page repeats: a run of paragraphs that
 * already appeared in the same order (at least 3 paragraphs and 200
 * characters, or one paragraph of 200+) is dropped. A line repeated right
 * after itself (a title shown twice) is dropped too.
 */
export function dropRepeats(paras: string[], rec: Recorder = new Recorder()): string[] {
  const first = new Map<string, number>();
  const out: string[] = [];
  const keep = new Array<boolean>(paras.length).fill(true);
  for (let j = 0; j < paras.length; j++) {
    if (!keep[j]) continue;
    const p = paras[j];
    const i = first.get(p);
    if (i === undefined) {
      first.set(p, j);
      continue;
    }
    let k = 0;
    let chars = 0;
    while (j + k < paras.length && i + k < j && paras[i + k] === paras[j + k]) {
      chars += paras[j + k].length;
      k++;
    }
    if ((k >= 3 && chars >= 200) || chars >= 200) for (let m = 0; m < k; m++) keep[j + m] = false;
  }
  let prev: string | null = null;
  for (let j = 0; j < paras.length; j++) {
    if (!keep[j] || paras[j] === prev) {
      rec.drop('repeat', paras[j]);
      continue;
    }
    out.push(paras[j]);
    prev = paras[j];
  }
  return out;
}

/** Site footers: never report text, however long the line. */
const FOOTER = /(?:版权所有|主\s*办\s*单\s*位|^主\s*办[:：]|承\s*办[:：]|协\s*办[:：]|网站标识码|ICP\s*备|公网安备|技术支持[:：]|联系电话[:：]|联系我们|网站地图|建议使用|分辨率|Copyright|©)/i;

/**
 * Does a line read as report text rather than page furniture (a link's title,
 * a label, a footer)? Sentences, long lines, headings (一、…) and clauses do.
 */
export function looksLikeBody(p: string): boolean {
  if (FOOTER.test(p) || isChromeLine(p)) return false;
  if (TAIL_MARKER.test(p) && p.length <= 40 && !/[。！？；]/.test(p)) return false;
  if (HEADER_LABEL.test(p) && p.length <= 60) return false;
  if (/[。！？；;]/.test(p)) return true;
  if (p.length > 60) return true;
  if (isHeadingLine(p)) return true;
  if (/[:：]$/.test(p) && p.length >= 10) return true; // 经济社会发展的指导思想是：
  return /[，、,]/.test(p) && p.length >= 30;
}

/**
 * Cut page furniture that follows a tail marker (相关报道, 责任编辑, 扫一扫在手机…,
 * 打印本页 …): the marker and the lines after it that look like furniture —
 * links' titles, labels, footers — up to the first line that looks like report
 * text, where reading resumes. A marker is a short line without sentence
 * punctuation; one inside a sentence (相关报道总点击量超610亿次。) is text.
 */
export function cutTail(lines: string[], rec: Recorder = new Recorder()): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const p = lines[i];
    if (p.length <= 40 && TAIL_MARKER.test(p) && !/[。！？；]/.test(p)) {
      let j = i;
      while (j < lines.length && (j === i || !lines[j] || !looksLikeBody(lines[j]))) rec.drop('tail', lines[j++]);
      // What follows a tail and only repeats text already read is the page showing its body again.
      const read = out.join('');
      while (j < lines.length && (!lines[j] || (lines[j].length >= 4 && read.includes(lines[j])))) rec.drop('tail', lines[j++]);
      out.push('');
      i = j;
      continue;
    }
    out.push(p);
    i++;
  }
  return out;
}

/** A bare label left at the end (附件：) announces nothing. */
function dropTrailingLabels(paras: string[], rec: Recorder): string[] {
  const out = paras.slice();
  while (out.length && /^[^，。；]{1,6}[:：]$/.test(out[out.length - 1])) rec.drop('tail', out.pop()!);
  return out;
}

/** Drop navigation lines before the first occurrence of a known title near the top. */
function trimBeforeTitle(paras: string[], title: string | null | undefined, rec: Recorder): string[] {
  if (!title) return paras;
  const t = tidyLine(title);
  const limit = Math.min(paras.length, 25);
  for (let i = 0; i < limit; i++) {
    if (paras[i] === t) {
      const before = paras.slice(0, i);
      if (!before.every((p) => p.length <= 20)) return paras;
      for (const p of before) rec.drop('beforeTitle', p);
      return paras.slice(i);
    }
  }
  return paras;
}

/**
 * Drop lines repeated near the top (a title and subtitle shown again after the
 * breadcrumb), up to the first real paragraph of prose.
 */
function dedupeHead(paras: string[], rec: Recorder): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  let inHead = true;
  for (const p of paras) {
    if (inHead && p.length >= 60 && /[。！？]/.test(p)) inHead = false;
    if (inHead && seen.has(p)) {
      rec.drop('headRepeat', p);
      continue;
    }
    seen.add(p);
    out.push(p);
  }
  return out;
}

/** Split raw text into tidied lines with Markdown stripped; blank lines kept as ''. */
export function toLines(raw: string): string[] {
  const out: string[] = [];
  for (const line of normalizeRaw(raw).split('\n')) {
    const s = stripMarkdownLine(line);
    if (s === null) {
      out.push('');
      continue;
    }
    out.push(tidyLine(s));
  }
  return out;
}

/**
 * Clean a report's text.
 *
 * ### Examples
 * ```ts
 * cleanText('【打印】 【字体:\n\n一、总体情况\n领导小组下设办公室，具\n\n体负责日常工作。').text
 * // => '一、总体情况\n领导小组下设办公室，具体负责日常工作。'
 * ```
 */
export function cleanText(raw: string, opts: CleanOptions = {}): CleanResult {
  const rec = new Recorder();
  let paras = joinBroken(cutTail(removeChrome(toLines(raw), rec), rec));
  paras = trimBeforeTitle(paras, opts.title, rec);
  paras = dedupeHead(paras, rec);
  paras = dropRepeats(paras, rec);
  paras = dropTrailingLabels(paras, rec);
  paras = paras.filter((p) => p.length > 0);
  const removals = [...rec.byRule.values()];
  return { paragraphs: paras, text: paras.join('\n'), removed: Object.fromEntries(removals.map((r) => [r.rule, r.chars])), removals };
}
