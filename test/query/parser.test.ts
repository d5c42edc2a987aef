import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize, words } from '../../src/analyze/analyzer.js';
import { MAX_QUERY_CHARS, MAX_QUERY_TERMS, QueryError } from '../../src/query/errors.js';
import {
  formatQuery,
  highlightTerms,
  isExclusionOnly,
  looserQuery,
  matchesQuery,
  parseQuery,
  termsOf,
} from '../../src/query/parser.js';
import { countMatches } from '../../src/search/highlight.js';
import type { QueryNode } from '../../src/types.js';

/** What the parser trims from the ends of an unquoted chunk: punctuation and whitespace, not symbols. */
const EDGE_PUNCTUATION = /^[\p{P}\s]+|[\p{P}\s]+$/gu;

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
    case 'near':
      return `(${show(n.children[0])} ~${n.unit === 'chars' ? n.distance : n.unit} ${show(n.children[1])})`;
  }
}

describe('parseQuery: trees', () => {
  // [query, tree, positive term texts, number of warnings]
  const cases: Array<[string, string, string[], number]> = [
    // an unquoted chunk is ONE substring term, never cut into words (jieba would give 行政 执法 公示)
    ['湟中', '湟中', ['湟中'], 0],
    ['新县', '新县', ['新县'], 0],
    ['行政执法 公示', '(行政执法 公示)', ['行政执法', '公示'], 0],
    ['行政执法公示', '行政执法公示', ['行政执法公示'], 0],
    ['营商环境', '营商环境', ['营商环境'], 0],
    ['重大行政决策', '重大行政决策', ['重大行政决策'], 0],
    ['法治 法治', '法治', ['法治'], 0],
    ['法法法法', '法法法法', ['法法法法'], 0],
    ['行政执法公示 行政执法公示', '行政执法公示', ['行政执法公示'], 0],
    ['法治政府 法治', '(法治政府 法治)', ['法治政府', '法治'], 0],
    // punctuation at the two ends of a chunk is trimmed; inside it, and symbols, are kept
    ['三项制度，', '三项制度', ['三项制度'], 0],
    ['《法治政府建设实施纲要》', '法治政府建设实施纲要', ['法治政府建设实施纲要'], 0],
    ['（一）', '一', ['一'], 0],
    ['法治--', '法治', ['法治'], 0],
    ['…法治…', '法治', ['法治'], 0],
    ['三项制度，开展', '三项制度,开展', ['三项制度,开展'], 0],
    ['互联网+', '互联网+', ['互联网+'], 0],
    ['100℃', '100℃', ['100℃'], 0],
    ['😀', '∅', [], 1],
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
    // a quote inside a chunk is a character of the text (pasted prose), with a warning
    ['湟中"法治政府"', '湟中"法治政府"', ['湟中"法治政府"'], 1],
    ['坚持“两个毫不动摇”', '坚持“两个毫不动摇”', ['坚持“两个毫不动摇”'], 1],
    ['坚持“两个毫不动摇”。', '坚持“两个毫不动摇”', ['坚持“两个毫不动摇”'], 1],
    ['“十五五”规划', '“十五五”规划', ['“十五五”规划'], 1],
    ['“十五五”规划， 湟中', '(“十五五”规划 湟中)', ['“十五五”规划', '湟中'], 1],
    ['-“十五五”规划 湟中', '(-“十五五”规划 湟中)', ['湟中'], 1],
    ['标题:“十五五”规划', 't:“十五五”规划', ['“十五五”规划'], 1],
    // a pair around the whole chunk once its punctuation is trimmed reads as the phrase would
    ['“三项制度”，', '三项制度', ['三项制度'], 0],
    ['“三项制度”。 湟中', '(三项制度 湟中)', ['三项制度', '湟中'], 0],
    // brackets whose partner is inside the chunk are text; around the whole chunk they go
    ['《纲要》解读', '《纲要》解读', ['《纲要》解读'], 0],
    ['（一）加强', '(一)加强', ['(一)加强'], 0],
    ['（标题:法治）', 't:法治', ['法治'], 0],
    ['"法治 政府"建设', '(法治 政府"建设)', ['法治', '政府"建设'], 2],
    ['“他说"三项制度"”', '"他说"三项制度""', ['他说"三项制度"'], 0],
    // exclusion
    ['法治政府 -双随机', '(法治政府 -双随机)', ['法治政府'], 0],
    ['行政执法公示 -双随机抽查', '(行政执法公示 -双随机抽查)', ['行政执法公示'], 0],
    ['-"行政复议" 法治', '(-"行政复议" 法治)', ['法治'], 0],
    ['法治 －双随机', '(法治 -双随机)', ['法治'], 0],
    ['2021-2025', '2021-2025', ['2021-2025'], 0],
    ['-2021-2025 法治', '(-2021-2025 法治)', ['法治'], 0],
    ['法治 -双随机，', '(法治 -双随机)', ['法治'], 0],
    ['--法治', '-法治', [], 1],
    ['法治 -', '法治', ['法治'], 1],
    ['- 法治', '法治', ['法治'], 1],
    ['法治 -，', '法治', ['法治'], 1],
    // OR
    ['法律顾问 OR 公职律师', '(法律顾问|公职律师)', ['法律顾问', '公职律师'], 0],
    ['法律顾问|公职律师', '(法律顾问|公职律师)', ['法律顾问', '公职律师'], 0],
    ['营商环境 行政执法 OR 公职律师', '(营商环境 (行政执法|公职律师))', ['营商环境', '行政执法', '公职律师'], 0],
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
    // AND: the same as a space
    ['湟中 AND 新县', '(湟中 新县)', ['湟中', '新县'], 0],
    ['湟中 ＡＮＤ 新县', '(湟中 新县)', ['湟中', '新县'], 0],
    ['湟中 OR 新县 AND 法治', '((湟中|新县) 法治)', ['湟中', '新县', '法治'], 0],
    ['法治 AND 湟中 OR 新县', '(法治 (湟中|新县))', ['法治', '湟中', '新县'], 0],
    ['湟中 and 新县', '(湟中 and 新县)', ['湟中', 'and', '新县'], 1],
    ['AND 湟中', '湟中', ['湟中'], 1],
    ['湟中 AND', '湟中', ['湟中'], 1],
    ['湟中 AND OR 新县', '(湟中|新县)', ['湟中', '新县'], 1],
    // NOT: the same as a dash on the next term
    ['法治 NOT 双随机', '(法治 -双随机)', ['法治'], 0],
    ['法治 ＮＯＴ "行政复议"', '(法治 -"行政复议")', ['法治'], 0],
    ['NOT 标题:通知 法治', '(-t:通知 法治)', ['法治'], 0],
    ['湟中 OR NOT 新县', '(湟中|-新县)', ['湟中'], 0],
    ['NOT 双随机', '-双随机', [], 1],
    ['法治 NOT', '法治', ['法治'], 1],
    ['NOT -双随机 法治', '(-双随机 法治)', ['法治'], 1],
    ['NOT NOT 双随机 法治', '(-双随机 法治)', ['法治'], 1],
    ['法治 not 双随机', '(法治 not 双随机)', ['法治', 'not', '双随机'], 1],
    ['-NOT 法治', '(-not 法治)', ['法治'], 0],
    // proximity: two body terms, binding tighter than OR and AND
    ['法治 /SEN 营商环境', '(法治 ~sentence 营商环境)', ['法治', '营商环境'], 0],
    ['法治 /PRG 营商环境', '(法治 ~paragraph 营商环境)', ['法治', '营商环境'], 0],
    ['法治 /NEAR 5 营商环境', '(法治 ~5 营商环境)', ['法治', '营商环境'], 0],
    ['法治 /NEAR5 营商环境', '(法治 ~5 营商环境)', ['法治', '营商环境'], 0],
    ['法治 ／ＮＥＡＲ　０ 营商环境', '(法治 ~0 营商环境)', ['法治', '营商环境'], 0],
    ['法治 ／ＳＥＮ 营商环境', '(法治 ~sentence 营商环境)', ['法治', '营商环境'], 0],
    ['法治 /NEAR 100 营商环境', '(法治 ~100 营商环境)', ['法治', '营商环境'], 0],
    ['法治 /NEAR 500 营商环境', '(法治 ~100 营商环境)', ['法治', '营商环境'], 1],
    ['法治 /NEAR 营商环境', '(法治 营商环境)', ['法治', '营商环境'], 1],
    ['法治 /NEAR -3 营商环境', '(法治 -3 营商环境)', ['法治', '营商环境'], 1],
    ['法治 /sen 营商环境', '(法治 sen 营商环境)', ['法治', 'sen', '营商环境'], 1],
    ['法治 /Near 5 营商环境', '(法治 near 5 营商环境)', ['法治', 'near', '5', '营商环境'], 1],
    ['"法治 政府" /SEN 营商环境', '("法治 政府" ~sentence 营商环境)', ['法治 政府', '营商环境'], 0],
    ['湟中 法治 /SEN 营商环境', '(湟中 (法治 ~sentence 营商环境))', ['湟中', '法治', '营商环境'], 0],
    ['湟中 AND 法治 /SEN 营商环境', '(湟中 (法治 ~sentence 营商环境))', ['湟中', '法治', '营商环境'], 0],
    ['湟中 OR 法治 /SEN 营商环境', '(湟中|(法治 ~sentence 营商环境))', ['湟中', '法治', '营商环境'], 0],
    ['法治 /SEN 营商环境 OR 湟中', '((法治 ~sentence 营商环境)|湟中)', ['法治', '营商环境', '湟中'], 0],
    ['法治 /SEN 营商环境 /PRG 湟中', '((法治 ~sentence 营商环境) (营商环境 ~paragraph 湟中))', ['法治', '营商环境', '湟中'], 1],
    ['x OR a /SEN b /SEN c OR y', '((x|(a ~sentence b)) ((b ~sentence c)|y))', ['x', 'a', 'b', 'c', 'y'], 1],
    ['a /SEN b b /SEN c', '((a ~sentence b) (b ~sentence c))', ['a', 'b', 'c'], 0],
    ['标题:法治 /SEN 营商环境', '(t:法治 营商环境)', ['法治', '营商环境'], 1],
    ['-法治 /SEN 营商环境', '(-法治 营商环境)', ['营商环境'], 1],
    ['法治 /SEN NOT 营商环境', '(法治 -营商环境)', ['法治'], 1],
    ['/SEN 法治', '法治', ['法治'], 1],
    ['法治 /SEN', '法治', ['法治'], 1],
    ['法治 /SEN OR 湟中', '(法治|湟中)', ['法治', '湟中'], 1],
    ['制度。全面 /SEN 法治', '(制度。全面 ~sentence 法治)', ['制度。全面', '法治'], 1],
    ['法治 /SEN 法治', '(法治 ~sentence 法治)', ['法治'], 0],
    // field scope
    ['标题:法治', 't:法治', ['法治'], 0],
    ['title:法治', 't:法治', ['法治'], 0],
    ['Title:法治', 't:法治', ['法治'], 0],
    ['标题：法治', 't:法治', ['法治'], 0],
    ['标题: 法治', 't:法治', ['法治'], 0],
    ['标题:"三项制度"', 't:"三项制度"', ['三项制度'], 0],
    ['标题:法治政府', 't:法治政府', ['法治政府'], 0],
    ['标题:法治政府 营商环境', '(t:法治政府 营商环境)', ['法治政府', '营商环境'], 0],
    ['-标题:双随机 法治', '(-t:双随机 法治)', ['法治'], 0],
    ['标题:-双随机 法治', '(-t:双随机 法治)', ['法治'], 0],
    ['法治 标题:', '法治', ['法治'], 1],
    ['标题:湟中 OR 标题:新县', '(t:湟中|t:新县)', ['湟中', '新县'], 0],
    // hostile input: never an error; a chunk is searched as typed (markup included — the page escapes it)
    ['"><svg onload=alert(1)>', '(><svg onload=alert(1)>)', ['><svg', 'onload=alert(1)>'], 1],
    ['<script>alert(1)</script>', '<script>alert(1)</script>', ['<script>alert(1)</script>'], 0],
    ['"三项制度', '三项制度', ['三项制度'], 1],
    ['三项制度"', '三项制度', ['三项制度'], 1],
    ['"三项" "制度', '("三项" 制度)', ['三项', '制度'], 1],
    ['"法治 政府', '(法治 政府)', ['法治', '政府'], 1],
    ['""', '∅', [], 1],
    ['" "', '∅', [], 1],
    ['”三项制度」', '三项制度', ['三项制度'], 0],
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

  it.each([
    ['坚持“两个毫不动摇”', '引号在词语中间，按原文字符查找：坚持“两个毫不动摇”'],
    ['共產黨“法治”。', '引号在词语中间，按原文字符查找：共產黨“法治”'],
    ['"三项制度', '引号未闭合，已忽略："三项制度'],
    ['a and b', '小写“and”按普通词检索；表示“且”请用大写 AND 或空格'],
    ['a not b', '小写“not”按普通词检索；表示排除请用大写 NOT 或“-词语”'],
    ['a /sen b', '小写“/sen”按普通词检索；表示同句请用大写 /SEN'],
    ['a /prg b', '小写“/prg”按普通词检索；表示同段请用大写 /PRG'],
    ['a AND', '“AND”两侧都需要检索词，多余的 AND 已忽略'],
    ['a NOT', '“NOT”后缺少检索词，已忽略'],
    ['a /PRG', '“/PRG”两侧都需要检索词，已忽略'],
    ['a /NEAR b', '“/NEAR”后需要 0–100 的距离（如 A /NEAR 10 B），已按“且”处理'],
    ['a /NEAR 101 b', '“/NEAR 101”的距离最多 100 个字，已按 100 处理'],
    ['标题:a /SEN b', '“/SEN”只能连接正文中的两个检索词（不能是“标题:”或排除的词），已按“且”处理'],
    ['a /SEN b /SEN c', '连续的 /SEN、/PRG、/NEAR 按相邻两词分别判断：A /SEN B /SEN C 表示 A 与 B 同句，且 B 与 C 同句（不要求三者同句）'],
    ['制度。全面 /SEN a', '“制度。全面”含句末标点，不会整个出现在一句之内，“/SEN”找不到它'],
  ])('warns in Chinese how it read %s', (q, warning) => {
    expect(parseQuery(q).warnings).toEqual([warning]);
  });

  it('keeps what the user typed in raw, and the normalised form in text', () => {
    const p = parseQuery('共產黨 “法治政府建設” 《營商環境》');
    expect(p.positiveTerms.map((t) => [t.raw, t.text, t.phrase])).toEqual([
      ['共產黨', '共产党', false],
      ['法治政府建設', '法治政府建设', true],
      ['《營商環境》', '营商环境', false],
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
  it('refuses more than MAX_QUERY_TERMS terms, counting chunks and exclusions', () => {
    const words = ['湟中', '新县', '法治', '政府', '营商', '环境', '重大', '决策', '行政', '执法', '公示'];
    const twenty = [...words, ...words.slice(0, 9).map((w) => `-${w}`)];
    expect(twenty).toHaveLength(MAX_QUERY_TERMS);
    expect(() => parseQuery(twenty.join(' '))).not.toThrow();
    expect(() => parseQuery([...twenty, '湟源'].join(' '))).toThrow(/^查询词过多：最多 20 个（当前 21 个）$/);
    // 21 distinct positive words, space-separated
    const distinct = [...words, '三项', '制度', '律师', '顾问', '复议', '诉讼', '普法', '宣传', '依法', '治理'];
    expect(new Set(distinct).size).toBe(MAX_QUERY_TERMS + 1);
    expect(() => parseQuery(distinct.join(' '))).toThrow(/^查询词过多：最多 20 个（当前 21 个）$/);
    // a repeated word is one term
    expect(() => parseQuery([...distinct.slice(0, MAX_QUERY_TERMS), distinct[0]].join(' '))).not.toThrow();
  });
  it('counts a long chunk as one term, however many words the analyzer finds in it', () => {
    const chunk = '湟中新县法治政府营商环境重大行政决策执法公示三项制度法律顾问双随机依法治理普法宣传复议和诉讼';
    expect([...chunk]).toHaveLength(46);
    expect(new Set(words(chunk)).size).toBeGreaterThan(MAX_QUERY_TERMS);
    const p = parseQuery(chunk);
    expect(termsOf(p.root).map((t) => t.text)).toEqual([chunk]);
    expect(p.warnings).toEqual([]);
    // the character limit still applies to one chunk
    expect(() => parseQuery(chunk.repeat(5))).toThrow(/^查询过长：最多 200 个字符（当前 230 个）$/);
  });
});

describe('formatQuery', () => {
  const cases: Array<[string, string]> = [
    ['“三项制度”  -双随机 湟中|新县', '"三项制度" -双随机 湟中 OR 新县'],
    ['行政执法公示', '行政执法公示'],
    ['法治政府 -双随机', '法治政府 -双随机'],
    ['2021-2025 《纲要》 三项制度，', '2021-2025 纲要 三项制度'],
    ['互联网+', '互联网+'],
    ['法律顾问 OR 公职律师', '法律顾问 OR 公职律师'],
    ['标题:标题:法治', '标题:法治'],
    ['，标题:法治', '标题:法治'],
    ['湟中 AND 新县', '湟中 新县'],
    ['NOT 双随机 法治', '-双随机 法治'],
    ['法治 /NEAR5 营商环境', '法治 /NEAR 5 营商环境'],
    ['法治 ／ＳＥＮ 营商环境 /PRG 湟中', '法治 /SEN 营商环境 /PRG 湟中'],
    ['a /SEN b b /SEN c', 'a /SEN b /SEN c'],
    ['x OR a /SEN b /SEN c OR y', 'x OR a /SEN b /SEN c OR y'],
    ['坚持“两个毫不动摇”。', '坚持“两个毫不动摇”'],
    ['『a"b“c」d』', '『a"b“c」d』'],
    ['"OR" "AND" "/SEN"', '"or" "and" "/sen"'],
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
    const qs = [
      '法治 湟中 OR 新县',
      '法律顾问 OR 公职律师 OR "三项制度"',
      '-"a b" 标题:法治政府',
      '-2021-2025 x',
      '"-x" "标题:y"',
      '行政执法公示 营商环境 -双随机抽查',
      '《纲要》，互联网+ 100℃',
      '“他说"好"” 「a “b” c」',
    ];
    for (const q of qs) {
      const p = parseQuery(q);
      expect(show(parseQuery(formatQuery(p.root)).root)).toBe(show(p.root));
    }
  });

  it('splitWords writes each top-level body term as the analyzer words', () => {
    const split = (q: string) => formatQuery(parseQuery(q).root, { splitWords: true });
    expect(split('行政执法公示')).toBe('行政 执法 公示');
    expect(split('"三项制度" 湟中')).toBe('三项 制度 湟中');
    // exclusions, OR alternatives and title-scoped terms keep their form
    expect(split('营商环境 -双随机抽查')).toBe('营商 环境 -双随机抽查');
    expect(split('法律顾问 OR 公职律师')).toBe('法律顾问 OR 公职律师');
    expect(split('标题:法治政府')).toBe('标题:法治政府');
    expect(split('')).toBe('');
  });
});

describe('looserQuery', () => {
  const cases: Array<[string, string]> = [
    ['行政执法公示', '行政 执法 公示'],
    ['营商环境', '营商 环境'],
    ['"三项制度"', '三项 制度'],
    ['“三项制度”', '三项 制度'],
    ['"法治 政府"', '法治 政府'],
    ['2021-2025', '2021 2025'],
    ['"三项制度" 湟中 -双随机', '三项 制度 湟中 -双随机'],
    ['标题:法治 营商环境', '标题:法治 营商 环境'],
    ['营商环境 湟中 OR 新县', '营商 环境 湟中 OR 新县'],
  ];
  it.each(cases)('%s → %s', (q, looser) => {
    expect(looserQuery(parseQuery(q))).toBe(looser);
  });

  it.each([
    '湟中', // one word already
    '"法治"', // a one-word phrase
    '湟中 新县',
    '法律顾问 OR 公职律师', // inside OR: spaces would regroup `a b OR c`
    '标题:法治政府', // a title scope covers the next word only
    '-双随机抽查', // splitting an exclusion would exclude more, not less
    '湟中 -行政执法公示',
    '',
    '， 。',
  ])('%s → null', (q) => {
    expect(looserQuery(parseQuery(q))).toBeNull();
  });

  it('never suggests a query the parser refuses: the words that fit, or null', () => {
    // 200 characters of real text: about 90 words, over both limits once split
    const para = normalize(
      '湟中区卫生健康局全面落实行政执法三项制度，按照湟中区关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的工作方案的通知要求，全面落实行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，做到执法信息公开透明、执法过程全程留痕、执法决定合法有效，不断提高行政执法规范化水平，坚持两个毫不动摇，推进十五五规划'.repeat(2),
    ).slice(0, MAX_QUERY_CHARS);
    expect([...para]).toHaveLength(MAX_QUERY_CHARS);
    expect(new Set(words(para)).size).toBeGreaterThan(MAX_QUERY_TERMS);
    const p = parseQuery(para);
    expect(p.warnings).toEqual([]);
    const looser = looserQuery(p)!;
    expect(looser).not.toBeNull();
    const lp = parseQuery(looser);
    expect([...looser].length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
    expect(termsOf(lp.root).length).toBeLessThanOrEqual(MAX_QUERY_TERMS);
    // the first words, in order: still looser (fewer words required), each a substring
    expect(looser.split(' ')).toEqual(words(para).slice(0, looser.split(' ').length));
    for (const t of termsOf(lp.root)) expect(para).toContain(t.text);
    // with 19 exclusions beside it, no word fits the term limit: no suggestion
    const excl = Array.from({ length: MAX_QUERY_TERMS - 1 }, (_, k) => `-x${k}`).join(' ');
    expect(looserQuery(parseQuery(`行政执法公示 ${excl}`))).toBe(`行政 ${excl}`);
  });

  it('parses back to the words, each its own term', () => {
    expect(show(parseQuery(looserQuery(parseQuery('行政执法公示'))!).root)).toBe('(行政 执法 公示)');
    expect(show(parseQuery(looserQuery(parseQuery('"三项制度" -双随机'))!).root)).toBe('(三项 制度 -双随机)');
    expect(show(parseQuery(looserQuery(parseQuery('法法法法'))!).root)).toBe('法法');
  });

  it('is looser: every report the query matches, the suggestion matches too', () => {
    const body = normalize('湟中区全面落实行政执法“三项制度”，开展双随机抽查；公示执法信息。');
    const match = (q: string) => matchesQuery(parseQuery(q).root!, (t) => body.includes(t.text));
    // [query, it matches, its looser form matches]
    const pairs: Array<[string, boolean, boolean]> = [
      ['行政执法公示', false, true],
      ['行政执法三项', false, true],
      ['"落实行政执法"', true, true],
      ['"执法 公示"', false, true],
      ['落实行政执法 -双随机抽查', false, false],
      ['湟中区 开展双随机', true, true],
    ];
    for (const [q, strict, loose] of pairs) {
      const looser = looserQuery(parseQuery(q));
      expect(looser, q).not.toBeNull();
      expect([match(q), match(looser!)], q).toEqual([strict, loose]);
    }
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
    ['落实行政执法', true],
    ['湟中区全面', true],
    ['双随机抽查', true],
    ['行政执法三项', false], // jieba's words are all there, but not this string
    ['执法三项制度', false],
    ['"三项制度" -双随机', false],
    ['三项制度 -双随机抽查', false],
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

  /** A chunk: no spaces, quotes, `|` or `:`, not starting with a dash, never the word `or`. */
  const chunkChars = [...'湟中新县法治政府三项制度行政执法共產黨ABCabc123，。、,.!?()（）《》【】‘’—+℃%~😀𠀀'];
  const chunks = fc
    .array(fc.constantFrom(...chunkChars), { minLength: 1, maxLength: 20 })
    .map((a) => a.join(''))
    .filter((c) => !c.startsWith('-'));

  /** Marks that come in pairs: at a chunk's end, one whose partner is inside the chunk is kept. */
  const PAIRED = '()[]{}《》〈〉【】〔〕‘’“”「」『』"\'';
  const PUNCT = /^[\p{P}\s]*$/u;

  it('an unquoted chunk is one term: normalize(chunk) less unpaired punctuation at its ends', () => {
    fc.assert(
      fc.property(chunks, fc.constantFrom('', '-', '标题:', '-标题:'), (chunk, prefix) => {
        const p = parseQuery(prefix + chunk);
        const norm = normalize(chunk);
        if (!/[\p{L}\p{N}]/u.test(norm)) {
          expect(p.root).toBeNull();
          expect(p.warnings).toEqual([`“${chunk}”不含可检索的文字，已忽略`]);
          return;
        }
        const node = prefix.startsWith('-') ? (p.root as { type: 'not'; child: QueryNode }).child : p.root!;
        expect(p.root!.type).toBe(prefix.startsWith('-') ? 'not' : 'term');
        expect(node).toMatchObject({ type: 'term', raw: chunk, phrase: false, field: prefix.includes('标题') ? 'title' : 'body' });
        const text = (node as { text: string }).text;
        // what is left out is punctuation at the two ends, nothing inside
        const at = [...Array(norm.length - text.length + 1).keys()].find(
          (a) => norm.startsWith(text, a) && PUNCT.test(norm.slice(0, a)) && PUNCT.test(norm.slice(a + text.length)),
        );
        expect(at, `${chunk} → ${text}`).toBeDefined();
        if (![...norm].some((c) => PAIRED.includes(c))) {
          // no pairs: exactly the punctuation at the ends goes
          expect(text).toBe(norm.replace(EDGE_PUNCTUATION, ''));
        }
        // an end that stayed is a letter or symbol, or a mark whose partner is inside
        const first = [...text][0];
        const last = [...text].at(-1)!;
        if (PUNCT.test(first)) expect(text.indexOf(PAIRED[PAIRED.indexOf(first) + 1], 1), text).toBeGreaterThan(0);
        if (PUNCT.test(last)) expect(text.lastIndexOf(PAIRED[PAIRED.indexOf(last) - 1], text.length - 2), text).toBeGreaterThanOrEqual(0);
        // and it reads back as itself
        expect(parseQuery(text).root).toMatchObject({ type: 'term', text, phrase: false });
      }),
      { numRuns: 500 },
    );
  });

  it('looserQuery, when not null, parses to terms that are each a substring of the original term', () => {
    fc.assert(
      fc.property(chunks, (chunk) => {
        const p = parseQuery(chunk);
        const looser = looserQuery(p);
        if (!p.root) {
          expect(looser).toBeNull();
          return;
        }
        const text = (p.root as { text: string }).text;
        if (looser === null) {
          expect(words(text).length).toBeLessThanOrEqual(1);
          return;
        }
        const lp = parseQuery(looser);
        expect(lp.root).not.toBeNull();
        for (const t of termsOf(lp.root)) expect(text).toContain(t.text);
        // each word as a chunk: jieba may keep a dot on a number (`3.`), which the reparse trims
        const expected = words(text).map((w) => w.replace(EDGE_PUNCTUATION, ''));
        expect(lp.positiveTerms.map((t) => t.text)).toEqual([...new Set(expected)]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('issue 9: pasted prose on the sample archive', () => {
  // The raw sample files (one report each), normalised: what Ctrl-F would search.
  const root = new URL('../fixtures/corpus/', import.meta.url);
  const files = readdirSync(root, { recursive: true })
    .map(String)
    .filter((f) => /\.(txt|csv)$/.test(f));
  const texts = files.map((f) => normalize(readFileSync(new URL(f, root), 'utf8')));

  // [query, reports, occurrences] — the counts the issue expects (Ctrl-F on the text)
  it.each([
    ['坚持“两个毫不动摇”', 4, 4],
    ['“十五五”规划', 16, 22],
  ])('%s is one term: %i reports, %i hits', (q, reports, hits) => {
    const p = parseQuery(q);
    expect(p.root).toMatchObject({ type: 'term', text: normalize(q), phrase: false });
    const t = (p.root as { text: string }).text;
    expect(texts.filter((x) => x.includes(t))).toHaveLength(reports);
    expect(texts.reduce((n, x) => n + countMatches(x, [t]), 0)).toBe(hits);
  });
});
