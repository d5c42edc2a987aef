/**
 * The query parser: a user string → a query tree (src/types.ts `QueryNode`).
 *
 * Syntax (user documentation in Chinese: README.md, 查询语法). A *chunk* is a run of
 * characters between whitespace, `|` and the ends of the query.
 *
 * | input                                  | tree                                                   |
 * |----------------------------------------|--------------------------------------------------------|
 * | `行政执法 公示`, `行政执法 AND 公示`   | AND(行政执法, 公示)                                    |
 * | `行政执法公示`                         | 行政执法公示 — one substring, as Ctrl-F finds it       |
 * | `"三项制度"` `“三项制度”` `「…」` `『…』` `＂…＂` | phrase 三项制度 (quotes enclose a whole chunk) |
 * | `坚持“两个毫不动摇”`, `“十五五”规划`   | ONE term, quotes included: they are characters of the text |
 * | `“三项制度”，`                         | 三项制度 (the pair encloses the chunk once the comma is trimmed) |
 * | `-双随机` `NOT 双随机` `-"行政复议"`   | NOT(双随机), NOT(phrase 行政复议)                      |
 * | `法治 NOT 双随机`                      | AND(法治, NOT 双随机)                                  |
 * | `法律顾问 OR 公职律师`, `a|b`          | OR(…)                                                  |
 * | `a b OR c`, `a AND b OR c`             | AND(a, OR(b, c)) — OR binds tighter than AND / space   |
 * | `A /SEN B`                             | NEAR(sentence, A, B): one sentence holds both          |
 * | `A /PRG B`                             | NEAR(paragraph, A, B)                                  |
 * | `A /NEAR 5 B`, `A /NEAR5 B`            | NEAR(chars ≤ 5, A, B), either order                    |
 * | `a OR b /SEN c`                        | OR(a, NEAR(b, c)) — proximity binds tightest           |
 * | `A /SEN B /SEN C`                      | AND(NEAR(A, B), NEAR(B, C)) — pairwise, with a warning |
 * | `x OR A /SEN B /SEN C OR y`            | AND(OR(x, NEAR(A,B)), OR(NEAR(B,C), y)) — as if `A /SEN B B /SEN C` |
 * | `标题:法治` `title:法治` `标题：法治` `标题:"三项制度"` | term with field 'title'             |
 *
 * Precedence, tightest first: prefixes (`-`, `NOT`, `标题:`) on one term → proximity
 * (`/SEN` `/PRG` `/NEAR n`, between two terms) → `OR` / `|` → `AND` / space.
 *
 * Precise semantics (the searcher relies on these; `matchesQuery` is the reference):
 * - A term matches a report exactly when the report's normalised text (or title,
 *   for field 'title') contains `term.text` as a substring.
 * - An unquoted chunk is one term: the chunk as typed, matched as a substring — what
 *   Ctrl-F would find. jieba would cut 三项制度 into 三项 + 制度 and 全面推行 into one
 *   word, so AND-ing its words would find reports without the phrase, and a
 *   word-level match would miss 推行 inside 全面推行; the analyzer's words serve
 *   ranking instead (BM25 in the searcher).
 * - Quotes are syntax only where they enclose a whole chunk: the quote opens at the
 *   start of a chunk (after `-`/`标题:`) and its first closer is followed by whitespace,
 *   `|` or the end of the query; the phrase may then hold spaces and syntax
 *   (`"法治 政府"`, `"-2"`, `"OR"`). Anywhere else a quote is a character of the text:
 *   `坚持“两个毫不动摇”` and `“十五五”规划` are each one term, quotes included, with
 *   the warning 引号在词语中间，按原文字符查找：… . An opening quote never closed
 *   (`"三项制度`, `"法治 政府`) is punctuation: trimmed, with a warning.
 * - Punctuation (Unicode P) at the ends of an unquoted chunk is trimmed (a pasted
 *   `三项制度，`), except a mark whose partner is inside the chunk: an opening quote or
 *   bracket is kept when its closer follows in the chunk, a closing one when its opener
 *   precedes (`“十五五”规划` keeps its “, `坚持“两个毫不动摇”` its ”, `《纲要》解读`
 *   its 《). A pair that encloses the whole rest is removed (`《纲要》`, `（一）`,
 *   `“三项制度”。`). Symbols (互联网+, 100℃, ¥5) are not punctuation. A `标题:` left at
 *   the start after trimming (`（标题:法治`) scopes the term to the title.
 * - `OR`, `AND`, `NOT`, `/SEN`, `/PRG`, `/NEAR` are operators only as a whole chunk in
 *   upper case (half- or full-width); lower-case `or`, `and`, `not` are ordinary words
 *   (as on Google/Lucene) and `/sen`, `/prg`, `/near` the words sen, prg, near (the
 *   slash is edge punctuation), each with a warning.
 *   `|` needs no spaces. A stray operator (at an end, doubled, beside another) is
 *   dropped with a warning.
 * - `-` and `NOT` exclude the one term that follows: `2021-2025` is a word; a lone `-`
 *   is ignored; `NOT -a` and `--a` exclude a once.
 * - Proximity takes two body terms (words or phrases). With a title term or an
 *   exclusion on either side it is read as AND, with a warning. `/NEAR n`: n, attached
 *   or the next chunk when that is an integer, is 0–100 characters between the two
 *   occurrences (0: touching or overlapping); above 100 it is read as 100, without n
 *   as AND, each with a warning. `/SEN` and `/PRG` take no number.
 *   A chain is pairwise (see the table): `A /SEN B /SEN C` does not require one
 *   sentence to hold all three. Definitions of sentence and distance: src/types.ts
 *   `NearNode`, src/search/proximity.ts.
 * - NOT is a complement over all reports. A query of exclusions only (`-双随机`)
 *   has a NOT-only root and no positive terms: the engine should return every
 *   report except the excluded ones (see `isExclusionOnly`).
 * - Empty query (or nothing but punctuation / dropped pieces) → root null.
 * - Repeated terms and groups are kept once (`法治 法治`, `a OR a`).
 * - `TermNode.phrase` is true when the user quoted the term, or (never seen, kept as a
 *   safety net) when its text could not be written back without quotes.
 *
 * Limits (src/query/errors.ts), the only errors (`QueryError`, Chinese): more than
 * `MAX_QUERY_CHARS` characters, or more than `MAX_QUERY_TERMS` distinct terms (a word,
 * a phrase and an exclusion each count once; `-a` and `a` are two). Everything else
 * is fixed leniently and noted in `warnings` (Chinese).
 *
 * Round trip: for every tree `parseQuery` returns, `parseQuery(formatQuery(root))`
 * returns the same tree (`raw` aside: it keeps what the user typed), within the limits.
 */
