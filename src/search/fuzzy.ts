/**
 * Match mode 模糊 (`MatchMode` 'fuzzy'): a term matches where the text holds its
 * characters in order with only punctuation, whitespace and quotes between them,
 * inside one paragraph — 双随机一公开 = 双随机、一公开 = “双随机、一公开” = 双随机 一公开.
 * Every other character is compared exactly, on normalised text (width, case and
 * Traditional → Simplified are already folded by `normalize`).
 *
 * Ignored characters (`isFuzzyIgnorable`), on both sides:
 * - Unicode punctuation, general category P (Pc Pd Ps Pe Pi Pf Po): ，。、；：！？…—
 *   ·《》（）【】 and every quote style " ' “ ” ‘ ’ 「 」 『 』 ＂ (normalised);
 * - whitespace (JavaScript `\s`: space, tab, ideographic space, NBSP …; '\n' separates
 *   paragraphs and is never crossed);
 * - format characters, category Cf (zero-width space U+200B, soft hyphen, direction marks),
 *   which pasted text carries invisibly;
 * EXCEPT the marks that stand for a word or a unit and change the meaning:
 *   % ‰ ‱ # & @ * / \ § ′ ″ ‴ (Po in Unicode, kept here: 5% is not 5).
 * Symbols (category S: + − × = < > ¥ $ ℃ ° ~ ^ |) are kept: 互联网+ is not 互联网.
 * Letters, digits, marks, control characters and everything else are kept and compared
 * exactly. The full stop `.` is punctuation (Po) and ignored, decimal point included:
 * 3.5 matches 35 — the price of 1.规范 = 1、规范; exact mode stays the default.
 *
 * Cost: `fuzzyView` is one pass over the text (a table lookup per code unit); a term
 * is then found by indexOf on the view. Build the view once per report and pass it
 * for every term. No regex is built from user input.
 */
import { splitsPair, type Range } from './highlight.js';

export type { Range };

/** Punctuation of category P that is kept: it stands for a word or a unit. */
export const FUZZY_KEPT_MARKS = '%‰‱#&@*/\\§′″‴';

const IGNORABLE = /^[\p{P}\p{Cf}\s]$/u;

let table: Uint8Array | null = null;

/** 1 for each BMP code unit that is ignored (surrogate halves: 0, decided per pair). */
function ignorableTable(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(0x10000);
  for (let cu = 0; cu < 0x10000; cu++) {
    if (cu >= 0xd800 && cu <= 0xdfff) continue;
    const ch = String.fromCharCode(cu);
    if (IGNORABLE.test(ch) && !FUZZY_KEPT_MARKS.includes(ch)) t[cu] = 1;
  }
  table = t;
  return t;
}

/**
 * Whether a code point is ignored by fuzzy matching (see the module comment).
 *
 * ### Examples
 * isFuzzyIgnorable('、'.codePointAt(0)!) // => true
 * isFuzzyIgnorable('+'.codePointAt(0)!) // => false
 */
export function isFuzzyIgnorable(cp: number): boolean {
  if (cp < 0x10000) return ignorableTable()[cp] === 1;
  return IGNORABLE.test(String.fromCodePoint(cp));
}

/** Normalised text with the ignored characters left out ('\n' kept as a wall), and where each unit came from. */
export interface FuzzyView {
  text: string;
  /** `offsets[i]` is the offset in the original text of `text[i]`. */
  offsets: Int32Array;
}

/**
 * The fuzzy view of normalised text: every ignored character removed except '\n'.
 *
 * ### Examples
 * fuzzyView('“双随机、一公开”').text // => '双随机一公开'
 */
export function fuzzyView(normText: string): FuzzyView {
  const t = ignorableTable();
  const n = normText.length;
  const units = new Uint16Array(n);
  const offsets = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const c = normText.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = normText.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        if (!isFuzzyIgnorable(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)) {
          units[k] = c;
          offsets[k++] = i;
          units[k] = d;
          offsets[k++] = i + 1;
        }
        i++;
        continue;
      }
    }
    if (c === 10 || t[c] === 0) {
      units[k] = c;
      offsets[k++] = i;
    }
  }
  const text = Buffer.from(units.buffer, 0, k * 2).toString('utf16le');
  return { text, offsets: offsets.subarray(0, k) };
}

/**
 * What must match for a term in fuzzy mode: the term without its ignored characters.
 * An empty key (a term of punctuation only) matches nothing.
 *
 * ### Examples
 * fuzzyKey('“双随机、一公开”') // => '双随机一公开'
 * fuzzyKey('互联网+') // => '互联网+'
 */
export function fuzzyKey(term: string): string {
  return fuzzyView(term).text.replace(/\n/g, '');
}

/**
 * Where `term` occurs in fuzzy mode: `[start, end)` spans of the original text, from
 * the first matched character to the end of the last, the ignored characters between
 * them included (not those around them); leftmost first, non-overlapping in the view,
 * never across a paragraph, never splitting a surrogate pair.
 *
 * Cost: O(text) to build the view when given a string (pass a `FuzzyView` to reuse
 * it), then indexOf over the view.
 *
 * ### Examples
 * fuzzyOccurrences('推行“双随机、一公开”监管', '双随机一公开') // => [[3, 10]]
 */
export function fuzzyOccurrences(text: string | FuzzyView, term: string): Range[] {
  const view = typeof text === 'string' ? fuzzyView(text) : text;
  const key = fuzzyKey(term);
  const out: Range[] = [];
  const len = key.length;
  if (len === 0) return out;
  const v = view.text;
  for (let i = v.indexOf(key); i >= 0; ) {
    if (splitsPair(v, i) || splitsPair(v, i + len)) {
      i = v.indexOf(key, i + 1);
      continue;
    }
    out.push([view.offsets[i], view.offsets[i + len - 1] + 1]);
    i = v.indexOf(key, i + len);
  }
  return out;
}

/** Whether `term` occurs in fuzzy mode (the engine's check for a candidate report). */
export function fuzzyContains(text: string | FuzzyView, term: string): boolean {
  const view = typeof text === 'string' ? fuzzyView(text) : text;
  const key = fuzzyKey(term);
  if (key === '') return false;
  const v = view.text;
  for (let i = v.indexOf(key); i >= 0; i = v.indexOf(key, i + 1)) {
    if (!splitsPair(v, i) && !splitsPair(v, i + key.length)) return true;
  }
  return false;
}
