/**
 * Traditional → Simplified, one UTF-16 code unit for one, so that metadata
 * rules written for Simplified titles (第十三届全国人民代表大会…) recognise
 * Traditional ones (第十三屆全國人民代表大會…) and a match found in the
 * converted text sits at the same offsets in the original.
 *
 * The analyzer has its own, wider normalisation table for matching; ingest
 * sits below the analyzer and keeps this narrower one (characters only, no
 * width or case folding) so that the layers point one way.
 *
 * ### Examples
 * ```ts
 * toSimplified('第十三屆全國人民代表大會') // => '第十三届全国人民代表大会'
 * ```
 */
import * as OpenCC from 'opencc-js';

let table: Uint16Array | null = null;

/** Code unit → Simplified code unit for the CJK blocks, identity elsewhere; built once (~80 ms). */
function t2s(): Uint16Array {
  if (table) return table;
  const convert = OpenCC.Converter({ from: 't', to: 'cn' });
  const t = new Uint16Array(0x10000);
  for (let cu = 0; cu < 0x10000; cu++) t[cu] = cu;
  for (const [lo, hi] of [
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xf900, 0xfaff],
  ] as const) {
    for (let cu = lo; cu <= hi; cu++) {
      const s = convert(String.fromCharCode(cu));
      if (s.length === 1) t[cu] = s.charCodeAt(0);
    }
  }
  table = t;
  return t;
}

/** Same length as the input; only Traditional characters with a one-character Simplified form change. */
export function toSimplified(s: string): string {
  const t = t2s();
  const n = s.length;
  let i = 0;
  while (i < n && t[s.charCodeAt(i)] === s.charCodeAt(i)) i++;
  if (i === n) return s; // most reports: nothing to change, no copy
  const out = new Uint16Array(n);
  for (let k = 0; k < n; k++) out[k] = t[s.charCodeAt(k)];
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf16le');
}
