/**
 * Snippets: the best passages of a report for a query, and the whole report split
 * into highlighted paragraphs.
 *
 * Input is a report's cleaned text (paragraphs joined by single '\n'; paragraph N is
 * anchor `p-N`) and `normalize(text)` (same length), plus the query's terms as
 * normalised strings (parser `highlightTerms`).
 *
 * Passage choice follows pagefind's excerpt (`pagefind_web_js/lib/excerpt.ts`): slide a
 * window of `width` characters over the match positions and keep the densest. Here the
 * window never leaves its paragraph, and "densest" means most *distinct* terms first,
 * then most occurrences, so a window holding 法治 and 政府 beats one holding 法治 three times.
 *
 * What a reader of a result list expects of the passages (issue 9):
 * - one passage per paragraph: the same paragraph never shows twice;
 * - shown in document order (第 5 段 before 第 12 段), whatever order they were chosen in;
 * - never the report's front matter (its issuer, title, document number lines, which the
 *   result already shows) while the body holds a match; a match only there gives the lead
 *   passage, as no match does.
 */
import type { DocRecord, HitData, ParagraphData, ParagraphRange, PassageData, Range, ReportDocument, ReportParagraphs } from '../types.js';
import { splitsPair } from './highlight.js';
import { termsMatcher, type QueryMatcher } from './occurrences.js';

export interface Paragraph {
  /** 0-based; the anchor is `p-${index}`. */
  index: number;
  /** Offsets in the text, `[start, end)`, the '\n' excluded. */
  start: number;
  end: number;
}

/**
 * Paragraphs of a cleaned text: every '\n'-separated line, empty ones included, so
 * paragraph N here is always `text.split('\n')[N]` (anchor `p-N`).
 *
 * ### Examples
 * splitParagraphs('一\n二三') // => [{index: 0, start: 0, end: 1}, {index: 1, start: 2, end: 4}]
 */
export function splitParagraphs(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    out.push({ index: out.length, start, end: nl });
    start = nl + 1;
  }
  out.push({ index: out.length, start, end: text.length });
  return out;
}

export interface PassageOptions {
  /** Most passages returned. Default 3. */
  max?: number;
  /** Target passage length in UTF-16 code units (before snapping to sentence ends, ±`snap`). Default 120. */
  width?: number;
  /** How far an edge may move to land on a sentence end or the paragraph edge. Default 16. */
  snap?: number;
}

const DEFAULTS: Required<PassageOptions> = { max: 3, width: 120, snap: 16 };

/** A lead passage comes from the first paragraph at least this long (title/issuer lines are shorter). */
const LEAD_MIN_LENGTH = 40;
/** Front matter (the short lines before the first long paragraph) is looked for among this many paragraphs. */
const FRONT_MATTER_MAX = 8;

/**
 * Index of the first body paragraph: the paragraphs before it are the report's front
 * matter — 版头, issuer, title, 文号, date, salutation: the short lines before the first
 * paragraph of at least `LEAD_MIN_LENGTH` characters, at most `FRONT_MATTER_MAX` of them.
 * 0 when the report has no long paragraph (then every paragraph is body).
 *
 * ### Examples
 * bodyStart(splitParagraphs('达州市卫生健康委员会关于2023年法治政府建设情况的报告\n2023年,市卫生健康委坚持…（40 字以上）'))
 * // => 1
 */
export function bodyStart(paragraphs: readonly Paragraph[]): number {
  const first = paragraphs.findIndex((p) => p.end - p.start >= LEAD_MIN_LENGTH);
  return first < 0 ? 0 : Math.min(first, FRONT_MATTER_MAX);
}

/** Distinct-term count dominates occurrence count in a window's score. */
const DISTINCT_WEIGHT = 1000;
/** Above any score (terms are capped at MAX_QUERY_TERMS; a window holds < 2^20 occurrences). */
const MAX_SCORE = 2 ** 20;

/** What passages mark and count: a query's occurrence model, or plain terms matched exactly. */
export type MatchSource = readonly string[] | QueryMatcher;

function asMatcher(source: MatchSource): QueryMatcher {
  return 'occurrences' in source ? source : termsMatcher(source as readonly string[]);
}

/** Sentence ends in normalised text (full-width ！？； are folded to ASCII by normalize). */
function isSentenceEnd(c: number): boolean {
  return c === 0x3002 /* 。 */ || c === 0x21 /* ! */ || c === 0x3f /* ? */ || c === 0x3b /* ; */;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x3000;
}

