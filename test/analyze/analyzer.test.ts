import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize, queryWords, segment, words } from '../../src/analyze/analyzer.js';

const SEEDS = join(__dirname, '../fixtures/corpus/seeds');
const PROVINCIAL = join(__dirname, '../fixtures/corpus/provincial-2026');
const realTexts = [
  ...readdirSync(SEEDS).map((f) => readFileSync(join(SEEDS, f), 'utf8')),
  ...readdirSync(PROVINCIAL).map((f) => readFileSync(join(PROVINCIAL, f), 'utf8')),
];

describe('normalize', () => {
  it.each([
    ['共產黨', '共产党'],
    ['發展', '发展'],
    ['ＡＢＣ１２３', 'abc123'],
    ['（一）', '(一)'],
    ['新卫〔2022〕12号', '新卫〔2022〕12号'],
    ['全\u3000角', '全 角'],
    ['Ctrl-F', 'ctrl-f'],
  ])('%s → %s', (input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it('keeps characters whose normal form has another length, so offsets stay the same', () => {
    expect(normalize('……㎡⑩')).toBe('……㎡⑩');
  });

  it('never changes the length, on arbitrary text and on every real report', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (s) => normalize(s).length === s.length));
    for (const t of realTexts) expect(normalize(t).length).toBe(t.length);
  });

  it('is idempotent on every BMP code unit (㊖ → 財 → 财 in one step)', () => {
    expect(normalize('㊖')).toBe('财');
    for (let cu = 0; cu < 0x10000; cu++) {
      const ch = String.fromCharCode(cu);
      expect(normalize(normalize(ch))).toBe(normalize(ch));
    }
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 2000 }), (s) => normalize(normalize(s)) === normalize(s)));
  });
});

describe('segment', () => {
  it('gives tokens whose offsets rebuild every real report exactly', () => {
    for (const t of realTexts) {
      const norm = normalize(t);
      const tokens = segment(norm);
      expect(tokens.map((x) => x.term).join('')).toBe(norm);
      for (const tok of tokens) expect(norm.slice(tok.start, tok.end)).toBe(tok.term);
    }
  });

  it('rebuilds arbitrary strings, surrogate pairs included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        const n = normalize(s);
        const tokens = segment(n);
        let pos = 0;
        for (const t of tokens) {
          if (t.start !== pos) return false;
          pos = t.end;
        }
        return pos === n.length;
      }),
      { numRuns: 200 },
    );
  });
});

describe('words', () => {
  it('drops punctuation and whitespace but keeps the words jieba finds', () => {
    expect(words(normalize('全面推行“三项制度”，推进依法行政。'))).toEqual(['全面推行', '三项', '制度', '推进', '依法行政']);
  });

  it('segments a Traditional query into the same words as its Simplified form', () => {
    expect(queryWords('法治政府建設')).toEqual(queryWords('法治政府建设'));
  });
});
