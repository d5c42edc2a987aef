/**
 * Character streams and winnowed shingle fingerprints.
 *
 * A paragraph is compared on its letters and digits only, after the analyzer's
 * normalisation (full/half width, case, Traditional → Simplified): a changed
 * comma, a space or a different quote style is not a difference. `offsets`
 * maps each kept character back to its index in the paragraph (normalisation
 * is length-preserving, so that is an index into the original text).
 */
import { normalize } from '../analyze/analyzer.js';

/** The letters and digits of a text, normalised, with where each came from. */
export interface CharStream {
  /** Normalised UTF-16 code units of the kept characters. */
  codes: Uint16Array;
  /** `offsets[i]` is the index in the original text of `codes[i]`. */
  offsets: Uint32Array;
}

let keepTable: Uint8Array | null = null;

/** 1 for code units that are letters or digits (surrogate halves kept: astral ideographs), built once. */
function keep(): Uint8Array {
  if (keepTable) return keepTable;
  const t = new Uint8Array(0x10000);
  const wordish = /[\p{L}\p{N}]/u;
  for (let cu = 0; cu < 0x10000; cu++) {
    if (cu >= 0xd800 && cu <= 0xdfff) t[cu] = 1;
    else if (cu >= 0x4e00 && cu <= 0x9fff) t[cu] = 1;
    else t[cu] = wordish.test(String.fromCharCode(cu)) ? 1 : 0;
  }
  keepTable = t;
  return t;
}

/**
 * The comparable stream of a text: normalised, letters and digits only.
 *
 * ### Examples
 * const s = charStream('依法行政，（一）ＡＢ');
 * String.fromCharCode(...s.codes) // => '依法行政一ab'
 * [...s.offsets]                  // => [0, 1, 2, 3, 6, 8, 9]
 */
export function charStream(text: string): CharStream {
  const norm = normalize(text);
  const t = keep();
  const n = norm.length;
  const codes = new Uint16Array(n);
  const offsets = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const c = norm.charCodeAt(i);
    if (t[c] === 1) {
      codes[m] = c;
      offsets[m] = i;
      m++;
    }
  }
  return { codes: codes.subarray(0, m), offsets: offsets.subarray(0, m) };
}

/** Original-text span `[start, end)` of the stream range `[from, to)` (to > from). */
export function toTextSpan(s: CharStream, from: number, to: number): [number, number] {
  return [s.offsets[from], s.offsets[to - 1] + 1];
}

const BASE = 0x01000193; // FNV prime: odd, good spread under Math.imul

/** Final mix of MurmurHash3: polynomial hashes have weak low bits, winnowing needs uniform minima. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hash of every shingle of `k` code units: `out[i]` hashes `codes[i .. i+k)`.
 * A rolling polynomial hash mod 2^32, then mixed. Empty when the stream is shorter than k.
 */
export function shingleHashes(codes: Uint16Array, k: number): Uint32Array {
  const n = codes.length - k + 1;
  if (n <= 0) return new Uint32Array(0);
  const out = new Uint32Array(n);
  let pow = 1; // BASE^(k-1)
  for (let i = 1; i < k; i++) pow = Math.imul(pow, BASE);
  let h = 0;
  for (let i = 0; i < k; i++) h = (Math.imul(h, BASE) + codes[i] + 1) | 0;
  out[0] = fmix32(h);
  for (let i = 1; i < n; i++) {
    h = (h - Math.imul(codes[i - 1] + 1, pow)) | 0;
    h = (Math.imul(h, BASE) + codes[i + k - 1] + 1) | 0;
    out[i] = fmix32(h);
  }
  return out;
}

/** Selected shingles: `hashes[j]` is the hash of the shingle starting at `positions[j]` of the stream. */
export interface Fingerprints {
  hashes: Uint32Array;
  positions: Uint32Array;
}

/**
 * Robust winnowing (Schleimer, Wilkerson, Aiken 2003): in each window of `w`
 * consecutive shingles keep the minimum hash (the rightmost on ties), each
 * position once. Any run of `w + k - 1` characters shared by two streams gives
 * both the same fingerprint. A stream with fewer than `w` shingles keeps its minimum.
 *
 * ### Examples
 * const s = charStream('全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度');
 * const fp = fingerprints(s.codes, 10, 11);
 * fp.positions.length // => 3 (about 2 / (w + 1) of the 24 shingles)
 */
export function fingerprints(codes: Uint16Array, k: number, w: number): Fingerprints {
  const h = shingleHashes(codes, k);
  const n = h.length;
  if (n === 0) return { hashes: new Uint32Array(0), positions: new Uint32Array(0) };
  const pos = new Uint32Array(Math.min(n, Math.ceil((2 * n) / (w + 1)) + 8));
  let posOut = pos;
  let m = 0;
  const push = (p: number) => {
    if (m === posOut.length) {
      const bigger = new Uint32Array(posOut.length * 2);
      bigger.set(posOut);
      posOut = bigger;
    }
    posOut[m++] = p;
  };
  const win = Math.min(w, n);
  // Monotone deque of positions with increasing hashes; the front is the window minimum.
  const dq = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    while (tail > head && h[dq[tail - 1]] >= h[i]) tail--; // ≥: rightmost minimum wins
    dq[tail++] = i;
    if (dq[head] <= i - win) head++;
    if (i >= win - 1) {
      const p = dq[head];
      if (p !== last) {
        push(p);
        last = p;
      }
    }
  }
  const positions = posOut.slice(0, m);
  const hashes = new Uint32Array(m);
  for (let j = 0; j < m; j++) hashes[j] = h[positions[j]];
  return { hashes, positions };
}
