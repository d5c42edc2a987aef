/**
 * A seeded synthetic archive with planted text reuse, for the reuse tests and
 * benchmark.
 *
 * Background paragraphs are real paragraphs of test/fixtures/corpus, each used
 * once, and only those sharing no run of 10 letters/digits with one already
 * taken (the real reports quote each other, which would blur the truth). When
 * the real ones run out (benchmark scales) further paragraphs come from an
 * order-2 character Markov chain over them: Chinese-looking text with the
 * archive's character statistics and its common phrases, but no shared passages.
 *
 * Planted on top:
 * - reuse: a passage of 40–400 characters (a real paragraph or part of one)
 *   inserted into one report, then copied into 1–2 later reports with small
 *   edits (punctuation changed, a character replaced per ~80, sometimes a
 *   sentence dropped) inside different surrounding text; with 2 copies it is a
 *   chain A → B → C in which C copies B's version;
 * - boilerplate decoys: stock sentences (全面贯彻党的二十大精神 …), each in a share
 *   `boilerplateShare` of the reports;
 * - fragment decoys: 12–16 characters copied between two reports (below the minimum).
 */
import { ingestFolder } from '../../src/ingest/index.js';
import { charStream } from '../../src/reuse/shingles.js';
import type { ReuseDoc } from '../../src/reuse/reuseindex.js';

// The benchmark's seeded generator, so a failure can be replayed.
import { mulberry32 } from '../../bench/corpus.js';
export { mulberry32 };

export const BOILERPLATE = [
  '坚持以习近平新时代中国特色社会主义思想为指导',
  '全面贯彻党的二十大和二十届二中、三中全会精神',
  '深入贯彻习近平法治思想，坚定不移走中国特色社会主义法治道路',
  '完整准确全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展',
  '深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”',
  '统筹发展和安全，坚持稳中求进工作总基调',
  '以更加奋发有为的精神状态推进各项工作，为全面建设社会主义现代化国家贡献力量',
];

const REGIONS = ['四川省', '湖北省', '湖南省', '广东省', '浙江省', '江苏省', '山东省', '河南省', '云南省', '贵州省', '青海省', '甘肃省'];

/** Where a planted passage landed: paragraph `para` of report `doc`, `[start, end)` in its text. */
export interface Place {
  doc: string;
  para: number;
  start: number;
  end: number;
}

export interface Plant {
  /** The occurrences, earliest report first (years strictly increase). */
  places: Place[];
  /** The text inserted at each place. */
  texts: string[];
}

export interface Archive {
  docs: ReuseDoc[];
  plants: Plant[];
  /** Fragment decoys: short shared strings that must not be reported. */
  fragments: Place[][];
  /** Unused real paragraphs (for drafts). */
  spare: string[];
  /** Background paragraphs from the Markov chain (0 while real ones last). */
  synthetic: number;
}

export interface ArchiveOptions {
  seed: number;
  reports: number;
  minChars: number;
  maxChars: number;
  plants: number;
  /** Share of plants copied twice (a chain A → B → C). */
  chainShare: number;
  fragments: number;
  /** Share of reports holding each boilerplate sentence. */
  boilerplateShare: number;
  /** Real paragraphs set aside for drafts. */
  spare: number;
  /** Characters per replaced character in a copy (default 80: "a few characters replaced"). */
  editEvery?: number;
}

let poolCache: string[] | null = null;

/** Real paragraphs, cleaned by ingest, sharing no 10-character run with each other. */
export async function realPool(dir = 'test/fixtures/corpus'): Promise<string[]> {
  if (poolCache) return poolCache;
  const r = await ingestFolder(dir);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of r.docs) {
    for (const p of d.text.split('\n')) {
      const s = String.fromCharCode(...charStream(p).codes);
      if (s.length < 40) continue;
      const grams: string[] = [];
      let dup = false;
      for (let i = 0; i + 10 <= s.length && !dup; i++) {
        const g = s.slice(i, i + 10);
        if (seen.has(g)) dup = true;
        else grams.push(g);
      }
      if (dup) continue;
      for (const g of grams) seen.add(g);
      out.push(p);
    }
  }
  poolCache = out;
  return out;
}

