import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/analyze/analyzer.js';
import { highlightTerms, parseQuery } from '../../src/query/parser.js';
import { countMatches } from '../../src/search/highlight.js';
import { bestPassages as passageData, bodyStart, highlightParagraphs as paragraphData, passageSpans, splitParagraphs, type PassageOptions } from '../../src/search/passages.js';
import type { Passage } from '../../src/types.js';
import { highlightHtml, passageHtml, unescapeHtml } from '../../src/web/html.js';

/**
 * The engine returns passages and paragraphs as data (offsets and ranges); the
 * web renders them. These tests read the rendered form, so both are checked,
 * and each passage's data is checked against its paragraph.
 */
function bestPassages(text: string, norm: string, terms: readonly string[], opts?: PassageOptions): { passages: Passage[]; matchCount: number } {
  const r = passageData(text, norm, terms, opts);
  const paragraphs = text.split('\n');
  for (const p of r.passages) {
    const para = paragraphs[p.paragraph];
    expect(p.text).toBe(para.slice(p.start, p.end));
    expect(p.length).toBe(para.length);
    for (const [s, e] of p.ranges) expect(s >= p.start && e <= p.end && s < e).toBe(true);
  }
  return { matchCount: r.matchCount, passages: r.passages.map((p) => ({ anchor: `p-${p.paragraph}`, html: passageHtml(p) })) };
}

function highlightParagraphs(text: string, norm: string, terms: readonly string[]) {
  return paragraphData(text, norm, terms).map((p) => ({ anchor: `p-${p.index}`, text: p.text, html: highlightHtml(p.text, p.ranges), matches: p.matches }));
}

/** A seed report as cleaned text: trimmed, non-empty lines joined by '\n' (no dependency on ingest). */
function seed(name: string): string {
  const raw = readFileSync(new URL(`../fixtures/corpus/seeds/${name}`, import.meta.url), 'utf8');
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}
const XINING = seed('002_2bba1cb4cd6e5587.txt'); // 湟中区卫生健康局 2024
const XILIN = seed('000_abd99ba7655eaa30.txt'); // 锡盟卫生健康委 2024
const SONGJIANG = seed('004_8c958e78da1e36e1.txt'); // 上海市松江区 2022
const DAZHOU = seed('001_9142c4c7e365e737.txt'); // 达州市 2023

const unmark = (html: string) => html.replaceAll('<mark>', '').replaceAll('</mark>', '');
const marks = (html: string) => [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => unescapeHtml(m[1]));

function paragraphOf(text: string, anchor: string): string {
  const n = Number(anchor.slice(2));
  return text.split('\n')[n];
}

/**
 * Checks a passage against its paragraph: the unmarked, unescaped html is a slice of the
 * paragraph, with `…` exactly where the slice does not reach the paragraph's edge.
 */
function expectSliceOfParagraph(text: string, p: Passage): { start: number; end: number; core: string } {
  expect(p.anchor).toMatch(/^p-\d+$/);
  const para = paragraphOf(text, p.anchor);
  expect(para).toBeDefined();
  const plain = unescapeHtml(unmark(p.html));
  for (const lead of [true, false]) {
    for (const tail of [true, false]) {
      if (lead && !plain.startsWith('…')) continue;
      if (tail && !plain.endsWith('…')) continue;
      const core = plain.slice(lead ? 1 : 0, tail ? plain.length - 1 : plain.length);
      if (lead && tail && plain.length < 2) continue;
      // find a position consistent with the ellipses
      for (let s = para.indexOf(core); s >= 0; s = para.indexOf(core, s + 1)) {
        const e = s + core.length;
        if (lead === s > 0 && tail === e < para.length) return { start: s, end: e, core };
      }
    }
  }
  throw new Error(`passage is not a slice of ${p.anchor}: ${plain}`);
}

