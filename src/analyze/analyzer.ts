/**
 * The analyzer: the ONE place that normalises text and segments Chinese.
 * Indexing, query parsing and highlighting all call these functions, so a
 * term found by the index is exactly the term highlighted on the page.
 *
 * Normalisation is length-preserving: each UTF-16 code unit maps to exactly
 * one code unit (full-width → half-width, upper → lower case, Traditional →
 * Simplified). A character whose normal form would change length (… → ...,
 * ㎡ → m2) is kept as it is. Offsets in the normalised text are therefore
 * offsets in the original text, and a highlight computed on the normalised
 * text lands on the characters the user sees.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodejieba from 'nodejieba';
import * as OpenCC from 'opencc-js';

/** Bump when normalisation or segmentation changes: indexes built by another version are refused. */
export const ANALYZER_VERSION = 1;

/** A segment of the (normalised) text with its offsets; `text.slice(start, end) === term`. */
export interface Token {
  term: string;
  start: number;
  end: number;
}

let table: Uint16Array | null = null;

/** Code-unit → normalised code-unit map for the whole BMP, built once on first use (~80 ms). */
function normTable(): Uint16Array {
  if (table) return table;
  const t = new Uint16Array(0x10000);
  for (let cu = 0; cu < 0x10000; cu++) {
    t[cu] = cu;
    if (cu >= 0xd800 && cu <= 0xdfff) continue; // surrogate halves pass through untouched
    const ch = String.fromCharCode(cu);
    let n = ch.normalize('NFKC');
    if (n.length !== 1) continue;
    if (/\s/.test(n)) n = n === '\n' ? '\n' : ' ';
    n = n.toLowerCase();
    if (n.length === 1) t[cu] = n.charCodeAt(0);
  }
  const t2s = OpenCC.Converter({ from: 't', to: 'cn' });
  const ranges: Array<[number, number]> = [
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xf900, 0xfaff],
  ];
  for (const [lo, hi] of ranges) {
    for (let cu = lo; cu <= hi; cu++) {
      const src = String.fromCharCode(t[cu]);
      const s = t2s(src);
      if (s.length === 1) t[cu] = s.charCodeAt(0);
    }
  }
  // Close the map under itself, so normalising twice changes nothing: an
  // enclosed ideograph (㊖) folds by NFKC to a Traditional character (財) that
  // the Traditional → Simplified step must then take to 财.
  for (let cu = 0; cu < 0x10000; cu++) {
    let v = t[cu];
    for (let i = 0; i < 4 && t[v] !== v; i++) v = t[v];
    t[cu] = v;
  }
  table = t;
  return t;
}

/**
 * Normalise text for matching: NFKC width folding, lower case, Traditional → Simplified,
 * every kind of whitespace except '\n' → ' '. Same length as the input.
 *
 * ### Examples
 * normalize('共產黨ＡＢＣ（一）') // => '共产党abc(一)'
 */
export function normalize(text: string): string {
  const t = normTable();
  const n = text.length;
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = t[text.charCodeAt(i)];
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf16le');
}

