import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize, queryWords } from '../../src/analyze/analyzer.js';
import { MAX_QUERY_CHARS, MAX_QUERY_TERMS, QueryError } from '../../src/query/errors.js';
import {
  formatQuery,
  highlightTerms,
  isExclusionOnly,
  matchesQuery,
  parseQuery,
  termsOf,
  withoutQuotes,
} from '../../src/query/parser.js';
import type { QueryNode } from '../../src/types.js';

/** A compact, unambiguous picture of a tree: "x" phrase, t: title, -x NOT, (a b) AND, (a|b) OR. */
function show(n: QueryNode | null): string {
  if (!n) return '∅';
  switch (n.type) {
    case 'term':
      return (n.field === 'title' ? 't:' : '') + (n.phrase ? `"${n.text}"` : n.text);
    case 'not':
      return `-${show(n.child)}`;
    case 'and':
      return `(${n.children.map(show).join(' ')})`;
    case 'or':
      return `(${n.children.map(show).join('|')})`;
  }
}

describe('parseQuery: trees', () => {
  // [query, tree, positive term texts, number of warnings]
  const cases: Array<[string, string, string[], number]> = [
    // words and segmentation (as jieba cuts them)
    ['湟中', '湟中', ['湟中'], 0],
    ['新县', '新县', ['新县'], 0],
    ['行政执法 公示', '(行政 执法 公示)', ['行政', '执法', '公示'], 0],
    ['行政执法公示', '(行政 执法 公示)', ['行政', '执法', '公示'], 0],
    ['营商环境', '(营商 环境)', ['营商', '环境'], 0],
    ['重大行政决策', '(重大 行政 决策)', ['重大', '行政', '决策'], 0],
    ['法治 法治', '法治', ['法治'], 0],
    ['法法法法', '法法', ['法法'], 0],
    ['湟中 OR 湟中 -新县 -新县', '(湟中 -新县)', ['湟中'], 0],
    ['ＡＢＣ', 'abc', ['abc'], 0],
    ['共產黨', '共产党', ['共产党'], 0],
    ['， 。 ！', '∅', [], 3],
    // phrases, every quote style
    ['"三项制度"', '"三项制度"', ['三项制度'], 0],
    ['“三项制度”', '"三项制度"', ['三项制度'], 0],
    ['「三项制度」', '"三项制度"', ['三项制度'], 0],
    ['『三项制度』', '"三项制度"', ['三项制度'], 0],
    ['＂三项制度＂', '"三项制度"', ['三项制度'], 0],
    ['“三项制度“', '"三项制度"', ['三项制度'], 0],
    ['"  法治   政府 "', '"法治 政府"', ['法治 政府'], 0],
    ['"法治政府建設"', '"法治政府建设"', ['法治政府建设'], 0],
    ['湟中"法治政府"', '(湟中 "法治政府")', ['湟中', '法治政府'], 0],
    ['“他说"三项制度"”', '"他说"三项制度""', ['他说"三项制度"'], 0],
    // exclusion
    ['法治政府 -双随机', '(法治 政府 -双随机)', ['法治', '政府'], 0],
    ['-"行政复议" 法治', '(-"行政复议" 法治)', ['法治'], 0],
    ['法治 －双随机', '(法治 -双随机)', ['法治'], 0],
    ['2021-2025', '(2021 2025)', ['2021', '2025'], 0],
    ['法治 -', '法治', ['法治'], 1],
    ['- 法治', '法治', ['法治'], 1],
    ['法治 -，', '法治', ['法治'], 1],
    // OR
    ['法律顾问 OR 公职律师', '(法律顾问|(公职 律师))', ['法律顾问', '公职', '律师'], 0],
    ['法律顾问|公职律师', '(法律顾问|(公职 律师))', ['法律顾问', '公职', '律师'], 0],
    ['湟中 ｜ 新县', '(湟中|新县)', ['湟中', '新县'], 0],
    ['湟中 ＯＲ 新县', '(湟中|新县)', ['湟中', '新县'], 0],
    ['法治 湟中 OR 新县', '(法治 (湟中|新县))', ['法治', '湟中', '新县'], 0],
    ['湟中 OR 新县 法治', '((湟中|新县) 法治)', ['湟中', '新县', '法治'], 0],
    ['湟中 OR 新县 OR "三项制度"', '(湟中|新县|"三项制度")', ['湟中', '新县', '三项制度'], 0],
    ['湟中 or 新县', '(湟中 or 新县)', ['湟中', 'or', '新县'], 1],
    ['湟中 Or 新县', '(湟中 or 新县)', ['湟中', 'or', '新县'], 1],
    ['OR 湟中', '湟中', ['湟中'], 1],
    ['湟中 OR', '湟中', ['湟中'], 1],
    ['湟中 OR OR 新县', '(湟中|新县)', ['湟中', '新县'], 1],
    ['OR', '∅', [], 1],
    ['|', '∅', [], 1],
    ['湟中 OR -新县', '(湟中|-新县)', ['湟中'], 0],
    // field scope
    ['标题:法治', 't:法治', ['法治'], 0],
    ['title:法治', 't:法治', ['法治'], 0],
    ['Title:法治', 't:法治', ['法治'], 0],
    ['标题：法治', 't:法治', ['法治'], 0],
    ['标题: 法治', 't:法治', ['法治'], 0],
    ['标题:"三项制度"', 't:"三项制度"', ['三项制度'], 0],
    ['标题:法治政府', '(t:法治 t:政府)', ['法治', '政府'], 0],
    ['-标题:双随机 法治', '(-t:双随机 法治)', ['法治'], 0],
    ['标题:-双随机 法治', '(-t:双随机 法治)', ['法治'], 0],
    ['法治 标题:', '法治', ['法治'], 1],
    ['标题:湟中 OR 标题:新县', '(t:湟中|t:新县)', ['湟中', '新县'], 0],
    // hostile input: never an error, never markup in a term that was not typed as a phrase
    ['"><svg onload=alert(1)>', '"><svg onload=alert(1)>"', ['><svg onload=alert(1)>'], 1],
    ['<script>alert(1)</script>', '(script alert 1)', ['script', 'alert', '1'], 0],
    ['"三项制度', '"三项制度"', ['三项制度'], 1],
    ['三项制度"', '(三项 制度)', ['三项', '制度'], 1],
    ['"三项" "制度', '("三项" "制度")', ['三项', '制度'], 1],
    ['""', '∅', [], 1],
    ['" "', '∅', [], 1],
    ['”三项制度」', '(三项 制度)', ['三项', '制度'], 0],
    ['', '∅', [], 0],
    ['   ', '∅', [], 0],
  ];
  it.each(cases)('%s', (q, tree, positives, nWarnings) => {
    const p = parseQuery(q);
    expect(show(p.root)).toBe(tree);
    expect(p.positiveTerms.map((t) => t.text)).toEqual(positives);
    expect(p.warnings).toHaveLength(nWarnings);
    for (const w of p.warnings) expect(w).toMatch(/[\u4e00-\u9fff]/);
  });

  it('keeps what the user typed in raw, and the normalised form in text', () => {
    const p = parseQuery('共產黨 “法治政府建設”');
    expect(p.positiveTerms.map((t) => [t.raw, t.text, t.phrase])).toEqual([
      ['共產黨', '共产党', false],
      ['法治政府建設', '法治政府建设', true],
    ]);
  });

  it('exclusion-only queries keep their NOT tree and have no positive terms', () => {
    const p = parseQuery('-双随机 -"行政复议"');
    expect(show(p.root)).toBe('(-双随机 -"行政复议")');
    expect(p.positiveTerms).toEqual([]);
    expect(isExclusionOnly(p)).toBe(true);
    expect(p.warnings).toEqual(['查询只包含排除词：将返回不含这些内容的全部报告']);
    expect(isExclusionOnly(parseQuery(''))).toBe(false);
    expect(isExclusionOnly(parseQuery('法治 -双随机'))).toBe(false);
  });

  it('termsOf lists excluded terms too', () => {
    expect(termsOf(parseQuery('法治 -双随机').root).map((t) => t.text)).toEqual(['法治', '双随机']);
    expect(termsOf(null)).toEqual([]);
  });
});