import { isIndexable, normalize, words } from '../analyze/analyzer.js';
import type { AndNode, NearNode, NotNode, OrNode, ParsedQuery, QueryNode, TermNode } from '../types.js';
import { MAX_NEAR_DISTANCE, MAX_QUERY_CHARS, MAX_QUERY_TERMS, QueryError } from './errors.js';

/** Opening quote → the closers that end a phrase. Full-width ＂ is folded to `"` by normalize. */
const QUOTES = new Map<string, string>([
  ['"', '"'],
  ['“', '”“'], // IMEs sometimes produce “…“; accept it as a phrase rather than as text
  ['「', '」'],
  ['『', '』'],
]);
/** The characters of phrase syntax: a term that keeps one gets a warning. */
const QUOTE_CHARS = '"“”「」『』';

/** Paired punctuation for edge trimming (normalised forms: （ → (, ［ → [). */
const PAIRS = new Map<string, string>([
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
  ['‘', '’'],
  ['「', '」'],
  ['『', '』'],
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
  ['《', '》'],
  ['〈', '〉'],
  ['【', '】'],
  ['〔', '〕'],
  ['〖', '〗'],
  ['〘', '〙'],
  ['〚', '〛'],
]);
const OPENER_OF = new Map<string, string>([...PAIRS].map(([o, c]) => [c, o]));

const FIELD_PREFIXES: Array<[string, TermNode['field']]> = [
  ['标题:', 'title'],
  ['title:', 'title'],
];

type NearUnit = NearNode['unit'];

type TermItem = {
  kind: 'term';
  negated: boolean;
  field: TermNode['field'];
  phrase: boolean;
  /** Raw text as typed (quotes of a phrase excluded), and its normalised form (same length). */
  raw: string;
  norm: string;
  /** The whole token as typed, prefixes included, for messages. */
  token: string;
};
type OpItem =
  | { kind: 'or' }
  | { kind: 'and' }
  | { kind: 'not' }
  | { kind: 'near'; unit: NearUnit; distance: number | null; raw: string };
type Item = TermItem | OpItem;

function isSpace(c: string | undefined): boolean {
  // normalize maps every whitespace except '\n' to ' '; keep '\t' and '\r' for safety.
  return c === ' ' || c === '\n' || c === '\t' || c === '\r';
}

/** Where a chunk ends: whitespace, `|`, the end of the query. */
function isChunkEnd(c: string | undefined): boolean {
  return c === undefined || isSpace(c) || c === '|';
}

function chunkEnd(norm: string, i: number): number {
  while (i < norm.length && !isChunkEnd(norm[i])) i++;
  return i;
}

function isUpper(raw: string): boolean {
  return raw === raw.toUpperCase();
}

