/**
 * The real fixture archive (31 provincial government work reports of 2026 and
 * 5 seeds): reports of one year quote the same central documents, so there is
 * real reuse, much of it stock wording.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFolder } from '../../src/ingest/index.js';
import { ReuseIndex, alignTexts, charStream, regionPath, reusePairs, type ReuseDoc, type ReusePair } from '../../src/reuse/index.js';

let docs: ReuseDoc[];
let pairs: ReusePair[];

beforeAll(async () => {
  const r = await ingestFolder('test/fixtures/corpus');
  docs = r.docs.map((d) => ({ id: d.id, paragraphs: d.text.split('\n'), year: d.year, date: d.date, region: regionPath(d.region) }));
  pairs = [...reusePairs(ReuseIndex.build(docs))];
});

describe('reuse in the real archive', () => {
  it('finds shared passages between provinces, each really sharing ≥ 20 letters', () => {
    expect(pairs.length).toBeGreaterThan(100);
    for (const p of pairs.slice(0, 200)) {
      const direct = alignTexts(p.source.text, p.target.text);
      expect(direct.reduce((n, x) => n + x.matched, 0)).toBeGreaterThanOrEqual(20);
      expect(p.source.region).not.toBe('');
    }
  });

  it('does not report a stock phrase shared by most provinces on its own', () => {
    const stock = String.fromCharCode(...charStream('以习近平新时代中国特色社会主义思想为指导').codes);
    const holders = docs.filter((d) => d.paragraphs.some((p) => String.fromCharCode(...charStream(p).codes).includes(stock)));
    expect(holders.length).toBeGreaterThan(30); // 32 of 36, far above the boilerplate count of this archive (10)
    for (const p of pairs) expect(stock.includes(String.fromCharCode(...charStream(p.source.text).codes))).toBe(false);
  });

  it('marks the common opening (总体要求) as partly boilerplate, and fewer pairs with boilerplate set aside', () => {
    const opening = pairs.filter((p) => p.source.text.includes('以推动高质量发展为主题'));
    expect(opening.length).toBeGreaterThan(0);
    expect(Math.max(...opening.map((p) => p.boilerplate))).toBeGreaterThan(0.2);
    const everything = [...reusePairs(ReuseIndex.build(docs, { boilerplateShare: 1, boilerplateMinDocs: 1000 }))];
    expect(everything.length).toBeGreaterThan(pairs.length);
  });
});
