import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REUSE_OPTIONS,
  ReuseIndex,
  ReuseIndexBuilder,
  reportFingerprints,
  resolveOptions,
  similarPassages,
  type ReuseDoc,
} from '../../src/reuse/index.js';
import { DfSketch, distinctHashes } from '../../src/reuse/sketch.js';
import { mulberry32 } from './archive.js';

describe('ReuseOptions', () => {
  it('merges defaults and refuses settings that cannot work', () => {
    expect(resolveOptions({ minSharedChars: 30 })).toEqual({ ...DEFAULT_REUSE_OPTIONS, minSharedChars: 30 });
    expect(() => resolveOptions({ shingleSize: 40 })).toThrow(/shingleSize must be ≤ minSharedChars \(40 > 20\)/);
    expect(() => resolveOptions({ boilerplateShare: 0 })).toThrow(/boilerplateShare/);
    expect(() => resolveOptions({ maxGap: -1 })).toThrow(/maxGap must be an integer ≥ 0/);
  });
});

describe('DfSketch', () => {
  it('never counts a shingle in fewer reports than hold it, and rarely in many more', () => {
    const rand = mulberry32(5);
    const sketch = new DfSketch(new Uint16Array(3 * (1 << 16)));
    const truth = new Map<number, number>();
    for (let r = 0; r < 200; r++) {
      // 3,000 shingles a report from a vocabulary of 100,000: frequent and rare ones
      const hs = Uint32Array.from({ length: 3000 }, () => Math.floor(rand() ** 2 * 100_000) * 2654435761);
      const d = distinctHashes([hs]);
      sketch.addReport(d);
      for (const h of d) truth.set(h, (truth.get(h) ?? 0) + 1);
    }
    let over = 0;
    let under = 0;
    for (const [h, n] of truth) {
      if (sketch.count(h) < n) under++;
      if (sketch.count(h) > n + 10) over++;
    }
    expect(under).toBe(0);
    // ~9 occurrences per counter, as DfSketch.sized plans: the overestimate stays far below a boilerplate count
    expect(over / truth.size).toBeLessThan(0.01);
  });
});

describe('building incrementally', () => {
  it('fingerprints kept from an earlier build give the same index as fingerprinting again', () => {
    const docs: ReuseDoc[] = [
      { id: 'a', paragraphs: ['坚持依法行政，全面推进政务公开，提升基层治理能力，建设人民满意的法治政府。', '第二段'], year: 2021, region: '湖北省', date: '2022-01-05' },
      { id: 'b', paragraphs: ['我们要坚持依法行政、全面推进政务公开，提升基层治理能力。'], year: 2023, region: '四川省', date: null },
    ];
    const o = resolveOptions();
    const kept = docs.map((d) => reportFingerprints(d.paragraphs, o));
    const b = new ReuseIndexBuilder({}, 1000);
    docs.forEach((d, i) => b.add(d, kept[i]));
    expect(Buffer.compare(b.finish().toBuffer(), ReuseIndex.build(docs).toBuffer())).toBe(0);
    expect(() => new ReuseIndexBuilder().add(docs[0], kept[1])).toThrow(/has 2 paragraphs but 1/);
    // few postings: hash deltas of 4–5 varint bytes
    const index = ReuseIndex.build(docs);
    const again = ReuseIndex.fromBuffer(index.toBuffer(), (id) => docs.find((d) => d.id === id)!.paragraphs);
    expect(Buffer.compare(again.toBuffer(), index.toBuffer())).toBe(0);
    expect(similarPassages(again, 'b', 0).hits).toHaveLength(1);
  });
});

describe('the index file', () => {
  it('round-trips long paragraphs (offsets past 65,535) and refuses a truncated file', () => {
    const rand = mulberry32(9);
    const long = Array.from({ length: 70_000 }, () => String.fromCharCode(0x4e00 + Math.floor(rand() * 5000))).join('');
    const docs: ReuseDoc[] = [
      { id: 'a', paragraphs: [long], year: 2020, region: '', date: null },
      { id: 'b', paragraphs: ['引言' + long.slice(69_000, 69_100)], year: 2021, region: '', date: null },
    ];
    const index = ReuseIndex.build(docs);
    const buf = index.toBuffer();
    const byId = new Map(docs.map((d) => [d.id, d.paragraphs]));
    const loaded = ReuseIndex.fromBuffer(buf, (id) => byId.get(id)!);
    const hit = similarPassages(loaded, 'b', 0).hits[0];
    expect(hit.spans).toEqual([[69_000, 69_100]]);
    expect(similarPassages(loaded, 'b', 0)).toEqual(similarPassages(index, 'b', 0));
    expect(() => ReuseIndex.fromBuffer(buf.subarray(0, buf.length - 3), (id) => byId.get(id)!)).toThrow(/rebuild/);
  });
});
