/**
 * The Done-when, on a seeded archive with planted reuse (archive.ts):
 * recall and precision of planted pairs ≥ 95 %, the earliest source right for
 * every chain, boilerplate-only pairs not reported, the draft check finding
 * planted passages with ≥ 90 % span overlap, and a saved index answering the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BOILERPLATE,
  editCopy,
  generateArchive,
  mulberry32,
  type Archive,
} from './archive.js';
import { scorePairs } from './evaluate.js';
import {
  ReuseIndex,
  checkDraft,
  charStream,
  pairsForReport,
  reusePairs,
  similarPassages,
  type ReusePair,
} from '../../src/reuse/index.js';

export const TEST_ARCHIVE = {
  seed: 2026_11,
  reports: 40,
  minChars: 2000,
  maxChars: 3600,
  plants: 80,
  chainShare: 0.3,
  fragments: 20,
  boilerplateShare: 0.4,
  spare: 40,
};

let archive: Archive;
let index: ReuseIndex;
let pairs: ReusePair[];

beforeAll(async () => {
  archive = await generateArchive(TEST_ARCHIVE);
  index = ReuseIndex.build(archive.docs);
  pairs = [...reusePairs(index)];
});

const textOf = (id: string, para: number) => archive.docs.find((d) => d.id === id)!.paragraphs[para];

describe('the generated archive', () => {
  it('is real paragraphs only, with ≥ 50 planted passages of 40–400 characters and chains', () => {
    expect(archive.synthetic).toBe(0);
    expect(archive.plants.length).toBeGreaterThanOrEqual(50);
    for (const p of archive.plants) {
      expect(p.texts[0].length).toBeGreaterThanOrEqual(40);
      expect(p.texts[0].length).toBeLessThanOrEqual(400);
      const years = p.places.map((x) => archive.docs.find((d) => d.id === x.doc)!.year!);
      expect([...years].sort()).toEqual(years);
      expect(new Set(years).size).toBe(years.length);
    }
    expect(archive.plants.filter((p) => p.places.length === 3).length).toBeGreaterThanOrEqual(15);
    // the copies really are edited
    expect(archive.plants.filter((p) => p.texts[1] !== p.texts[0]).length).toBeGreaterThan(60);
  });
});

describe('reuse across the archive (reusePairs)', () => {
  it('finds ≥ 95 % of planted pairs, and ≥ 95 % of what it reports is planted', () => {
    const s = scorePairs(archive, pairs);
    expect(s.expected).toBeGreaterThan(100);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
  });

  it('puts the earlier report first, for every planted pair found', () => {
    const s = scorePairs(archive, pairs);
    expect(s.rightDirection).toBe(s.found);
    for (const p of pairs) if (!p.tie) expect((p.source.year ?? 0) <= (p.target.year ?? 0)).toBe(true);
  });

  it('reports no boilerplate-only pair and no shared fragment below the minimum', () => {
    const s = scorePairs(archive, pairs);
    expect(s.fragmentPairs).toBe(0);
    const stock = BOILERPLATE.map((b) => String.fromCharCode(...charStream(b).codes));
    for (const p of pairs) {
      const shared = String.fromCharCode(...charStream(p.source.text).codes);
      expect(stock.some((b) => b.includes(shared))).toBe(false);
    }
    // … although the stock sentences are in 40 % of the reports
    expect(archive.docs.filter((d) => d.paragraphs.some((x) => x.includes(BOILERPLATE[0]))).length).toBe(16);
  });

  it('gives aligned texts that are the paragraph slices, with scores in range', () => {
    for (const p of pairs) {
      expect(textOf(p.source.id, Number(p.source.anchor.slice(2))).slice(p.source.start, p.source.end)).toBe(p.source.text);
      expect(textOf(p.target.id, Number(p.target.anchor.slice(2))).slice(p.target.start, p.target.end)).toBe(p.target.text);
      expect(p.sharedChars).toBeGreaterThanOrEqual(20);
      expect(p.similarity).toBeGreaterThan(0);
      expect(p.similarity).toBeLessThanOrEqual(1);
      expect(p.boilerplate).toBeGreaterThanOrEqual(0);
      expect(p.boilerplate).toBeLessThan(1);
      expect(p.sharedChars * (1 - p.boilerplate)).toBeGreaterThanOrEqual(9.999); // half the minimum is outside boilerplate
    }
  });

  it('pairsForReport (the incremental rerun) gives the same pairs for one report', () => {
    const id = archive.plants[0].places[1].doc;
    const key = (p: ReusePair) => `${p.source.id}/${p.source.anchor}/${p.source.start}-${p.target.id}/${p.target.anchor}/${p.target.start}`;
    const mine = pairs.filter((p) => p.source.id === id || p.target.id === id).map(key).sort();
    expect(pairsForReport(index, id).map(key).sort()).toEqual(mine);
  });
});

describe('similar passages per paragraph', () => {
  it('marks the earliest source right for every planted chain', () => {
    for (const plant of archive.plants) {
      const last = plant.places[plant.places.length - 1];
      const r = similarPassages(index, last.doc, last.para);
      const origin = r.origins.find((o) => o.start < last.end && last.start < o.end)!;
      expect(origin.id).toBe(plant.places[0].doc);
      expect(origin.anchor).toBe(`p-${plant.places[0].para}`);
      const hit = r.hits.find((h) => h.id === plant.places[0].doc && h.anchor === `p-${plant.places[0].para}`)!;
      expect(hit.earliest).toBe(true);
    }
  });

  it('gives shared spans on both sides that hold the same letters', () => {
    const plant = archive.plants.find((p) => p.places.length === 3)!;
    const [a, b] = plant.places;
    const r = similarPassages(index, b.doc, b.para);
    const hit = r.hits.find((h) => h.id === a.doc)!;
    expect(hit.spans.length).toBe(hit.sourceSpans.length);
    const asked = textOf(b.doc, b.para);
    const other = textOf(a.doc, a.para);
    hit.spans.forEach(([s, e], i) => {
      const [s2, e2] = hit.sourceSpans[i];
      expect(charStream(other.slice(s, e)).codes).toEqual(charStream(asked.slice(s2, e2)).codes);
      // inside the planted passage on both sides
      expect(s).toBeGreaterThanOrEqual(a.start);
      expect(e).toBeLessThanOrEqual(a.end);
      expect(s2).toBeGreaterThanOrEqual(b.start);
      expect(e2).toBeLessThanOrEqual(b.end);
    });
    expect(hit.score).toBeGreaterThan(0);
    expect(hit.score).toBeLessThanOrEqual(1);
  });

  it('lists other regions first', () => {
    for (const plant of archive.plants.slice(0, 30)) {
      const last = plant.places[plant.places.length - 1];
      const r = similarPassages(index, last.doc, last.para);
      const mine = archive.docs.find((d) => d.id === last.doc)!.region;
      const same = r.hits.map((h) => h.region === mine);
      expect(same).toEqual([...same].sort((x, y) => Number(x) - Number(y)));
    }
  });

  it('refuses an unknown report or paragraph', () => {
    expect(() => similarPassages(index, 'nope', 0)).toThrow(/unknown report/);
    expect(() => similarPassages(index, archive.docs[0].id, 10_000)).toThrow(/no paragraph/);
  });
});

describe('draft check', () => {
  it('finds the planted passages of a pasted draft, ≥ 90 % of each, earliest source first', () => {
    const rand = mulberry32(99);
    const cjk = () => String.fromCharCode(0x4e00 + Math.floor(rand() * 0x5000));
    const chosen = archive.plants.filter((_, i) => i % 9 === 0).slice(0, 8);
    let draft = '';
    const truth: Array<{ start: number; end: number; earliest: string }> = [];
    chosen.forEach((plant, i) => {
      draft += archive.spare[i] + '\n';
      const text = editCopy(plant.texts[plant.texts.length - 1], rand, cjk);
      truth.push({ start: draft.length, end: draft.length + text.length, earliest: plant.places[0].doc });
      draft += text + '\n';
    });
    draft += archive.spare[20];
    const r = checkDraft(index, draft);
    expect(r.chars).toBe(draft.length);
    for (const t of truth) {
      const span = r.spans.find((s) => s.start < t.end && t.start < s.end)!;
      expect(span).toBeDefined();
      const inter = Math.min(span.end, t.end) - Math.max(span.start, t.start);
      expect(inter / (t.end - t.start)).toBeGreaterThanOrEqual(0.9);
      expect((span.end - span.start) / (t.end - t.start)).toBeLessThanOrEqual(1.01);
      expect(span.sources[0].id).toBe(t.earliest);
      const years = span.sources.map((s) => s.year!);
      expect([...years].sort()).toEqual(years);
    }
    expect(r.spans).toHaveLength(truth.length); // the unrelated paragraphs are not flagged
    expect(r.coveredChars).toBe(r.spans.reduce((n, s) => n + s.end - s.start, 0));
  });

  it('does not flag boilerplate alone, and refuses an over-long draft', () => {
    expect(checkDraft(index, BOILERPLATE.join('。') + '。').spans).toEqual([]);
    expect(() => checkDraft(index, '字'.repeat(20_001))).toThrow(/at most 20000/);
  });
});

describe('saving the index', () => {
  it('answers the same after toBuffer → fromBuffer, reading texts back by id', () => {
    const buf = index.toBuffer();
    const byId = new Map(archive.docs.map((d) => [d.id, d.paragraphs]));
    const loaded = ReuseIndex.fromBuffer(buf, (id) => byId.get(id)!, {});
    for (const plant of archive.plants.slice(0, 10)) {
      const at = plant.places[1];
      expect(similarPassages(loaded, at.doc, at.para)).toEqual(similarPassages(index, at.doc, at.para));
    }
    expect([...reusePairs(loaded)]).toEqual(pairs);
  });

  it('fails loudly on another format version or other options', () => {
    const buf = Buffer.from(index.toBuffer());
    expect(() => ReuseIndex.fromBuffer(buf, () => [], { minSharedChars: 30 })).toThrow(/built with minSharedChars=20, asked for 30/);
    buf.writeUInt32LE(99, 4);
    expect(() => ReuseIndex.fromBuffer(buf, () => [])).toThrow(/format 99/);
    expect(() => ReuseIndex.fromBuffer(Buffer.from('hello world!'), () => [])).toThrow(/not a reuse index/);
  });
});