describe('splitParagraphs', () => {
  it('gives every line, with anchors matching split("\\n")', () => {
    expect(splitParagraphs('一\n二三')).toEqual([
      { index: 0, start: 0, end: 1 },
      { index: 1, start: 2, end: 4 },
    ]);
    expect(splitParagraphs('')).toEqual([{ index: 0, start: 0, end: 0 }]);
    const ps = splitParagraphs(XINING);
    expect(ps.map((p) => XINING.slice(p.start, p.end))).toEqual(XINING.split('\n'));
  });
});

describe('bestPassages on seed reports', () => {
  const terms = (q: string) => highlightTerms(parseQuery(q));

  it('"三项制度" in 湟中: both occurrences, each in its own paragraph, sentence-aligned', () => {
    const { passages, matchCount } = bestPassages(XINING, normalize(XINING), terms('"三项制度"'));
    expect(matchCount).toBe(2);
    expect(passages).toHaveLength(2);
    for (const p of passages) {
      expect(marks(p.html)).toEqual(['三项制度']);
      expectSliceOfParagraph(XINING, p);
    }
    // Starts at the sentence holding the match, not mid-sentence.
    expect(unmark(passages[0].html)).toMatch(/^…五是全面落实行政执法“<mark>|^…五是全面落实行政执法“三项制度/);
    expect(passages[0].html).toContain('五是全面落实行政执法“<mark>三项制度</mark>”。');
    expect(passages[1].html).toContain('规范做好“<mark>三项制度</mark>”工作');
    expect(new Set(passages.map((p) => p.anchor)).size).toBe(2);
  });

  it('三项制度 in 锡盟: the single match', () => {
    const { passages, matchCount } = bestPassages(XILIN, normalize(XILIN), terms('"三项制度"'));
    expect(matchCount).toBe(1);
    expect(passages).toHaveLength(1);
    expect(passages[0].html).toContain('二是建立行政执法“<mark>三项制度</mark>”,规范行政行为。');
  });

  it('"法治政府" in 松江: three passages from the three best paragraphs, in document order, not the title line', () => {
    const norm = normalize(SONGJIANG);
    const t = terms('"法治政府"');
    const { passages, matchCount } = bestPassages(SONGJIANG, norm, t);
    expect(matchCount).toBe(countMatches(norm, t));
    expect(matchCount).toBe(SONGJIANG.split('法治政府').length - 1);
    expect(SONGJIANG.split('\n')[0]).toBe('上海市松江区卫生健康委员会2022年法治政府建设情况报告');
    expect(passages).toHaveLength(3);
    const numbers = passages.map((p) => Number(p.anchor.slice(2)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b)); // document order
    expect(new Set(numbers).size).toBe(3); // never the same paragraph twice
    expect(numbers).not.toContain(0); // the title line repeats the result's title
    for (const p of passages) {
      expectSliceOfParagraph(SONGJIANG, p);
      expect(marks(p.html).length).toBeGreaterThan(0);
    }
    const { spans } = passageSpans(SONGJIANG, norm, t);
    // chosen by score: no body paragraph left out has a better window than one shown
    const shown = new Set(spans.map((x) => x.paragraph.index));
    const worstShown = Math.min(...spans.map((x) => x.score));
    const paras = SONGJIANG.split('\n');
    paras.forEach((para, i) => {
      if (i === 0 || shown.has(i)) return;
      expect(countMatches(normalize(para), t)).toBeLessThanOrEqual(worstShown % 1000);
    });
    // about `width` long: 120 ± the sentence snap at both ends
    for (const x of spans) expect(x.end - x.start).toBeLessThanOrEqual(120 + 2 * 16);
  });

  // The cases where the golden file had the same paragraph twice or out of order (its
  // numbers come from the cleaned text, these from the raw seed lines): p-4 twice; p-4
  // three times; p-2, p-2, p-4; p-10, p-9, p-10.
  it.each([
    ['行政执法公示', XILIN, ['p-12']],
    ['行政执法 公示', XILIN, ['p-10', 'p-12', 'p-13']],
    ['法治政府', XILIN, ['p-10', 'p-12']],
    ['行政执法公示', XINING, ['p-11', 'p-12']],
  ])('%s: each paragraph once, in document order', (q, text, anchors) => {
    const { passages } = bestPassages(text, normalize(text), terms(q));
    expect(passages.map((p) => p.anchor)).toEqual(anchors);
  });

  it('the front matter (issuer, title lines) gives no passage while the body holds a match', () => {
    expect(XINING.split('\n').slice(0, 2)).toEqual(['湟中区卫生健康局', '2024年法治政府建设情况报告']);
    expect(bodyStart(splitParagraphs(XINING))).toBe(2);
    const { passages } = bestPassages(XINING, normalize(XINING), terms('湟中'));
    expect(passages.length).toBeGreaterThan(0);
    for (const p of passages) expect(Number(p.anchor.slice(2))).toBeGreaterThanOrEqual(2);
    expect(passages.every((p) => marks(p.html).includes('湟中'))).toBe(true);
  });

  it('a match only in the front matter: the lead passage stands in, the match still counted', () => {
    const text = ['某某县卫生健康局', '关于2024年法治政府建设情况的报告', '今年以来，我局坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实上级部署，扎实推进各项工作。'].join('\n');
    expect(bodyStart(splitParagraphs(text))).toBe(2);
    const { passages, matchCount } = bestPassages(text, normalize(text), ['法治政府']);
    expect(matchCount).toBe(1);
    expect(passages).toEqual([{ anchor: 'p-2', html: text.split('\n')[2] }]);
    // a report without any long paragraph has no front matter: its short lines are passages
    expect(bestPassages('法治\n政府', normalize('法治\n政府'), ['政府']).passages).toEqual([{ anchor: 'p-1', html: '<mark>政府</mark>' }]);
  });

  it('prefers a window with every term over one with many repeats of one', () => {
    const text = ['法治法治法治法治法治法治法治法治。', '其他内容。法治政府建设。'].join('\n');
    const { passages } = bestPassages(text, normalize(text), ['法治', '政府'], { max: 1 });
    expect(passages[0].anchor).toBe('p-1');
    expect(passages[0].html).toBe('其他内容。<mark>法治</mark><mark>政府</mark>建设。');
  });

  it('orders equal scores by position', () => {
    const text = ['第一段湟中。', '第二段湟中。'].join('\n');
    const { passages } = bestPassages(text, normalize(text), ['湟中']);
    expect(passages.map((p) => p.anchor)).toEqual(['p-0', 'p-1']);
  });

  it('a Traditional query marks Simplified text', () => {
    expect(terms('“法治政府建設” 共產黨')).toEqual(['法治政府建设', '共产党']);
    const norm = normalize(XINING);
    const a = bestPassages(XINING, norm, terms('“法治政府建設”'));
    expect(a.matchCount).toBe(XINING.split('法治政府建设').length - 1);
    expect(a.passages[0].html).toContain('<mark>法治政府建设</mark>');
    const b = bestPassages(XINING, norm, terms('共產黨'));
    expect(b.matchCount).toBe(XINING.split('共产党').length - 1);
    expect(b.matchCount).toBeGreaterThan(0);
    expect(b.passages.flatMap((p) => marks(p.html))).toContain('共产党');
  });

  it('without terms or matches: a lead passage from the first real paragraph, no marks', () => {
    for (const t of [[], ['不存在的词语']]) {
      const { passages, matchCount } = bestPassages(DAZHOU, normalize(DAZHOU), t);
      expect(matchCount).toBe(0);
      expect(passages).toHaveLength(1);
      expect(passages[0].anchor).toBe('p-2'); // p-0/p-1 are the issuer and title lines
      expect(passages[0].html).not.toContain('<mark>');
      expect(passages[0].html.startsWith('2023年,市卫生健康委')).toBe(true);
      expectSliceOfParagraph(DAZHOU, passages[0]);
    }
    expect(bestPassages('', '', ['法治']).passages).toEqual([]);
    expect(bestPassages('短标题', '短标题', []).passages).toEqual([{ anchor: 'p-0', html: '短标题' }]);
  });

  it('escapes hostile report text and hostile queries', () => {
    const text = '说明<script>alert(1)</script>与&amp;和<mark>法治</mark>，"><svg onload=alert(1)>';
    for (const q of ['script', '<script>', '"<mark>"', '"><svg onload=alert(1)>', '&amp;']) {
      const { passages } = bestPassages(text, normalize(text), terms(q));
      expect(passages).toHaveLength(1);
      const outside = unmark(passages[0].html);
      expect(outside).not.toMatch(/[<>]/);
      expect(unescapeHtml(outside)).toBe(text);
      for (const m of marks(passages[0].html)) expect(terms(q)).toContain(normalize(m));
    }
    expect(bestPassages(text, normalize(text), terms('script')).passages[0].html).toContain(
      '&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;',
    );
  });
});

