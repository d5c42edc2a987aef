import { describe, expect, it } from 'vitest';
import { alignTexts, chainRuns, extendSeeds } from '../../src/reuse/align.js';
import { charStream, fingerprints, shingleHashes } from '../../src/reuse/shingles.js';
import { resolveOptions } from '../../src/reuse/options.js';
import { mulberry32 } from './archive.js';

const BASE = '加快推进平漯周、焦济洛平、郑州南站等高铁项目，开工建设南信合高铁、京港高铁阜阳至黄冈段，建成雄商高铁河南段。积极推进内河航运、现代水网体系建设。';

describe('charStream', () => {
  it.each([
    ['依法行政，（一）ＡＢ', '依法行政一ab', [0, 1, 2, 3, 6, 8, 9]],
    ['共產黨 2023年', '共产党2023年', [0, 1, 2, 4, 5, 6, 7, 8]],
    ['“”，。', '', []],
  ])('%s keeps letters and digits, normalised, with offsets into the original', (text, stream, offsets) => {
    const s = charStream(text);
    expect(String.fromCharCode(...s.codes)).toBe(stream);
    expect([...s.offsets]).toEqual(offsets);
  });
});

describe('fingerprints (winnowing)', () => {
  it('any shared run of minSharedChars letters gives both texts a common fingerprint', () => {
    const o = resolveOptions();
    const rand = mulberry32(7);
    const pick = () => String.fromCharCode(0x4e00 + Math.floor(rand() * 3000));
    for (let t = 0; t < 200; t++) {
      const shared = Array.from({ length: o.minSharedChars }, pick).join('');
      const a = charStream(Array.from({ length: 30 }, pick).join('') + shared + Array.from({ length: 7 }, pick).join(''));
      const b = charStream(Array.from({ length: 3 }, pick).join('') + shared + Array.from({ length: 40 }, pick).join(''));
      const fa = new Set(fingerprints(a.codes, o.shingleSize, o.minSharedChars - o.shingleSize + 1).hashes);
      const fb = fingerprints(b.codes, o.shingleSize, o.minSharedChars - o.shingleSize + 1).hashes;
      expect(fb.some((h) => fa.has(h))).toBe(true);
    }
  });

  it('keeps about 2 / (w + 1) of the shingles', () => {
    const rand = mulberry32(3);
    const text = Array.from({ length: 20_000 }, () => String.fromCharCode(0x4e00 + Math.floor(rand() * 3000))).join('');
    const s = charStream(text);
    const density = fingerprints(s.codes, 10, 11).positions.length / shingleHashes(s.codes, 10).length;
    expect(density).toBeGreaterThan(0.14);
    expect(density).toBeLessThan(0.19);
  });
});

describe('alignTexts (extend and merge)', () => {
  const one = (a: string, b: string) => {
    const ps = alignTexts(a, b);
    expect(ps).toHaveLength(1);
    return ps[0];
  };

  it('a copy with other punctuation and surroundings is one passage with exact spans', () => {
    const b = '前言部分的文字。' + BASE.replace(/，/g, '、').replace('。', '；') + '后面完全不同的内容';
    const p = one('总之，' + BASE, b);
    expect(p.a).toEqual([3, 3 + BASE.length - 1]); // the final 。 is punctuation, not part of the passage
    expect(b.slice(p.b[0], p.b[1])).toBe(BASE.replace(/，/g, '、').replace('。', '；').slice(0, -1));
    expect(p.similarity).toBe(1);
  });

  it('bridges a replaced character: one passage, two exact runs', () => {
    const b = BASE.replace('开工建设', '开工新设');
    const p = one(BASE, b);
    expect(p.spansA).toHaveLength(2);
    expect(p.matched).toBe(charStream(BASE).codes.length - 1);
  });

  it('bridges a dropped sentence', () => {
    const a = BASE + '加快观音寺调蓄工程、沙颍河“通港达园”项目建设，开工建设豫东水资源配置工程。实施赵口、陆浑、渠村等灌区现代化改造。';
    const b = BASE + '实施赵口、陆浑、渠村等灌区现代化改造。';
    const p = one(a, b);
    expect(p.a).toEqual([0, a.length - 1]);
    expect(p.b).toEqual([0, b.length - 1]);
  });

  it('finds nothing in unrelated text or below the minimum', () => {
    expect(alignTexts(BASE, '深化医药卫生体制改革，推进紧密型县域医共体建设，提升基层医疗卫生服务能力。')).toEqual([]);
    // 16 shared characters: below the default minimum of 20
    expect(alignTexts('前文不同的说法：开工建设南信合高铁京港高铁阜阳，后文', '另一份报告写道开工建设南信合高铁京港高铁阜阳然后别的')).toEqual([]);
    expect(alignTexts('前文不同的说法：开工建设南信合高铁京港高铁阜阳，后文', '另一份报告写道开工建设南信合高铁京港高铁阜阳然后别的', { minSharedChars: 12 })).toHaveLength(1);
  });

  it('drops seeds that are hash collisions (the characters differ)', () => {
    const a = charStream('甲乙丙丁戊己庚辛壬癸子丑寅卯');
    const b = charStream('天地玄黄宇宙洪荒日月盈昃辰宿');
    expect(extendSeeds(a.codes, b.codes, [0, 0, 2, 2], 10)).toEqual([]);
  });

  it('does not glue two far coincidences into one passage', () => {
    const runs = [
      { a0: 0, b0: 0, len: 10 },
      { a0: 70, b0: 65, len: 10 }, // 60 / 55 characters of different text between them
    ];
    expect(chainRuns(runs, 60, 20)).toEqual([]);
  });
});