/** Hash of a user dictionary's content ('none' without one): part of the analyzer fingerprint. */
export function dictionaryHash(content: string | null): string {
  return content === null ? 'none' : createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** The user dictionary now in the segmenter; null until jieba is first loaded. */
let userDictHash: string | null = null;
/** Fingerprint of normalisation + jieba with its own dictionary only, taken right after the first load. */
let baseFingerprint: string | null = null;

/** A sentence whose segmentation changes when jieba's dictionary or algorithm does. */
const PROBE = '全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度，湟中区卫生健康局依法行政';

/**
 * Loads jieba afresh: a new segmenter with only its own dictionary. jieba can
 * add words but never forget them, so changing the user dictionary means
 * starting again from here (about a second).
 */
function freshSegmenter(): void {
  nodejieba.load();
  userDictHash = 'none';
  if (!baseFingerprint) {
    const t = normTable();
    const h = createHash('sha256');
    h.update(Buffer.from(t.buffer, t.byteOffset, t.byteLength));
    h.update(segmentWith(normalize(PROBE)).map((x) => x.term).join('|'));
    baseFingerprint = h.digest('hex').slice(0, 12);
  }
}

function ensureLoaded(): void {
  if (userDictHash === null) freshSegmenter();
}

/**
 * Makes the segmenter use exactly this user dictionary (one word per line,
 * optional frequency and tag after a space, as jieba's own format; `#` starts
 * a comment), or none. An index is built and served with the dictionary it
 * records, so a word removed from the file is forgotten by the next build and
 * by a server that swaps that build in. Returns the number of words.
 */
export function useUserDictionary(content: string | null): number {
  const hash = dictionaryHash(content);
  const words = content === null ? [] : dictionaryWords(content);
  if (hash === userDictHash) return words.length;
  // Words are only ever added, so going from one dictionary to another starts afresh.
  if (userDictHash !== null && userDictHash !== 'none') freshSegmenter();
  ensureLoaded();
  for (const w of words) nodejieba.insertWord(w);
  userDictHash = hash;
  return words.length;
}

function dictionaryWords(content: string): string[] {
  const out: string[] = [];
  for (const line of content.split(/\r?\n/)) {
    const word = line.trim().split(/\s+/)[0];
    if (word && !word.startsWith('#')) out.push(normalize(word));
  }
  return out;
}

/** Reads a user dictionary file and uses it (see `useUserDictionary`). */
export function loadUserDictionary(path: string): number {
  return useUserDictionary(readFileSync(path, 'utf8'));
}

/**
 * Identifies the analyzer an index was built with: computed from behaviour (the
 * normalisation table, a probe segmentation with jieba's own dictionary) plus
 * the user dictionary's hash — the one in use, or the one given — so any change
 * of library version that matters changes it too.
 */
export function analyzerFingerprint(dictHash?: string): string {
  ensureLoaded();
  return `analyzer-v${ANALYZER_VERSION}-${baseFingerprint}-dict-${dictHash ?? userDictHash}`;
}

/**
 * Segment already-normalised text with jieba. The tokens cover the input
 * exactly, in order (their concatenation is the input), whitespace and
 * punctuation included.
 */
export function segment(normText: string): Token[] {
  ensureLoaded();
  return segmentWith(normText);
}

function segmentWith(normText: string): Token[] {
  const parts = nodejieba.cut(normText, true);
  const tokens: Token[] = [];
  let pos = 0;
  for (const term of parts) {
    // jieba returns the input split into pieces; locate each piece to be robust
    // should a build of jieba ever drop a character.
    const start = normText.startsWith(term, pos) ? pos : normText.indexOf(term, pos);
    if (start < 0) continue;
    tokens.push({ term, start, end: start + term.length });
    pos = start + term.length;
  }
  return tokens;
}

const WORDISH = /[\p{L}\p{N}]/u;

/** Whether a token is a word worth indexing (has a letter or a digit). */
export function isIndexable(term: string): boolean {
  // Fast path for the common case, a word starting with a CJK ideograph (runs once per token).
  const c = term.charCodeAt(0);
  if (c >= 0x4e00 && c <= 0x9fff) return true;
  return WORDISH.test(term);
}

/**
 * The words of already-normalised text, as indexed by the word index
 * (MiniSearch) and as used for ranking. Punctuation and whitespace are dropped.
 */
export function words(normText: string): string[] {
  ensureLoaded();
  const out: string[] = [];
  for (const term of nodejieba.cut(normText, true)) if (isIndexable(term)) out.push(term);
  return out;
}

/** Segments a raw string (a query word typed without spaces) into normalised words. */
export function queryWords(raw: string): string[] {
  return words(normalize(raw).trim());
}
