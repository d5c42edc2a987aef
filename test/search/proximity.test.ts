import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/analyze/analyzer.js';
import { parseQuery } from '../../src/query/parser.js';
import {
  nearHolds,
  nearOccurrences,
  nearRanges,
  paragraphRanges,
  sentenceRanges,
  termOccurrences,
  type Range,
} from '../../src/search/proximity.js';
import type { NearNode } from '../../src/types.js';

function near(unit: NearNode['unit'], a: string, b: string, distance = 0): NearNode {
  const t = (text: string) => ({ type: 'term' as const, text, raw: text, phrase: false, field: 'body' as const });
  return { type: 'near', unit, distance: unit === 'chars' ? distance : 0, children: [t(a), t(b)] };
}

// ---------------------------------------------------------------- brute force, written differently

const ENDS = '。!?;';
const TRAILERS = '”’」』)]》〉】〕';

/** Ctrl-F by hand: try every position, step past a match. */
function bruteOccurrences(text: string, term: string): Range[] {
  const out: Range[] = [];
  if (term === '' || term.includes('\n')) return out;
  const splits = (i: number) => /[\ud800-\udbff]/.test(text[i - 1] ?? '') && /[\udc00-\udfff]/.test(text[i] ?? '');
  let i = 0;
  while (i + term.length <= text.length) {
    if (text.slice(i, i + term.length) === term && !splits(i) && !splits(i + term.length)) {
      out.push([i, i + term.length]);
      i += term.length;
    } else i++;
  }
  return out;
}

/** Per position: [paragraph number, sentence number] ('\n' gets [-1, -1]). */
function bruteIds(text: string): Array<[number, number]> {
  const ids: Array<[number, number]> = [];
  let sentence = 0;
  text.split('\n').forEach((para, p) => {
    if (p > 0) ids.push([-1, -1]);
    for (let i = 0; i < para.length; i++) {
      ids.push([p, sentence]);
      const inRun = (k: number) => k >= 0 && k < para.length && (ENDS.includes(para[k]) || TRAILERS.includes(para[k]));
      if (inRun(i) && !inRun(i + 1)) {
        // the run of ends and closers that finishes here ends a sentence if it holds an end
        let k = i;
        let hasEnd = false;
        for (; inRun(k); k--) if (ENDS.includes(para[k])) hasEnd = true;
        if (hasEnd) sentence++;
      }
    }
    sentence++;
  });
  return ids;
}

/** The single sentence or paragraph holding all of [s, e), or null. */
function holder(ids: Array<[number, number]>, [s, e]: Range, which: 0 | 1): number | null {
  const first = ids[s][which];
  for (let i = s; i < e; i++) if (ids[i][which] !== first || first < 0) return null;
  return first;
}

/** Every pair tested. */
function bruteNear(text: string, node: NearNode): { left: Range[]; right: Range[] } {
  const [ta, tb] = node.children;
  const A = bruteOccurrences(text, ta.text);
  const B = bruteOccurrences(text, tb.text);
  const ids = bruteIds(text);
  const ok = (a: Range, b: Range) => {
    if (ta.text === tb.text && a[0] === b[0]) return false;
    if (node.unit === 'sentence' || node.unit === 'paragraph') {
      const w = node.unit === 'sentence' ? 1 : 0;
      const h = holder(ids, a, w);
      return h !== null && h === holder(ids, b, w);
    }
    const pa = holder(ids, a, 0);
    const d = Math.max(0, Math.max(a[0], b[0]) - Math.min(a[1], b[1]));
    return pa !== null && pa === holder(ids, b, 0) && d <= node.distance;
  };
  return { left: A.filter((a) => B.some((b) => ok(a, b))), right: B.filter((b) => A.some((a) => ok(a, b))) };
}

// ---------------------------------------------------------------- properties

const texts = fc
  .array(fc.constantFrom('a', 'b', 'a', 'b', 'ab', 'c', '。', '!', '?', ';', '”', '。”', '\n', ' ', '😀', '\ud83d'), { maxLength: 40 })
  .map((a) => a.join(''));