describe('highlightParagraphs', () => {
  it('covers the whole report, counts every match, marks every occurrence', () => {
    const norm = normalize(XINING);
    const t = highlightTerms(parseQuery('法治政府 湟中'));
    const paras = highlightParagraphs(XINING, norm, t);
    expect(paras.map((p) => p.text).join('\n')).toBe(XINING);
    expect(paras.map((p) => p.anchor)).toEqual(paras.map((_, i) => `p-${i}`));
    expect(paras.reduce((n, p) => n + p.matches, 0)).toBe(countMatches(norm, t));
    for (const p of paras) {
      expect(unescapeHtml(unmark(p.html))).toBe(p.text);
      expect(p.matches).toBe(countMatches(normalize(p.text), t));
      for (const m of marks(p.html)) expect(t).toContain(normalize(m));
    }
    expect(paras[0].html).toBe('<mark>湟中</mark>区卫生健康局');
  });

  it('without terms: escaped paragraphs, no marks', () => {
    const paras = highlightParagraphs('a<b\n"c"', normalize('a<b\n"c"'), []);
    expect(paras).toEqual([
      { anchor: 'p-0', text: 'a<b', html: 'a&lt;b', matches: 0 },
      { anchor: 'p-1', text: '"c"', html: '&quot;c&quot;', matches: 0 },
    ]);
  });
});