/** Index of the first range whose end is after `pos` (ranges sorted, non-overlapping). */
function firstRangeEndingAfter(ranges: readonly Range[], pos: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid][1] <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The passage `[start, end)` around a core span `[cs, ce)` inside paragraph `[ps, pe)`:
 * about `width` long, edges moved to the paragraph edge or just after a sentence end
 * when one is within `snap`, never cutting a marked match or a surrogate pair.
 */
function passageRange(
  text: string,
  normText: string,
  ranges: readonly Range[],
  cs: number,
  ce: number,
  ps: number,
  pe: number,
  o: Required<PassageOptions>,
): Range {
  let start = cs;
  let end = ce;
  if (ce - cs < o.width) {
    const slack = o.width - (ce - cs);
    // A third of the room before the matches, the rest after: Chinese sentences
    // usually name the subject first, and snapping tends to pull the start back.
    start = cs - Math.floor(slack / 3);
    end = start + o.width;
    if (start < ps) {
      end += ps - start;
      start = ps;
    }
    if (end > pe) {
      start = Math.max(ps, start - (end - pe));
      end = pe;
    }
    start = snapStart(normText, start, cs, ps, o.snap);
    // Keep the length after moving the start, then let the end find its own sentence end.
    end = Math.min(pe, Math.max(ce, start + o.width));
    end = snapEnd(normText, end, ce, pe, o.snap);
  }
  // Trim blanks at cut edges only (paragraph edges are already trimmed by cleaning).
  if (start > ps) while (start < cs && isBlank(normText.charCodeAt(start))) start++;
  if (end < pe) while (end > ce && isBlank(normText.charCodeAt(end - 1))) end--;
  // Never cut a mark in two: widen to the whole merged match.
  const k = firstRangeEndingAfter(ranges, start);
  if (k < ranges.length && ranges[k][0] < start) start = Math.max(ps, ranges[k][0]);
  const m = firstRangeEndingAfter(ranges, end - 1);
  if (m < ranges.length && ranges[m][0] < end && ranges[m][1] > end) end = Math.min(pe, ranges[m][1]);
  if (splitsPair(text, start)) start--;
  if (splitsPair(text, end)) end++;
  return [start, end];
}

/**
 * Where to start instead of `start`: the paragraph start when within `snap`, else the
 * sentence start nearest to `start` in `[start - snap, cs]` (so a passage may begin
 * with the sentence holding the first match), else `start`.
 */
function snapStart(normText: string, start: number, cs: number, ps: number, snap: number): number {
  if (start - ps <= snap) return ps;
  const reach = Math.max(snap, cs - start);
  for (let d = 0; d <= reach; d++) {
    const back = start - d;
    if (d <= snap && back > ps && isSentenceEnd(normText.charCodeAt(back - 1))) return back;
    const fwd = start + d;
    if (d > 0 && fwd <= cs && isSentenceEnd(normText.charCodeAt(fwd - 1))) return fwd;
  }
  return start;
}

/**
 * Where to end instead of `end`: the paragraph end when within `snap`, else just after
 * the sentence end nearest to `end` in `[ce, end + snap]`, else `end`.
 */
function snapEnd(normText: string, end: number, ce: number, pe: number, snap: number): number {
  if (pe - end <= snap) return pe;
  for (let d = 0; d <= snap; d++) {
    const fwd = end + d;
    if (fwd <= pe && isSentenceEnd(normText.charCodeAt(fwd - 1))) return fwd;
    const back = end - d;
    if (d > 0 && back >= ce && back > 0 && isSentenceEnd(normText.charCodeAt(back - 1))) return back;
  }
  return end;
}

function leadSpan(normText: string, text: string, paragraphs: Paragraph[], o: Required<PassageOptions>): PassageSpan[] {
  const p =
    paragraphs.find((x) => x.end - x.start >= LEAD_MIN_LENGTH) ?? paragraphs.find((x) => x.end > x.start);
  if (!p) return [];
  let end = p.end;
  if (end - p.start > o.width) {
    end = snapEnd(normText, p.start + o.width, p.start, p.end, o.snap);
    while (end > p.start + 1 && isBlank(normText.charCodeAt(end - 1))) end--;
    if (splitsPair(text, end)) end++;
  }
  return [{ paragraph: p, start: p.start, end, score: 0 }];
}

/** A passage as offsets in the text, before rendering. */
export interface PassageSpan {
  paragraph: Paragraph;
  /** `[start, end)` offsets in the text, within the paragraph. */
  start: number;
  end: number;
  /** Distinct terms × 1000 + occurrences in the window that chose it (0 for a lead passage). */
  score: number;
}