/** Order-2 character Markov chain over some texts. */
function markov(texts: string[], rand: () => number): (len: number) => string {
  const corpus = texts.join('\n');
  const next = new Map<number, number[]>();
  for (let i = 2; i < corpus.length; i++) {
    const key = corpus.charCodeAt(i - 2) * 65536 + corpus.charCodeAt(i - 1);
    const c = corpus.charCodeAt(i);
    const l = next.get(key);
    if (l) l.push(c);
    else next.set(key, [c]);
  }
  return (len) => {
    let at = Math.floor(rand() * (corpus.length - 2));
    let a = corpus.charCodeAt(at);
    let b = corpus.charCodeAt(at + 1);
    const out: number[] = [];
    while (out.length < len) {
      const l = next.get(a * 65536 + b);
      let c = l ? l[Math.floor(rand() * l.length)] : 10;
      if (c === 10) {
        // paragraph end in the source: jump elsewhere
        at = Math.floor(rand() * (corpus.length - 2));
        a = corpus.charCodeAt(at);
        b = corpus.charCodeAt(at + 1);
        continue;
      }
      out.push(c);
      a = b;
      b = c;
    }
    const s = String.fromCharCode(...out);
    return s.endsWith('。') ? s : s + '。';
  };
}

const SENTENCE_END = /[。！？；]/;

/** Sentences of a text, each with its end mark. */
function sentences(t: string): string[] {
  return t.match(/[^。！？；]+[。！？；]?/g) ?? [t];
}

/** A copy of a passage with small edits: a character replaced per `editEvery`, punctuation changed, maybe a sentence dropped. */
export function editCopy(text: string, rand: () => number, replacement: () => string, editEvery = 80): string {
  let ss = sentences(text);
  if (ss.length >= 3 && rand() < 0.3) {
    const drop = 1 + Math.floor(rand() * (ss.length - 2)); // never the first or last: the passage keeps its ends
    ss = ss.filter((_, i) => i !== drop);
  }
  let out = ss.join('');
  const punct: Record<string, string[]> = { '，': ['、', '；', ','], '。': ['；', '.'], '、': ['，'], '；': ['，', '。'] };
  out = out.replace(/[，。、；]/g, (m) => (rand() < 0.25 ? punct[m][Math.floor(rand() * punct[m].length)] : m));
  const chars = [...out];
  const edits = Math.floor(chars.length / editEvery);
  for (let e = 0; e < edits; e++) {
    const i = 1 + Math.floor(rand() * (chars.length - 2));
    if (/[\u4e00-\u9fff]/.test(chars[i])) chars[i] = replacement();
  }
  return chars.join('');
}

interface Seg {
  text: string;
  plant?: { plant: number; occ: number };
  fragment?: { frag: number; occ: number };
}

