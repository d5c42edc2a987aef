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

let table: Map<number, number> | null = null;

function t2s(): Map<number, number> {
  if (table) return table;
  const convert = OpenCC.Converter({ from: 't', to: 'cn' });
  const m = new Map<number, number>();
  for (const [lo, hi] of [
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xf900, 0xfaff],
  ] as const) {
    for (let cu = lo; cu <= hi; cu++) {
      const s = convert(String.fromCharCode(cu));
      if (s.length === 1 && s.charCodeAt(0) !== cu) m.set(cu, s.charCodeAt(0));
    }
  }
  table = m;
  return m;
}

/** Same length as the input; only Traditional characters with a one-character Simplified form change. */
export function toSimplified(s: string): string {
  const m = t2s();
  let out = '';
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const r = m.get(c);
    if (r !== undefined) changed = true;
    out += String.fromCharCode(r ?? c);
  }
  return changed ? out : s;
}