/** Whether any term occurs (as termOccurrences counts) at or after `from`. */
function termOccurrencesIn(norm: string, ts: string[], from: number): boolean {
  return countMatches(norm.slice(from), ts) > 0 && passageSpans(norm, norm, ts).spans.length > 0;
}

describe('passages: properties', () => {
  // Characters chosen so that terms match often: CJK, Traditional forms, full-width,
  // emoji and an Ext-B character (surrogate pairs), markup, sentence ends, newlines, blanks.
  const piece = fc.constantFrom(
    '法', '治', '政', '府', '國', '国', 'Ａ', 'a', '😀', '𠀀', '<', '>', '&', '"', "'", '。', '！', '\n', ' ', 'mark', '<mark>', '&amp;',
  );
  const text = fc.array(piece, { maxLength: 400, size: 'max' }).map((a) => a.join(''));
  const term = fc.array(piece.filter((p) => p !== '\n'), { minLength: 1, maxLength: 3 }).map((a) => normalize(a.join('')).trim());
  const terms = fc.array(term, { maxLength: 4 }).map((ts) => ts.filter((t) => t !== ''));
  const opts = fc.record({ max: fc.integer({ min: 1, max: 4 }), width: fc.integer({ min: 1, max: 60 }) });

  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  /** Every mark is a union of term occurrences: each of its characters lies in an occurrence inside the mark. */
  function expectCoveredByTerms(mark: string, ts: string[]) {
    const n = normalize(mark);
    const covered = new Array<boolean>(n.length).fill(false);
    for (const t of ts) {
      for (let i = n.indexOf(t); i >= 0; i = n.indexOf(t, i + 1)) covered.fill(true, i, i + t.length);
    }
    expect(covered.every(Boolean)).toBe(true);
    expect(ts.some((t) => n.startsWith(t))).toBe(true);
    expect(ts.some((t) => n.endsWith(t))).toBe(true);
  }

  it('passages are escaped slices of one paragraph, marks are terms, pairs are never cut', () => {
    fc.assert(
      fc.property(text, terms, opts, (t, ts, o) => {
        const norm = normalize(t);
        const { passages, matchCount } = bestPassages(t, norm, ts, o);
        expect(matchCount).toBe(countMatches(norm, ts));
        expect(passages.length).toBeLessThanOrEqual(o.max);
        const { spans } = passageSpans(t, norm, ts, o);
        expect(spans.map((x) => `p-${x.paragraph.index}`)).toEqual(passages.map((p) => p.anchor));
        passages.forEach((p, k) => {
          expect(unmark(p.html)).not.toMatch(/[<>"']/);
          const { paragraph, start, end } = spans[k];
          expect(paragraph.start <= start && start <= end && end <= paragraph.end).toBe(true);
          // The exact slice, with … exactly where the paragraph is cut.
          const expected = (start > paragraph.start ? '…' : '') + t.slice(start, end) + (end < paragraph.end ? '…' : '');
          expect(unescapeHtml(unmark(p.html))).toBe(expected);
          expectSliceOfParagraph(t, p);
          expect(t.slice(start, end)).not.toMatch(LONE_SURROGATE);
          for (const m of marks(p.html)) expectCoveredByTerms(m, ts);
          for (let j = 0; j < k; j++) {
            const o2 = spans[j];
            if (o2.paragraph === paragraph) expect(end <= o2.start || o2.end <= start).toBe(true);
          }
        });
        if (matchCount > 0) expect(passages.length).toBeGreaterThan(0);
        // document order, each paragraph once
        const order = spans.map((x) => x.paragraph.index);
        expect(order).toEqual([...new Set(order)].sort((a, b) => a - b));
        // a match in the body: every passage holds one, none comes from the front matter
        const paras = splitParagraphs(t);
        const body = bodyStart(paras);
        const occInBody = termOccurrencesIn(norm, ts, paras[body].start);
        if (occInBody) {
          for (const x of spans) expect(x.paragraph.index).toBeGreaterThanOrEqual(body);
          for (const p of passages) expect(p.html).toContain('<mark>');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('highlighted paragraphs rebuild the text and mark every occurrence', () => {
    fc.assert(
      fc.property(text, terms, (t, ts) => {
        const norm = normalize(t);
        const paras = highlightParagraphs(t, norm, ts);
        expect(paras.map((p) => p.text).join('\n')).toBe(t);
        expect(paras.reduce((n, p) => n + p.matches, 0)).toBe(countMatches(norm, ts));
        for (const p of paras) {
          const outside = unmark(p.html);
          expect(outside).not.toMatch(/[<>"']/);
          expect(unescapeHtml(outside)).toBe(p.text);
          for (const m of marks(p.html)) {
            expect(m).not.toMatch(LONE_SURROGATE);
            expectCoveredByTerms(m, ts);
          }
          // Nothing left unmarked: removing the marked spans leaves no whole occurrence.
          const unmarkedPieces = p.html.split(/<mark>.*?<\/mark>/).map((x) => normalize(unescapeHtml(x)));
          for (const piece of unmarkedPieces) {
            for (const term of ts) {
              const i = piece.indexOf(term);
              // an occurrence inside an unmarked piece is only allowed when it would split a surrogate pair
              if (i >= 0) expect(term).toMatch(LONE_SURROGATE);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