const OPERATOR_WORDS: Record<string, { op: 'or' | 'and' | 'not'; hint: string }> = {
  or: { op: 'or', hint: '表示“或”请用大写 OR 或 |' },
  and: { op: 'and', hint: '表示“且”请用大写 AND 或空格' },
  not: { op: 'not', hint: '表示排除请用大写 NOT 或“-词语”' },
};
const NEAR_WORDS: Record<string, { unit: NearUnit; hint: string }> = {
  '/sen': { unit: 'sentence', hint: '表示同句请用大写 /SEN' },
  '/prg': { unit: 'paragraph', hint: '表示同段请用大写 /PRG' },
  '/near': { unit: 'chars', hint: '表示邻近请用大写 /NEAR 和距离，如 /NEAR 10' },
};
const NEAR_ATTACHED = /^\/near(\d+)$/;
const DIGITS = /^\d+$/;

function parseDistance(digits: string): number {
  // A long string of digits is simply large; parseInt of 300 digits would be Infinity-ish.
  return digits.length > 6 ? Number.MAX_SAFE_INTEGER : parseInt(digits, 10);
}

/**
 * Splits the query into terms and operators; structure is read on the normalised
 * string (same length as `raw`, so slices of one are slices of the other).
 */
function lex(raw: string, norm: string, warnings: string[]): Item[] {
  const items: Item[] = [];
  const n = norm.length;
  let i = 0;
  while (i < n) {
    const c = norm[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '|') {
      items.push({ kind: 'or' });
      i++;
      continue;
    }
    const tokenStart = i;
    // Operators: a whole chunk, upper case.
    const end = chunkEnd(norm, i);
    const word = norm.slice(i, end);
    const wordRaw = raw.slice(i, end);
    const opWord = OPERATOR_WORDS[word];
    const nearWord = NEAR_WORDS[word] ?? (NEAR_ATTACHED.test(word) ? NEAR_WORDS['/near'] : undefined);
    if (opWord || nearWord) {
      if (isUpper(wordRaw)) {
        i = end;
        if (opWord) items.push({ kind: opWord.op });
        else if (nearWord!.unit !== 'chars') items.push({ kind: 'near', unit: nearWord!.unit, distance: 0, raw: wordRaw });
        else {
          const attached = NEAR_ATTACHED.exec(word);
          let distance: number | null = attached ? parseDistance(attached[1]) : null;
          let opRaw = wordRaw;
          if (!attached) {
            // `/NEAR 5`: the next chunk, when it is an integer, is the distance.
            let j = i;
            while (j < n && isSpace(norm[j])) j++;
            const e = chunkEnd(norm, j);
            if (j > i && e > j && DIGITS.test(norm.slice(j, e))) {
              distance = parseDistance(norm.slice(j, e));
              opRaw = raw.slice(tokenStart, e);
              i = e;
            }
          }
          items.push({ kind: 'near', unit: 'chars', distance, raw: opRaw });
        }
        continue;
      }
      warnings.push(`小写“${wordRaw}”按普通词检索；${(opWord ?? nearWord)!.hint}`);
    }
    let negated = false;
    let field: TermNode['field'] = 'body';
    // Prefixes, in either order: -标题:x and 标题:-x.
    for (let k = 0; k < 2; k++) {
      if (!negated && norm[i] === '-') {
        if (isChunkEnd(norm[i + 1])) break; // lone '-' (handled below)
        negated = true;
        i++;
        continue;
      }
      const prefix: [string, TermNode['field']] | undefined = field === 'body' ? FIELD_PREFIXES.find(([p]) => norm.startsWith(p, i)) : undefined;
      if (prefix) {
        field = prefix[1];
        i += prefix[0].length;
        // `标题: 法治` — a space after the colon still scopes the next word.
        while (i < n && isSpace(norm[i])) i++;
        continue;
      }
      break;
    }
    if (i >= n || norm[i] === '|') {
      warnings.push(`“${raw.slice(tokenStart, i).trim()}”后缺少检索词，已忽略`);
      continue;
    }
    const q = norm[i];
    const closers = QUOTES.get(q);
    if (closers) {
      let j = i + 1;
      while (j < n && !closers.includes(norm[j])) j++;
      // A phrase only when the first closer ends the chunk; otherwise the quote is text.
      if (j < n && isChunkEnd(norm[j + 1])) {
        const innerRaw = raw.slice(i + 1, j);
        const innerNorm = norm.slice(i + 1, j);
        if (innerNorm.trim() === '') warnings.push('空引号已忽略');
        else items.push({ kind: 'term', negated, field, phrase: true, raw: innerRaw, norm: innerNorm, token: raw.slice(tokenStart, j + 1) });
        i = j + 1;
        continue;
      }
    }
    if (q === '-' && isChunkEnd(norm[i + 1])) {
      warnings.push('单独的“-”已忽略；排除某词请写成“-词语”（不加空格）');
      i++;
      continue;
    }
    const j = chunkEnd(norm, i);
    items.push({ kind: 'term', negated, field, phrase: false, raw: raw.slice(i, j), norm: norm.slice(i, j), token: raw.slice(tokenStart, j) });
    i = j;
  }
  return items;
}