describe('parseQuery: limits', () => {
  it('accepts exactly MAX_QUERY_CHARS characters, counted as code points', () => {
    expect(() => parseQuery('法'.repeat(MAX_QUERY_CHARS))).not.toThrow();
    expect(() => parseQuery('😀'.repeat(MAX_QUERY_CHARS))).not.toThrow();
    expect(() => parseQuery(`  ${'法'.repeat(MAX_QUERY_CHARS)}  `)).not.toThrow();
  });
  it('refuses longer queries with a Chinese message', () => {
    expect(() => parseQuery('法'.repeat(MAX_QUERY_CHARS + 1))).toThrow(QueryError);
    expect(() => parseQuery('法'.repeat(MAX_QUERY_CHARS + 1))).toThrow(/^查询过长：最多 200 个字符（当前 201 个）$/);
    expect(() => parseQuery('x'.repeat(100_000))).toThrow(/查询过长/);
  });
  it('refuses more than MAX_QUERY_TERMS terms, counting segmented words and exclusions', () => {
    const words = ['湟中', '新县', '法治', '政府', '营商', '环境', '重大', '决策', '行政', '执法', '公示'];
    const twenty = [...words, ...words.slice(0, 9).map((w) => `-${w}`)];
    expect(twenty).toHaveLength(MAX_QUERY_TERMS);
    expect(() => parseQuery(twenty.join(' '))).not.toThrow();
    expect(() => parseQuery([...twenty, '湟源'].join(' '))).toThrow(/^查询词过多：最多 20 个（当前 21 个）$/);
    // one chunk, many words
    const chunk = '湟中新县法治政府营商环境重大行政决策执法公示三项制度律师顾问双随机依法治理普法宣传复议诉讼';
    expect(new Set(queryWords(chunk)).size).toBeGreaterThan(MAX_QUERY_TERMS);
    expect(() => parseQuery(chunk)).toThrow(QueryError);
  });
});