/** Generates the archive; the same options give the same archive. */
export async function generateArchive(opts: ArchiveOptions): Promise<Archive> {
  const rand = mulberry32(opts.seed);
  const pool = (await realPool()).slice();
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const spare = pool.splice(0, opts.spare);
  const plantSrc = pool.splice(0, opts.plants + opts.fragments);
  let synth: ((len: number) => string) | null = null;
  let synthetic = 0;
  const nextParagraph = (): string => {
    const p = pool.pop();
    if (p !== undefined) return p;
    synth ??= markov(spare.concat(plantSrc, BOILERPLATE), rand);
    synthetic++;
    return synth(60 + Math.floor(rand() * 400));
  };
  const cjk = () => String.fromCharCode(0x4e00 + Math.floor(rand() * 0x5000));

  // Reports: metadata first (plants need years), paragraphs as segment lists.
  const docs: Array<{ meta: Omit<ReuseDoc, 'paragraphs'>; paras: Seg[][] }> = [];
  for (let r = 0; r < opts.reports; r++) {
    const year = 2015 + Math.floor(rand() * 12);
    const month = 1 + Math.floor(rand() * 12);
    const region = REGIONS[Math.floor(rand() * REGIONS.length)];
    const target = opts.minChars + Math.floor(rand() * (opts.maxChars - opts.minChars + 1));
    const paras: Seg[][] = [[{ text: `${region}${year}年工作报告（${r}）` }]];
    for (let chars = 0; chars < target; ) {
      const p = nextParagraph();
      paras.push([{ text: p }]);
      chars += p.length;
    }
    docs.push({ meta: { id: `r${String(r).padStart(5, '0')}`, year, region, date: `${year + 1}-${String(month).padStart(2, '0')}-15` }, paras });
  }

  /** Inserts a segment into a random body paragraph of a report, at a sentence boundary. */
  const insert = (d: number, seg: Seg) => {
    const paras = docs[d].paras;
    const pi = 1 + Math.floor(rand() * (paras.length - 1));
    const segs = paras[pi];
    // split a plain segment at a sentence end, put the new one between
    const plainIdx = segs.map((s, i) => (s.plant || s.fragment ? -1 : i)).filter((i) => i >= 0);
    const si = plainIdx[Math.floor(rand() * plainIdx.length)];
    const t = segs[si].text;
    const cuts = [0];
    for (let i = 0; i < t.length; i++) if (SENTENCE_END.test(t[i])) cuts.push(i + 1);
    const cut = cuts[Math.floor(rand() * cuts.length)];
    segs.splice(si, 1, { text: t.slice(0, cut) }, seg, { text: t.slice(cut) });
  };

  /** `n` distinct reports with strictly increasing years. */
  const pickChain = (n: number): number[] => {
    for (;;) {
      const ds = Array.from({ length: n }, () => Math.floor(rand() * docs.length));
      const ys = ds.map((d) => docs[d].meta.year!);
      if (new Set(ds).size === n && new Set(ys).size === n) return ds.sort((a, b) => docs[a].meta.year! - docs[b].meta.year!);
    }
  };

  const plantDocs: number[][] = [];
  const plantTexts: string[][] = [];
  // Beyond the real paragraphs (benchmark scales) planted passages are Markov text too.
  const source = (i: number) => plantSrc[i] ?? (synth ??= markov(spare.concat(plantSrc, BOILERPLATE), rand))(60 + Math.floor(rand() * 400));
  for (let i = 0; i < opts.plants; i++) {
    let text = source(i);
    const want = 40 + Math.floor(rand() * 361);
    if (text.length > want) {
      // cut after a sentence end near `want` characters, else hard at want
      const ends = sentences(text);
      let acc = '';
      for (const s of ends) {
        if (acc.length >= 40 && acc.length + s.length > want) break;
        acc += s;
      }
      text = acc.length >= 40 && acc.length <= 400 ? acc : text.slice(0, want);
    }
    const n = rand() < opts.chainShare ? 3 : 2;
    const ds = pickChain(n);
    const texts = [text];
    for (let c = 1; c < n; c++) texts.push(editCopy(texts[c - 1], rand, cjk, opts.editEvery));
    ds.forEach((d, occ) => insert(d, { text: texts[occ], plant: { plant: i, occ } }));
    plantDocs.push(ds);
    plantTexts.push(texts);
  }
  const fragDocs: number[][] = [];
  for (let f = 0; f < opts.fragments; f++) {
    const src = source(opts.plants + f);
    const len = 12 + Math.floor(rand() * 5);
    const at = Math.floor(rand() * Math.max(1, src.length - len));
    const text = src.slice(at, at + len);
    const ds = pickChain(2);
    ds.forEach((d, occ) => insert(d, { text: text + '。', fragment: { frag: f, occ } }));
    fragDocs.push(ds);
  }
  for (const b of BOILERPLATE) {
    const ds = new Set<number>();
    while (ds.size < Math.round(opts.boilerplateShare * docs.length)) ds.add(Math.floor(rand() * docs.length));
    for (const d of ds) insert(d, { text: b + '。' });
  }

  // Join, recording where the planted segments landed.
  const plants: Plant[] = plantDocs.map((ds, i) => ({ places: new Array<Place>(ds.length), texts: plantTexts[i] }));
  const fragments: Place[][] = fragDocs.map((ds) => new Array<Place>(ds.length));
  const out: ReuseDoc[] = docs.map((d) => {
    const paragraphs = d.paras.map((segs, pi) => {
      let text = '';
      for (const s of segs) {
        const place = { doc: d.meta.id, para: pi, start: text.length, end: text.length + s.text.length };
        if (s.plant) plants[s.plant.plant].places[s.plant.occ] = place;
        if (s.fragment) fragments[s.fragment.frag][s.fragment.occ] = place;
        text += s.text;
      }
      return text;
    });
    return { ...d.meta, paragraphs };
  });
  return { docs: out, plants, fragments, spare, synthetic };
}