/** Collapses every whitespace run to one space (phrases keep their internal spacing, normalised). */
function collapseSpaces(s: string): string {
  let out = '';
  let space = false;
  for (const ch of s) {
    if (isSpace(ch)) space = true;
    else {
      if (space && out !== '') out += ' ';
      space = false;
      out += ch;
    }
  }
  return out;
}

const TRIMMABLE = /^[\p{P}\s]$/u;

function firstChar(s: string): string {
  return String.fromCodePoint(s.codePointAt(0)!);
}
function lastChar(s: string): string {
  const c = s.charCodeAt(s.length - 1);
  return s.length > 1 && c >= 0xdc00 && c <= 0xdfff && s.charCodeAt(s.length - 2) >= 0xd800 && s.charCodeAt(s.length - 2) <= 0xdbff
    ? s.slice(-2)
    : s.slice(-1);
}

/** True when `s` starts with an opener whose (first) closer is its last character: a pair around the rest. */
function enclosed(s: string): boolean {
  if (s.length < 2) return false;
  const open = s[0];
  const closers = QUOTES.get(open);
  if (closers) {
    // As the lexer reads a phrase: the first closer decides.
    let j = 1;
    while (j < s.length && !closers.includes(s[j])) j++;
    return j === s.length - 1;
  }
  const close = PAIRS.get(open);
  if (!close || s[s.length - 1] !== close) return false;
  if (close === open) return s.indexOf(close, 1) === s.length - 1;
  let depth = 0;
  for (let k = 0; k < s.length; k++) {
    if (s[k] === open) depth++;
    else if (s[k] === close && --depth === 0) return k === s.length - 1;
  }
  return false;
}

/**
 * An unquoted chunk's text: punctuation and whitespace trimmed at its ends, except a
 * mark whose partner is inside the chunk; a pair enclosing the rest removed; repeated
 * to a fixed point (so the result, read again as a chunk, gives itself).
 * `dropped` receives the trimmed characters.
 */
function trimChunk(s: string, dropped: string[] = []): string {
  for (;;) {
    const before = s;
    while (s !== '') {
      const c = firstChar(s);
      if (!TRIMMABLE.test(c)) break;
      const close = PAIRS.get(c);
      if (close !== undefined && s.indexOf(close, 1) >= 0) break;
      dropped.push(c);
      s = s.slice(c.length);
    }
    while (s !== '') {
      const c = lastChar(s);
      if (!TRIMMABLE.test(c)) break;
      const open = OPENER_OF.get(c);
      if (open !== undefined && s.lastIndexOf(open, s.length - 2) >= 0) break;
      dropped.push(c);
      s = s.slice(0, s.length - c.length);
    }
    if (enclosed(s)) s = s.slice(1, -1);
    if (s === before) return s;
  }
}

function term(text: string, raw: string, phrase: boolean, field: TermNode['field']): TermNode {
  return { type: 'term', text, raw, phrase, field };
}

/** The query node for one lexed term item, or null when nothing searchable is left. */
function itemNode(item: TermItem, warnings: string[]): QueryNode | null {
  let node: TermNode | null;
  if (item.phrase) {
    node = term(collapseSpaces(item.norm), item.raw.trim(), true, item.field);
  } else {
    const dropped: string[] = [];
    let field = item.field;
    let text = trimChunk(item.norm, dropped);
    // `（标题:法治`: a scope uncovered by trimming scopes, as it would at the chunk start.
    for (;;) {
      const p = FIELD_PREFIXES.find(([f]) => text.startsWith(f));
      if (!p) break;
      field = p[1];
      text = trimChunk(text.slice(p[0].length), dropped);
    }
    // An opening quote trimmed as unpaired: the user may have meant a phrase.
    if (dropped.some((c) => QUOTES.has(c))) warnings.push(`引号未闭合，已忽略：${item.token.trim()}`);
    if (!isIndexable(text)) {
      warnings.push(`“${item.raw}”不含可检索的文字，已忽略`);
      return null;
    }
    if ([...QUOTE_CHARS].some((q) => text.includes(q))) {
      // Show the text searched for, as typed (normalize keeps offsets).
      const at = Math.max(0, item.norm.indexOf(text));
      warnings.push(`引号在词语中间，按原文字符查找：${item.raw.slice(at, at + text.length)}`);
    }
    node = term(text, item.raw.trim(), false, field);
    // Safety net: a text that would read back as something else is written in quotes.
    if (needsQuotes(text)) node.phrase = true;
  }
  if (node.text === '') {
    warnings.push(`“${item.raw}”不含可检索的文字，已忽略`);
    return null;
  }
  return item.negated ? { type: 'not', child: node } : node;
}

