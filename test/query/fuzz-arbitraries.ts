/**
 * Query generators for the parser's fuzz test: arbitrary UTF-16 (lone surrogates and
 * control characters included) mixed with the syntax's own pieces, so most runs reach
 * the interesting paths (quotes inside chunks, operators next to each other, limits).
 */
import fc from 'fast-check';

const SYNTAX = [
  '"', '“', '”', '「', '」', '『', '』', '＂', "'", '‘', '’',
  ' ', ' ', ' ', '　', '\n', '\t',
  '|', '｜', '-', '－', ':', '：',
  'OR', 'AND', 'NOT', 'or', 'and', 'not', 'Or', 'ＯＲ', 'ＡＮＤ', 'ＮＯＴ',
  '/SEN', '/PRG', '/NEAR', '/sen', '/prg', '/near', '／ＳＥＮ', '/NEAR 5', '/NEAR5', '/NEAR 500', '/NEAR 0', '/NEAR -3',
  '标题:', 'title:', '标题：', 'Title:',
  '，', '。', '、', '！', '？', '；', ',', '.', '（', '）', '(', ')', '《', '》', '【', '】', '…', '—',
  '0', '5', '100', '2021-2025', '+', '℃', '%',
  '坚持', '两个毫不动摇', '十五五', '规划', '法治', '政府', '三项制度', '湟中', '共產黨', 'ＡＢＣ', 'abc',
  '😀', '𠀀', '\ud800', '\udc00', '\u0000', '\u0007', '\u200b', '\ufeff', '\u0085',
];

/** One UTF-16 code unit, any of the 65,536 (lone surrogates included). */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** One code point, astral included. */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const control = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));

const piece = fc.oneof(
  { arbitrary: fc.constantFrom(...SYNTAX), weight: 6 },
  { arbitrary: anyUnit, weight: 1 },
  { arbitrary: anyCodePoint, weight: 1 },
  { arbitrary: control, weight: 1 },
);

/** Strings built from the syntax's pieces and arbitrary characters, up to a bit over the limit. */
export const syntaxQueries = fc.array(piece, { maxLength: 120 }).map((a) => a.join(''));

/** Arbitrary strings of UTF-16 code units (lone surrogates, controls) and code points. */
export const unicodeQueries = fc
  .array(fc.oneof(anyUnit, anyCodePoint, control), { maxLength: 240 })
  .map((a) => a.join(''));

const WORDS = ['法治', '政府', '湟中', '新县', '三项制度', '营商环境', '双随机', '行政执法公示', '坚持“两个毫不动摇”', '“十五五”规划', '"法治 政府"', '标题:法治', '2021-2025'];
const JOINERS = [' ', ' ', ' ', ' OR ', '|', ' AND ', ' NOT ', ' -', ' /SEN ', ' /PRG ', ' /NEAR 5 ', ' /NEAR5 '];
/** Many chunks and operators: around and over the term and character limits. */
export const longQueries = fc
  .array(fc.tuple(fc.constantFrom(...JOINERS), fc.oneof(fc.constantFrom(...WORDS), fc.string({ minLength: 1, maxLength: 12 }))), {
    minLength: 10,
    maxLength: 45,
  })
  .map((a) => a.map(([j, w]) => j + w).join(''));

export const fuzzQueries = fc.oneof(
  { arbitrary: syntaxQueries, weight: 3 },
  { arbitrary: unicodeQueries, weight: 1 },
  { arbitrary: longQueries, weight: 1 },
);