const terms = fc.array(fc.constantFrom('a', 'b', 'a', 'b', '。', '😀', '\ud83d', '\ude00'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
const nodes = fc
  .tuple(fc.constantFrom<NearNode['unit']>('sentence', 'paragraph', 'chars'), terms, terms, fc.integer({ min: 0, max: 6 }), fc.boolean())
  .map(([unit, a, b, d, same]) => near(unit, a, same ? a : b, d));

describe('proximity against brute force (small alphabets)', () => {
  it('termOccurrences steps as Ctrl-F does', () => {
    fc.assert(
      fc.property(texts, terms, (text, term) => {
        expect(termOccurrences(text, term)).toEqual(bruteOccurrences(text, term));
      }),
      { numRuns: 2000 },
    );
  });

  it('sentenceRanges and paragraphRanges give each position the sentence and paragraph the brute force does', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const ids = bruteIds(text);
        const sentences = sentenceRanges(text);
        const paras = paragraphRanges(text);
        // the ranges cover every position but '\n', in order, disjoint
        const sentenceOf = new Array<number>(text.length).fill(-1);
        sentences.forEach(([s, e], k) => {
          expect(e).toBeGreaterThan(s);
          for (let i = s; i < e; i++) {
            expect(sentenceOf[i]).toBe(-1);
            sentenceOf[i] = k;
          }
        });
        const paraOf = new Array<number>(text.length).fill(-1);
        paras.forEach(([s, e], k) => {
          for (let i = s; i < e; i++) paraOf[i] = k;
        });
        expect(paras).toHaveLength(text.split('\n').length);
        for (let i = 0; i < text.length; i++) {
          expect(sentenceOf[i] === -1).toBe(text[i] === '\n');
          expect(paraOf[i]).toBe(ids[i][0]);
          // same sentence as the previous position exactly when the brute force says so
          if (i > 0 && text[i] !== '\n' && text[i - 1] !== '\n') expect(sentenceOf[i] === sentenceOf[i - 1]).toBe(ids[i][1] === ids[i - 1][1]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('nearOccurrences keeps exactly the occurrences in a satisfying pair; nearHolds agrees', () => {
    fc.assert(
      fc.property(texts, nodes, (text, node) => {
        const got = nearOccurrences(text, node);
        const want = bruteNear(text, node);
        expect(got).toEqual(want);
        expect(nearHolds(text, node)).toBe(want.left.length > 0);
        expect(want.left.length > 0).toBe(want.right.length > 0);
      }),
      { numRuns: 5000 },
    );
  });

  it('nearRanges is the union of both sides, merged', () => {
    fc.assert(
      fc.property(texts, nodes, (text, node) => {
        const { left, right } = bruteNear(text, node);
        const covered = new Set<number>();
        for (const [s, e] of [...left, ...right]) for (let i = s; i < e; i++) covered.add(i);
        const ranges = nearRanges(text, node);
        const got = new Set<number>();
        for (let k = 0; k < ranges.length; k++) {
          const [s, e] = ranges[k];
          if (k > 0) expect(s).toBeGreaterThanOrEqual(ranges[k - 1][1]);
          for (let i = s; i < e; i++) got.add(i);
        }
        expect([...got].sort((x, y) => x - y)).toEqual([...covered].sort((x, y) => x - y));
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------- real report text

const report = normalize(readFileSync(new URL('../fixtures/corpus/seeds/002_2bba1cb4cd6e5587.txt', import.meta.url), 'utf8'));

describe('proximity on a real report (湟中区卫生健康局 2024)', () => {
  const root = (q: string) => parseQuery(q).root as NearNode;
  // [query, holds, how many occurrences of the first term satisfy it]
  const cases: Array<[string, boolean, number]> = [
    // 五是全面落实行政执法“三项制度”。 and 规范做好“三项制度”工作，…行政执法案件…的水平。
    ['三项制度 /SEN 行政执法', true, 2],
    // 规范做好“三项制度”工作，…的水平。三是进一步落实法律顾问制度。 — one paragraph, two sentences
    ['三项制度 /SEN 法律顾问', false, 0],
    ['三项制度 /PRG 法律顾问', true, 1],
    // 全面推行“双随机、一公开”监管机制，…，切实优化营商环境。
    ['双随机 /SEN 营商环境', true, 1],
    // 行政执法“三项制度”: the opening quote stands between them
    ['行政执法 /NEAR 0 三项制度', false, 0],
    ['行政执法 /NEAR 1 三项制度', true, 1],
    ['"三项制度" /NEAR 1 行政执法', true, 1],
    // 11 times in the report, 7 of them with another in the same sentence (…聘用法律顾问…发挥法律顾问…；)
    ['法律顾问 /SEN 法律顾问', true, 7],
    // 支持部门预算法律顾问经费聘请法律顾问: 4 characters apart
    ['法律顾问 /NEAR 3 法律顾问', false, 0],
    ['法律顾问 /NEAR 4 法律顾问', true, 2],
  ];
  it.each(cases)('%s → %s', (q, holds, n) => {
    const node = root(q);
    expect(node.type).toBe('near');
    expect(nearHolds(report, node)).toBe(holds);
    const got = nearOccurrences(report, node);
    expect(got.left).toHaveLength(n);
    expect(got).toEqual(bruteNear(report, node));
  });

  it('marks 双随机 only in the sentence that also holds 营商环境 (1 of its 6 occurrences)', () => {
    const { left, right } = nearOccurrences(report, root('双随机 /SEN 营商环境'));
    expect(termOccurrences(report, '双随机')).toHaveLength(6);
    expect(left).toHaveLength(1);
    const sentence = sentenceRanges(report).find(([a, b]) => a <= left[0][0] && left[0][1] <= b)!;
    const text = report.slice(sentence[0], sentence[1]);
    expect(text.startsWith('全面推行“双随机、一公开”监管机制,')).toBe(true);
    expect(text.endsWith('切实优化营商环境。')).toBe(true);
    expect(right.map(([s, e]) => report.slice(s, e))).toEqual(['营商环境']);
  });

  it('splits the real text into sentences after 。！？； (folded) and at line ends', () => {
    const text = normalize('一是好！二是“好。”三是好；四\n五是好？');
    expect(sentenceRanges(text).map(([s, e]) => text.slice(s, e))).toEqual(['一是好!', '二是“好。”', '三是好;', '四', '五是好?']);
    const sentences = sentenceRanges(report);
    // every sentence of the report ends with a sentence end (+ closers) or at its paragraph's end
    for (const [s, e] of sentences) {
      const atLineEnd = e === report.length || report[e] === '\n';
      expect(atLineEnd || /[。!?;][”’」』)\]》〉】〕]*$/.test(report.slice(s, e))).toBe(true);
    }
    expect(sentences.length).toBeGreaterThan(100);
  });
});