/** A structural key: two nodes with the same key match the same reports. */
function nodeKey(n: QueryNode): string {
  switch (n.type) {
    case 'term':
      return `${n.field}:${n.phrase ? 'p' : 'w'}:${JSON.stringify(n.text)}`;
    case 'not':
      return `-${nodeKey(n.child)}`;
    case 'near':
      return `near:${n.unit}:${n.distance}(${nodeKey(n.children[0])},${nodeKey(n.children[1])})`;
    default:
      return `${n.type}(${n.children.map(nodeKey).join(',')})`;
  }
}

/** Drops repeated children (`法治 法治`), keeping the first. */
function dedupe(nodes: QueryNode[]): QueryNode[] {
  const seen = new Set<string>();
  return nodes.filter((c) => {
    const k = nodeKey(c);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Flattens nested ANDs, drops repeats and unwraps singletons. */
function and(children: QueryNode[]): QueryNode | null {
  const flat: QueryNode[] = [];
  for (const c of children) {
    if (c.type === 'and') flat.push(...c.children);
    else flat.push(c);
  }
  const kids = dedupe(flat);
  if (kids.length === 0) return null;
  return kids.length === 1 ? kids[0] : { type: 'and', children: kids };
}

const NEAR_NAMES: Record<NearUnit, string> = { sentence: '/SEN', paragraph: '/PRG', chars: '/NEAR' };
/** Sentence ends (normalised): a /SEN term holding one cannot lie inside one sentence. */
const SENTENCE_END = /[。!?;]/;

/** A separator the proximity pass leaves between two pairs of a chain (an AND nobody typed). */
type Seq = QueryNode | { kind: 'or' } | { kind: 'and' } | { kind: 'sep' } | { kind: 'near'; unit: NearUnit; distance: number | null; raw: string };

function isNode(x: Seq | undefined): x is QueryNode {
  return x !== undefined && 'type' in x;
}

/** Body, not excluded: what proximity can take. */
function nearOperand(x: QueryNode): TermNode | null {
  return x.type === 'term' && x.field === 'body' ? x : null;
}

/**
 * Parses a user query. Throws `QueryError` (Chinese message) only when the query
 * is longer than `MAX_QUERY_CHARS` characters or has more than `MAX_QUERY_TERMS` terms.
 *
 * ### Examples
 * parseQuery('行政执法 "三项制度" -双随机').root
 * // => AND(行政执法, 三项制度(phrase), NOT 双随机)
 * parseQuery('a b OR c').root // => AND(a, OR(b, c))
 * parseQuery('坚持“两个毫不动摇”').root // => 坚持“两个毫不动摇” (one term), with a warning
 * parseQuery('法治 /SEN 营商环境').root // => NEAR(sentence, 法治, 营商环境)
 * parseQuery('').root // => null
 */
export function parseQuery(q: string): ParsedQuery {
  const warnings: string[] = [];
  const trimmed = q.trim();
  // Count code points (what a user calls characters); the first test avoids spreading a huge string.
  const chars = trimmed.length > MAX_QUERY_CHARS * 2 ? trimmed.length : codePoints(trimmed);
  if (chars > MAX_QUERY_CHARS) {
    throw new QueryError(`查询过长：最多 ${MAX_QUERY_CHARS} 个字符（当前 ${chars} 个）`);
  }
  const items = lex(trimmed, normalize(trimmed), warnings);

  // 1. NOT excludes the term right after it.
  const seq: Seq[] = [];
  for (let k = 0; k < items.length; k++) {
    const item = items[k];
    if (item.kind === 'not') {
      const next = items[k + 1];
      if (next?.kind !== 'term') warnings.push('“NOT”后缺少检索词，已忽略');
      else if (next.negated) warnings.push('“NOT”后的词已是排除词，多余的 NOT 已忽略');
      else next.negated = true;
      continue;
    }
    if (item.kind !== 'term') {
      seq.push(item);
      continue;
    }
    const node = itemNode(item, warnings);
    if (node) seq.push(node);
  }

  // 2. Proximity binds two neighbouring terms; a chain shares the middle one.
  const units: Seq[] = [];
  let chained = false;
  for (let k = 0; k < seq.length; k++) {
    const el = seq[k];
    if (isNode(el) || el.kind !== 'near') {
      units.push(el);
      continue;
    }
    const name = NEAR_NAMES[el.unit];
    const left = units[units.length - 1];
    const right = seq[k + 1];
    if (!isNode(left) || !isNode(right)) {
      warnings.push(`“${name}”两侧都需要检索词，已忽略`);
      continue;
    }
    if (el.distance === null) {
      warnings.push(`“/NEAR”后需要 0–${MAX_NEAR_DISTANCE} 的距离（如 A /NEAR 10 B），已按“且”处理`);
      units.push({ kind: 'sep' });
      continue;
    }
    const chain = left.type === 'near';
    const a = chain ? left.children[1] : nearOperand(left);
    const b = nearOperand(right);
    if (!a || !b) {
      warnings.push(`“${name}”只能连接正文中的两个检索词（不能是“标题:”或排除的词），已按“且”处理`);
      units.push({ kind: 'sep' });
      continue;
    }
    let distance = el.distance;
    if (distance > MAX_NEAR_DISTANCE) {
      warnings.push(`“${el.raw}”的距离最多 ${MAX_NEAR_DISTANCE} 个字，已按 ${MAX_NEAR_DISTANCE} 处理`);
      distance = MAX_NEAR_DISTANCE;
    }
    if (el.unit === 'sentence') {
      for (const t of chain ? [b] : [a, b]) {
        if (SENTENCE_END.test(t.text)) warnings.push(`“${t.raw}”含句末标点，不会整个出现在一句之内，“/SEN”找不到它`);
      }
    }
    const near: NearNode = { type: 'near', unit: el.unit, distance, children: [a, b] };
    if (chain) {
      chained = true;
      units.push({ kind: 'sep' }, near);
    } else units[units.length - 1] = near;
    k++; // the right operand is taken
  }
  if (chained) warnings.push('连续的 /SEN、/PRG、/NEAR 按相邻两词分别判断：A /SEN B /SEN C 表示 A 与 B 同句，且 B 与 C 同句（不要求三者同句）');

  // 3. Runs of `x OR y OR z` become one OR node; groups are AND-ed.
  const groups: QueryNode[] = [];
  let alternatives: QueryNode[] = [];
  let pendingOr = false;
  let strayOr = false;
  let strayAnd = false;
  const closeGroup = () => {
    const alts = dedupe(alternatives);
    if (alts.length === 1) groups.push(alts[0]);
    else if (alts.length > 1) groups.push({ type: 'or', children: alts });
    alternatives = [];
  };
  for (let k = 0; k < units.length; k++) {
    const el = units[k];
    if (isNode(el)) {
      if (!pendingOr) closeGroup();
      alternatives.push(el);
      pendingOr = false;
      continue;
    }
    if (el.kind === 'or') {
      if (alternatives.length === 0 || pendingOr) strayOr = true;
      pendingOr = alternatives.length > 0;
    } else if (el.kind === 'and') {
      // An AND between two terms separates them (as a space does); elsewhere it is stray.
      if (!isNode(units[k - 1]) || !isNode(units[k + 1])) strayAnd = true;
      else pendingOr = false;
    } else if (el.kind === 'sep') pendingOr = false;
  }
  if (pendingOr) strayOr = true;
  closeGroup();
  if (strayOr) warnings.push('“OR”两侧都需要检索词，多余的 OR 已忽略');
  if (strayAnd) warnings.push('“AND”两侧都需要检索词，多余的 AND 已忽略');

  const root = and(groups);
  const count = countTerms(root);
  if (count > MAX_QUERY_TERMS) {
    throw new QueryError(`查询词过多：最多 ${MAX_QUERY_TERMS} 个（当前 ${count} 个）`);
  }
  const positiveTerms = positiveTermsOf(root);
  if (root && positiveTerms.length === 0) {
    warnings.push('查询只包含排除词：将返回不含这些内容的全部报告');
  }
  return { root, positiveTerms, warnings };
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Distinct terms, an exclusion apart from the same term included: what the term limit counts. */
function countTerms(root: QueryNode | null): number {
  const keys = new Set<string>();
  const walk = (n: QueryNode, negated: boolean) => {
    if (n.type === 'term') keys.add(`${negated ? '-' : '+'}${n.field}\u0000${n.text}`);
    else if (n.type === 'not') walk(n.child, !negated);
    else for (const c of n.children) walk(c, negated);
  };
  if (root) walk(root, false);
  return keys.size;
}

/** Every term of a tree, in query order (positive and excluded; a chain's shared term twice). */
export function termsOf(node: QueryNode | null): TermNode[] {
  const out: TermNode[] = [];
  const walk = (n: QueryNode) => {
    if (n.type === 'term') out.push(n);
    else if (n.type === 'not') walk(n.child);
    else n.children.forEach(walk);
  };
  if (node) walk(node);
  return out;
}

/** Terms not under a NOT, one per distinct (field, text), in query order. */
export function positiveTermsOf(node: QueryNode | null): TermNode[] {
  const out: TermNode[] = [];
  const seen = new Set<string>();
  const walk = (n: QueryNode) => {
    if (n.type === 'not') return;
    if (n.type !== 'term') return n.children.forEach(walk);
    const key = `${n.field}\u0000${n.text}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(n);
    }
  };
  if (node) walk(node);
  return out;
}

/** True when the query has a tree but no positive term: match every report except the excluded ones. */
export function isExclusionOnly(parsed: ParsedQuery): boolean {
  return parsed.root !== null && parsed.positiveTerms.length === 0;
}

/**
 * The strings to highlight in a report's body: the distinct texts of the positive
 * body terms; for a title-only query (`标题:法治`), the title terms, so the passage
 * still shows where the subject appears in the text. Proximity terms are included:
 * the engine should mark them only where the condition holds (src/search/proximity.ts).
 */
export function highlightTerms(parsed: ParsedQuery): string[] {
  const body = parsed.positiveTerms.filter((t) => t.field === 'body');
  const chosen = body.length > 0 ? body : parsed.positiveTerms;
  return [...new Set(chosen.map((t) => t.text))];
}

/**
 * Reference semantics of a tree: whether a report matches, given a predicate telling
 * whether it contains a term (substring of normalised text or title), and, for
 * proximity, one telling whether the condition holds (`nearHolds` of
 * src/search/proximity.ts on the report's normalised text). Without `near`, a NEAR
 * node is taken as both terms present: necessary, not sufficient. A NOT is the
 * complement over all reports. The searcher may use sets instead, but must agree with this.
 *
 * ### Examples
 * matchesQuery(parseQuery('-双随机').root!, (t) => body.includes(t.text)) // => true when body lacks 双随机
 */
export function matchesQuery(
  node: QueryNode,
  contains: (term: TermNode) => boolean,
  near?: (node: NearNode) => boolean,
): boolean {
  switch (node.type) {
    case 'term':
      return contains(node);
    case 'not':
      return !matchesQuery(node.child, contains, near);
    case 'and':
      return node.children.every((c) => matchesQuery(c, contains, near));
    case 'or':
      return node.children.some((c) => matchesQuery(c, contains, near));
    case 'near':
      return node.children.every((c) => contains(c)) && (near ? near(node) : true);
  }
}

export interface FormatOptions {
  /**
   * Write each top-level body term as the analyzer's words separated by spaces
   * (quotes dropped): a looser query, each word matched on its own, for the
   * "nothing found" suggestion.
   */
  splitWords?: boolean;
  /**
   * `a|b` for OR and `/NEAR5` (no spaces): never longer than the query the tree came
   * from. `formatQuery` switches to it by itself when the readable form would be
   * longer than `MAX_QUERY_CHARS`.
   */
  compact?: boolean;
}

/** The body word `text` reads back as when typed as a chunk on its own, or null when it is syntax. */
function readsAsWord(text: string): string | null {
  if (text === '') return null;
  const items = lex(text, text, []);
  if (items.length !== 1) return null;
  const it = items[0];
  if (it.kind !== 'term' || it.phrase || it.negated || it.field !== 'body') return null;
  const read = trimChunk(it.norm);
  return FIELD_PREFIXES.some(([p]) => read.startsWith(p)) ? null : read;
}

/** True unless `text`, typed as a chunk on its own, reads back as exactly this body word. */
function needsQuotes(text: string): boolean {
  return readsAsWord(text) !== text;
}

function quote(text: string): string {
  // The closers of the chosen style must not occur inside (the first closer ends a phrase).
  if (!text.includes('"')) return `"${text}"`;
  if (!text.includes('”') && !text.includes('“')) return `“${text}”`;
  if (!text.includes('」')) return `「${text}」`;
  return `『${text}』`;
}

function formatTerm(t: TermNode, opts: FormatOptions, inOr: boolean): string {
  const field = t.field === 'title' ? '标题:' : '';
  if (opts.splitWords && !inOr) {
    const parts = words(t.text);
    // Several words only make sense unscoped (a scope covers the next word only). A word
    // may carry punctuation (jieba keeps `3.`): it reads back trimmed, a substring still.
    if (parts.length > 1 && t.field === 'body' && parts.every((w) => isIndexable(readsAsWord(w) ?? ''))) return parts.join(' ');
  }
  return field + (t.phrase || needsQuotes(t.text) ? quote(t.text) : t.text);
}

function sameTerm(a: TermNode, b: TermNode): boolean {
  return a.text === b.text && a.phrase === b.phrase && a.field === b.field;
}

/**
 * A canonical query string for a tree: for every tree `parseQuery` returns,
 * `parseQuery(formatQuery(root))` gives the same tree (`raw` aside). Trees the parser
 * cannot return (an AND inside an OR, a NOT of a group) are printed with parentheses,
 * for reading only: the syntax has none.
 *
 * ### Examples
 * formatQuery(parseQuery('“三项制度”  -双随机 a|b').root) // => '"三项制度" -双随机 a OR b'
 * formatQuery(parseQuery('a /SEN b /SEN c').root) // => 'a /SEN b /SEN c'
 * formatQuery(parseQuery('行政执法公示').root, { splitWords: true }) // => '行政 执法 公示'
 */
export function formatQuery(node: QueryNode | null, opts: FormatOptions = {}): string {
  if (!node) return '';
  const out = format(node, opts);
  if (opts.compact || codePoints(out) <= MAX_QUERY_CHARS) return out;
  return format(node, { ...opts, compact: true });
}

function format(node: QueryNode, opts: FormatOptions): string {
  const orSep = opts.compact ? '|' : ' OR ';
  const nearOp = (n: NearNode) =>
    n.unit === 'sentence' ? '/SEN' : n.unit === 'paragraph' ? '/PRG' : opts.compact ? `/NEAR${n.distance}` : `/NEAR ${n.distance}`;
  /** `skipLeft`: the left term was printed by the previous pair of a chain. */
  const fmt = (n: QueryNode, inOr: boolean, skipLeft = false): string => {
    switch (n.type) {
      case 'term':
        return formatTerm(n, opts, inOr);
      case 'not': {
        const c = n.child;
        if (c.type === 'term') return `-${formatTerm(c, {}, true)}`;
        return `-(${fmt(c, false)})`;
      }
      case 'or':
        return n.children.map((c, k) => fmt(c, true, skipLeft && k === 0)).join(orSep);
      case 'and':
        return inOr ? `(${andBody(n.children)})` : andBody(n.children);
      case 'near': {
        const right = `${nearOp(n)} ${formatTerm(n.children[1], {}, true)}`;
        return skipLeft ? right : `${formatTerm(n.children[0], {}, true)} ${right}`;
      }
    }
  };
  const firstNear = (n: QueryNode): NearNode | null => (n.type === 'near' ? n : n.type === 'or' && n.children[0].type === 'near' ? n.children[0] : null);
  const lastNear = (n: QueryNode): NearNode | null => {
    if (n.type === 'near') return n;
    const last = n.type === 'or' ? n.children[n.children.length - 1] : null;
    return last?.type === 'near' ? last : null;
  };
  const andBody = (children: QueryNode[]): string => {
    const parts: string[] = [];
    for (let k = 0; k < children.length; k++) {
      const prev = k > 0 ? lastNear(children[k - 1]) : null;
      const next = firstNear(children[k]);
      // `A /SEN B B /SEN C` is written as the chain it parses from.
      const chain = prev !== null && next !== null && sameTerm(prev.children[1], next.children[0]);
      parts.push(fmt(children[k], false, chain));
    }
    return parts.join(' ');
  };
  return fmt(node, false);
}

/**
 * A looser form of the query — its top-level body terms cut into the analyzer's
 * words, each of which must occur but not together — for a "没有找到，试试：…"
 * suggestion; null when that is the same query. Never over the parser's limits: when
 * all the words do not fit, the last ones are left out (still looser: fewer words to
 * find); null when no word fits.
 */
export function looserQuery(parsed: ParsedQuery): string | null {
  const root = parsed.root;
  if (!root) return null;
  const strict = formatQuery(root);
  const children = root.type === 'and' ? root.children : [root];
  // Pieces in query order: a split term gives its words, anything else one fixed piece.
  const pieces: Array<{ text: string; word: boolean }> = [];
  for (const c of children) {
    const split = c.type === 'term' ? formatTerm(c, { splitWords: true }, false) : null;
    if (c.type === 'term' && split !== formatTerm(c, {}, false)) {
      for (const w of split!.split(' ')) pieces.push({ text: w, word: true });
    } else pieces.push({ text: formatQuery(c), word: false });
  }
  if (!pieces.some((p) => p.word)) return null;
  // Fixed pieces always fit (they come from a query within the limits); words while they fit.
  const fixed = pieces.filter((p) => !p.word);
  let chars = fixed.reduce((s, p) => s + codePoints(p.text) + 1, 0);
  const terms = new Set<string>(fixed.flatMap((p) => termKeysOf(p.text)));
  const kept = new Set<number>();
  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[k];
    if (!p.word) continue;
    const key = `+body\u0000${trimChunk(p.text)}`;
    const addChars = codePoints(p.text) + 1;
    const addTerms = terms.has(key) ? 0 : 1;
    if (chars + addChars - 1 > MAX_QUERY_CHARS || terms.size + addTerms > MAX_QUERY_TERMS) break;
    chars += addChars;
    terms.add(key);
    kept.add(k);
  }
  if (kept.size === 0) return null;
  const looser = pieces
    .filter((p, k) => !p.word || kept.has(k))
    .map((p) => p.text)
    .join(' ');
  if (looser === strict) return null;
  try {
    parseQuery(looser);
  } catch (e) {
    if (e instanceof QueryError) return null;
    throw e;
  }
  return looser;
}

/** The term-limit keys of a piece of canonical query text. */
function termKeysOf(text: string): string[] {
  const keys: string[] = [];
  const walk = (n: QueryNode, negated: boolean) => {
    if (n.type === 'term') keys.push(`${negated ? '-' : '+'}${n.field}\u0000${n.text}`);
    else if (n.type === 'not') walk(n.child, !negated);
    else for (const c of n.children) walk(c, negated);
  };
  const root = parseQuery(text).root;
  if (root) walk(root, false);
  return keys;
}

export type { AndNode, NearNode, NotNode, OrNode };