/**
 * The best passages of a report for the given terms, and the report's match count.
 *
 * - Each passage lies within ONE paragraph, is about `width` code units long, and
 *   starts/ends at the paragraph edge or after a sentence end (。！？；) when one is
 *   within `snap`; a passage that does not reach an edge of its paragraph was cut there.
 * - Score of a window: distinct terms × 1000 + occurrences. The best window of each
 *   paragraph competes; the `max` best paragraphs (by score, then position) each give
 *   one passage, returned in document order.
 * - Front matter (`bodyStart`) gives no passage while a body paragraph holds a match;
 *   when only the front matter does, the lead passage stands in (without marks).
 * - `matchCount` is `countMatches(normText, terms)` (non-overlapping occurrences of
 *   each distinct term, summed).
 * - No terms, or no match (in the body): one lead passage without marks, from the first
 *   paragraph of at least 40 characters (the first non-empty one otherwise).
 *
 * Offsets (`start`, `end`, `ranges`) are relative to the paragraph; `text` is the slice.
 *
 * ### Examples
 * bestPassages(text, normalize(text), ['三项制度']).passages[0]
 * // => { paragraph: 12, start: 30, end: 150, length: 420, text: '全面落实行政执法“三项制度”。…', ranges: [[39, 43]] }
 */
export function bestPassages(
  text: string,
  normText: string,
  terms: MatchSource,
  opts: PassageOptions = {},
): { passages: PassageData[]; matchCount: number } {
  const { spans, matchCount, ranges } = passageSpans(text, normText, terms, opts);
  const passages = spans.map(({ paragraph: p, start, end }): PassageData => {
    const k = firstRangeEndingAfter(ranges, start);
    const marks: Range[] = [];
    for (let m = k; m < ranges.length && ranges[m][0] < end; m++) {
      marks.push([Math.max(ranges[m][0], start) - p.start, Math.min(ranges[m][1], end) - p.start]);
    }
    return { paragraph: p.index, start: start - p.start, end: end - p.start, length: p.end - p.start, text: text.slice(start, end), ranges: marks };
  });
  return { passages, matchCount };
}

/**
 * What `bestPassages` renders: the chosen spans in output (document) order, the match
 * count, and the merged match ranges of the whole text (what gets marked).
 */
export function passageSpans(
  text: string,
  normText: string,
  terms: MatchSource,
  opts: PassageOptions = {},
): { spans: PassageSpan[]; matchCount: number; ranges: Range[] } {
  const matcher = asMatcher(terms);
  const o: Required<PassageOptions> = { ...DEFAULTS, ...opts };
  const paragraphs = splitParagraphs(text);
  const occ = matcher.occurrences(normText);
  const nTerms = matcher.terms.length;
  if (occ.length === 0) return { spans: leadSpan(normText, text, paragraphs, o), matchCount: 0, ranges: [] };
  const body = bodyStart(paragraphs);
  // Front matter repeats what the result shows (issuer, title): passages come from the body.
  const bodyFrom = paragraphs[body].start;
  if (body > 0 && occ[occ.length - 1].start < bodyFrom) {
    return { spans: leadSpan(normText, text, paragraphs, o), matchCount: occ.length, ranges: [] };
  }

  // Candidate windows: for each occurrence l, the run l..r-1 of occurrences of the same
  // paragraph that fit in `width` after it (two pointers; term counts kept incrementally).
  // Candidates live in typed arrays and sort as packed numbers: this runs for every hit.
  const m = occ.length;
  const rOf = new Int32Array(m);
  const paraOf = new Int32Array(m);
  const scoreOf = new Int32Array(m);
  const order = new Float64Array(m);
  const perTerm = new Int32Array(nTerms);
  let pi = 0;
  for (let a = 0; a < m; ) {
    while (paragraphs[pi].end < occ[a].start) pi++;
    const paraEnd = paragraphs[pi].end;
    let b = a;
    // `<=`: an occurrence starting on the '\n' itself (a term with a newline) stays here, so b > a.
    while (b < m && occ[b].start <= paraEnd) b++;
    perTerm.fill(0);
    let distinctTerms = 0;
    let r = a;
    for (let l = a; l < b; l++) {
      if (r === l) {
        // The window is empty: take l even when it alone is longer than `width`.
        if (perTerm[occ[r].term]++ === 0) distinctTerms++;
        r++;
      }
      while (r < b && occ[r].end - occ[l].start <= o.width) {
        if (perTerm[occ[r].term]++ === 0) distinctTerms++;
        r++;
      }
      const score = distinctTerms * DISTINCT_WEIGHT + Math.min(r - l, DISTINCT_WEIGHT - 1);
      rOf[l] = r;
      paraOf[l] = pi;
      scoreOf[l] = score;
      // Higher score first, then earlier position (occ is sorted, so l orders by position).
      order[l] = (MAX_SCORE - score) * 2 ** 32 + l;
      if (--perTerm[occ[l].term] === 0) distinctTerms--;
    }
    a = b;
  }
  order.sort();

  const ranges = matcher.ranges(normText);
  const spans: PassageSpan[] = [];
  for (let k = 0; k < m && spans.length < o.max; k++) {
    const l = order[k] % 2 ** 32;
    const para = paragraphs[paraOf[l]];
    // one passage per paragraph (its best window came first); none from the front matter
    if (para.index < body || spans.some((x) => x.paragraph === para)) continue;
    let ce = 0;
    for (let x = l; x < rOf[l]; x++) if (occ[x].end > ce) ce = occ[x].end;
    const cs = occ[l].start;
    const [start, end] = passageRange(text, normText, ranges, cs, ce, para.start, para.end, o);
    spans.push({ paragraph: para, start, end, score: scoreOf[l] });
  }
  spans.sort((a, b) => a.start - b.start);
  return { spans, matchCount: occ.length, ranges };
}