describe('formatQuery', () => {
  const cases: Array<[string, string]> = [
    ['“三项制度”  -双随机 湟中|新县', '"三项制度" -双随机 湟中 OR 新县'],
    ['行政执法公示', '行政 执法 公示'],
    ['法律顾问 OR 公职律师', '法律顾问 OR 公职律师'],
    ['标题：法治 title:"三项制度"', '标题:法治 标题:"三项制度"'],
    ['-标题:"双随机"', '-标题:"双随机"'],
    ['“他说"好"”', '“他说"好"”'],
    ['湟中 or 新县', '湟中 or 新县'],
    ['', ''],
  ];
  it.each(cases)('%s → %s', (q, out) => {
    expect(formatQuery(parseQuery(q).root)).toBe(out);
  });

  it('round-trips: parsing the canonical string gives the same tree', () => {
    const qs = ['法治 湟中 OR 新县', '法律顾问 OR 公职律师 OR "三项制度"', '-"a b" 标题:法治政府', '-2021-2025 x', '"-x" "标题:y"'];
    for (const q of qs) {
      const p = parseQuery(q);
      expect(show(parseQuery(formatQuery(p.root)).root)).toBe(show(p.root));
    }
  });

  it('suggests the query without quotes only when it has a phrase', () => {
    expect(withoutQuotes(parseQuery('"三项制度" 湟中'))).toBe('三项制度 湟中');
    expect(withoutQuotes(parseQuery('标题:"三项制度"'))).toBe('标题:三项制度');
    expect(withoutQuotes(parseQuery('"法治 政府" OR 新县'))).toBe('"法治 政府" OR 新县');
    expect(withoutQuotes(parseQuery('三项制度'))).toBeNull();
    expect(show(parseQuery(withoutQuotes(parseQuery('"三项制度"'))!).root)).toBe('(三项 制度)');
  });
});

describe('highlightTerms and matchesQuery', () => {
  it('highlights body terms, or the title terms of a title-only query', () => {
    expect(highlightTerms(parseQuery('标题:湟中 法治 -双随机'))).toEqual(['法治']);
    expect(highlightTerms(parseQuery('标题:"三项制度"'))).toEqual(['三项制度']);
    expect(highlightTerms(parseQuery('-双随机'))).toEqual([]);
  });

  const body = normalize('湟中区全面落实行政执法“三项制度”，开展双随机抽查。');
  const title = normalize('湟中区卫生健康局2024年法治政府建设情况报告');
  const match = (q: string) =>
    matchesQuery(parseQuery(q).root!, (t) => (t.field === 'title' ? title : body).includes(t.text));
  const cases: Array<[string, boolean]> = [
    ['三项制度', true],
    ['"三项制度" -双随机', false],
    ['-行政复议', true],
    ['行政复议 OR 双随机', true],
    ['湟中 行政复议 OR 新县', false],
    ['标题:法治政府', true],
    ['标题:三项制度', false],
    ['法治', false],
  ];
  it.each(cases)('%s → %s', (q, expected) => expect(match(q)).toBe(expected));
});

describe('parseQuery: properties', () => {
  const alphabet = fc.constantFrom(
    ...'湟中新县法治政府三项制度-"“”「」|: ：OR or标题title<>&\'😀𠀀 ，。'.split(''),
    '"',
    'OR',
    ' OR ',
    '-',
    '标题:',
  );
  const queries = fc.array(alphabet, { maxLength: 60, size: 'max' }).map((a) => a.join(''));

  it('never throws below the limits, and every term is normalised, trimmed and non-empty', () => {
    fc.assert(
      fc.property(queries, (q) => {
        let p;
        try {
          p = parseQuery(q);
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError);
          expect((e as Error).message).toMatch(/查询/);
          return;
        }
        for (const t of termsOf(p.root)) {
          expect(t.text).not.toBe('');
          expect(t.text).toBe(normalize(t.text));
          expect(t.text).toBe(t.text.trim());
          expect(t.text).not.toMatch(/\s\s/);
        }
        expect(p.positiveTerms.every((t) => termsOf(p.root).includes(t))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('unquoted words are exactly the analyzer query words', () => {
    fc.assert(
      fc.property(fc.constantFrom('行政执法公示', '营商环境', '重大行政决策', '法治政府建设', 'ABC123'), (w) => {
        expect(parseQuery(w).positiveTerms.map((t) => t.text)).toEqual([...new Set(queryWords(w))]);
      }),
    );
  });
});
