import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/analyze/analyzer.js';
import { countMatches, findMatches, mergeRanges } from '../../src/search/highlight.js';
import { escapeHtml, highlightHtml, unescapeHtml } from '../../src/web/html.js';

describe('findMatches', () => {
  const cases: Array<[string, string[], Array<[number, number]>]> = [
    ['法治政府建设', ['法治', '政府'], [[0, 2], [2, 4]]],
    ['法治政府建设', ['法治政', '政府'], [[0, 4]]],
    ['aaa', ['aa'], [[0, 3]]],
    ['法治法治', ['法治', '法治'], [[0, 2], [2, 4]]],
    ['法治', ['', '政府'], []],
    ['😀😀', ['\ud83d'], []], // a lone surrogate half never splits an emoji
    ['😀😀', ['\ude00'], []],
    ['x😀y', ['😀'], [[1, 3]]],
  ];
  it.each(cases)('%s %j', (text, terms, expected) => {
    expect(findMatches(normalize(text), terms)).toEqual(expected);
  });

  it('restricts to [from, to): only whole occurrences inside', () => {
    const t = '法治政府\n法治建设';
    expect(findMatches(t, ['法治'], 5, t.length)).toEqual([[5, 7]]);
    expect(findMatches(t, ['法治政'], 1, 4)).toEqual([]);
  });

  it('finds Traditional and full-width queries in Simplified text', () => {
    const text = '全面推进法治政府建设，坚持中国共产党的领导。ＡＢＣ';
    const norm = normalize(text);
    const [a] = findMatches(norm, [normalize('法治政府建設')]);
    expect(text.slice(a[0], a[1])).toBe('法治政府建设');
    const [b] = findMatches(norm, [normalize('共產黨')]);
    expect(text.slice(b[0], b[1])).toBe('共产党');
    const [c] = findMatches(norm, [normalize('abc')]);
    expect(text.slice(c[0], c[1])).toBe('ＡＢＣ');
  });
});

describe('countMatches', () => {
  const cases: Array<[string, string[], number]> = [
    ['法治政府法治', ['法治', '法治政府'], 3],
    ['aaaa', ['aa'], 2],
    ['aaa', ['aa'], 1],
    ['法治法治', ['法治', '法治'], 2],
    ['法治', [], 0],
    ['', ['法治'], 0],
  ];
  it.each(cases)('%s %j → %i', (text, terms, n) => expect(countMatches(text, terms)).toBe(n));
});

describe('mergeRanges', () => {
  it('merges overlaps, keeps adjacent ranges apart', () => {
    expect(mergeRanges([[5, 7], [0, 2], [1, 3], [3, 4]])).toEqual([[0, 3], [3, 4], [5, 7]]);
  });
});

describe('highlightHtml', () => {
  const cases: Array<[string, Array<[number, number]>, number, number, string]> = [
    ['<b>法治</b>政府', [[3, 5]], 0, 12, '&lt;b&gt;<mark>法治</mark>&lt;/b&gt;政府'],
    ['a & "b" \'c\'', [], 0, 11, 'a &amp; &quot;b&quot; &#39;c&#39;'],
    ['<mark>x</mark>', [[6, 7]], 0, 14, '&lt;mark&gt;<mark>x</mark>&lt;/mark&gt;'],
    ['&amp;', [[0, 5]], 0, 5, '<mark>&amp;amp;</mark>'],
    ['法治政府建设', [[0, 2], [2, 4]], 1, 5, '<mark>治</mark><mark>政府</mark>建'],
    ['法治政府建设', [[0, 2]], 3, 6, '府建设'],
  ];
  it.each(cases)('%s', (text, ranges, from, to, html) => {
    expect(highlightHtml(text, ranges, from, to)).toBe(html);
  });

  it('escapes everything outside marks, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ size: 'max', maxLength: 200 }), (s) => {
        const html = highlightHtml(s, findMatches(s, ['<', 'mark', '&']));
        expect(html.replaceAll('<mark>', '').replaceAll('</mark>', '')).not.toMatch(/[<>"']/);
        expect(unescapeHtml(html.replaceAll('<mark>', '').replaceAll('</mark>', ''))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('escapeHtml', () => {
    expect(escapeHtml(`"><svg onload=alert(1)>`)).toBe('&quot;&gt;&lt;svg onload=alert(1)&gt;');
  });
});