/**
 * Every paragraph of a report with its text, the ranges of the terms to mark in it
 * (offsets into the paragraph), and its match count (same counting as
 * `countMatches`). One pass over the text per term, whatever the number of paragraphs.
 */
export function highlightParagraphs(text: string, normText: string, terms: MatchSource, range?: ParagraphRange): ParagraphData[] {
  return paragraphView(text, normText, asMatcher(terms), range).paragraphs;
}

/**
 * The paragraphs `[from, from + count)` of a report (all without a range), marked,
 * and the occurrences in the whole text. Paragraphs outside the range are only
 * stepped over: a very long report is shown a slice at a time, never turned into
 * one page of HTML.
 */
function paragraphView(text: string, normText: string, matcher: QueryMatcher, range?: ParagraphRange): { paragraphs: ParagraphData[]; total: number; matchCount: number } {
  const ranges = matcher.ranges(normText);
  const occ = matcher.occurrences(normText);
  const from = range?.from ?? 0;
  const to = range ? from + range.count : Infinity;
  const out: ParagraphData[] = [];
  let ri = 0;
  let oi = 0;
  let total = 0;
  for (const p of splitParagraphs(text)) {
    total++;
    if (p.index < from || p.index >= to) continue;
    while (ri < ranges.length && ranges[ri][1] <= p.start) ri++;
    const marks: Range[] = [];
    for (let rj = ri; rj < ranges.length && ranges[rj][0] < p.end; rj++) {
      marks.push([Math.max(ranges[rj][0], p.start) - p.start, Math.min(ranges[rj][1], p.end) - p.start]);
    }
    while (oi < occ.length && occ[oi].start < p.start) oi++;
    let matches = 0;
    for (; oi < occ.length && occ[oi].start < p.end; oi++) if (occ[oi].end <= p.end) matches++;
    out.push({ index: p.index, text: text.slice(p.start, p.end), ranges: marks, matches });
  }
  return { paragraphs: out, total, matchCount: occ.length };
}

/** A report as the engine API gives it (`Engine.paragraphs`), from its text, for any backend. */
export function reportParagraphs(report: ReportDocument, normText: string, terms: MatchSource, range?: ParagraphRange): ReportParagraphs {
  const { paragraphs, total, matchCount } = paragraphView(report.text, normText, asMatcher(terms), range);
  return { report, paragraphs, matchCount, from: range?.from ?? 0, totalParagraphs: total };
}

/** A hit as the engine API gives it (`SearchResult.hits`), from the report's metadata and text, for any backend. */
export function hitData(r: Omit<DocRecord, 'chars'>, text: string, normText: string, score: number, terms: MatchSource): HitData {
  const { passages, matchCount } = bestPassages(text, normText, terms);
  return {
    id: r.id,
    title: r.title,
    issuer: r.issuer,
    region: { province: r.region.province, city: r.region.city, county: r.region.county },
    year: r.year,
    date: r.date,
    score: Math.round(score * 1e4) / 1e4,
    matchCount,
    passages,
  };
}
