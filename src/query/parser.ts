/**
 * The query parser: a user string → a query tree (src/types.ts `QueryNode`).
 *
 * Syntax (user documentation in Chinese: README.md, 查询语法):
 *
 * | input                         | tree                                             |
 * |-------------------------------|--------------------------------------------------|
 * | `行政执法 公示`               | AND(行政执法, 公示)                              |
 * | `行政执法公示`                | 行政执法公示 — one substring, as Ctrl-F finds it  |
 * | `"三项制度"` `“三项制度”` `「三项制度」` `『…』` `＂…＂` | phrase 三项制度  |
 * | `-双随机` `-"行政复议"`       | NOT(双随机), NOT(phrase 行政复议)                |
 * | `法律顾问 OR 公职律师`, `a|b` | OR(…)                                            |
 * | `a b OR c`                    | AND(a, OR(b, c)) — OR binds tighter than AND     |
 * | `标题:法治` `title:法治` `标题：法治` `标题:"三项制度"` | term with field 'title' |
 *
 * Precise semantics (the searcher relies on these; `matchesQuery` is the reference):
 * - A term matches a report exactly when the report's normalised text (or title,
 *   for field 'title') contains `term.text` as a substring.
 * - An unquoted chunk (text between spaces) is one term: the chunk as typed, minus
 *   punctuation at its ends, matched as a substring — what Ctrl-F would find.
 *   jieba would cut 三项制度 into 三项 + 制度 and 全面推行 into one word, so AND-ing
 *   its words would find reports without the phrase, and a word-level match would
 *   miss 推行 inside 全面推行; the analyzer's words serve ranking instead (BM25 in
 *   the searcher). Quotes are needed only to keep spaces or syntax inside a phrase.
 * - `OR` (upper case, half- or full-width) and `|` are operators; lower-case `or`
 *   is an ordinary word (as on Google/Lucene), with a warning suggesting `OR`.
 * - `-` excludes only at the start of a token: `2021-2025` is a word; a lone `-` is ignored.
 * - NOT is a complement over all reports. A query of exclusions only (`-双随机`)
 *   has a NOT-only root and no positive terms: the engine should return every
 *   report except the excluded ones (see `isExclusionOnly`).
 * - Empty query (or nothing but punctuation / dropped pieces) → root null.
 * - Identical positive terms are kept once in `positiveTerms` (match counts are
 *   not doubled by `法治 法治`).
 *
 * Lenient: unbalanced quotes are closed at the end of the query, stray operators are
 * dropped; each fix is noted in `warnings` (Chinese). Only the limits throw `QueryError`.
 */
import { isIndexable, normalize, words } from '../analyze/analyzer.js';

/** Punctuation (not symbols: 互联网+, 100℃, ¥5 are typed as meant) at the ends of an unquoted chunk. */
const EDGE_PUNCTUATION = /^[\p{P}\s]+|[\p{P}\s]+$/gu;
import type { AndNode, NotNode, OrNode, ParsedQuery, QueryNode, TermNode } from '../types.js';
import { MAX_QUERY_CHARS, MAX_QUERY_TERMS, QueryError } from './errors.js';

/** Opening quote → the closers that end it. Full-width ＂ is folded to `"` by normalize. */
const QUOTES = new Map<string, string>([
  ['"', '"'],
  ['“', '”“'], // IMEs sometimes produce “…“; accept it rather than swallow the rest of the query
  ['「', '」'],
  ['『', '』'],
]);
/** A closing quote with no opener is a separator, never part of a word. */
const STRAY_CLOSERS = '”」』';

const FIELD_PREFIXES: Array<[string, TermNode['field']]> = [
  ['标题:', 'title'],
  ['title:', 'title'],
];

type Item =
  | { kind: 'or' }
  | {
      kind: 'term';
      negated: boolean;
      field: TermNode['field'];
      phrase: boolean;
      /** Raw text as typed (quotes excluded), and its normalised form (same length). */
      raw: string;
      norm: string;
    };

function isSpace(c: string): boolean {
  // normalize maps every whitespace except '\n' to ' '; keep '\t' and '\r' for safety.
  return c === ' ' || c === '\n' || c === '\t' || c === '\r';
}

/** What may follow a `-` that excludes nothing (a lone dash): an opening quote may not. */
function endsLoneDash(c: string | undefined): boolean {
  return c === undefined || isSpace(c) || c === '|' || STRAY_CLOSERS.includes(c);
}

function isBoundary(c: string | undefined): boolean {
  return c === undefined || isSpace(c) || c === '|' || QUOTES.has(c) || STRAY_CLOSERS.includes(c);
}

/** Splits the query into terms and OR operators; structure is read on the normalised string. */
function lex(raw: string, norm: string, warnings: string[]): Item[] {
  const items: Item[] = [];
  const n = norm.length;
  let i = 0;
  while (i < n) {
    const c = norm[i];
    if (isSpace(c) || STRAY_CLOSERS.includes(c)) {
      i++;
      continue;
    }
    if (c === '|') {
      items.push({ kind: 'or' });
      i++;
      continue;
    }
    const tokenStart = i;
    let negated = false;
    let field: TermNode['field'] = 'body';
    // Prefixes, in either order: -标题:x and 标题:-x.
    for (let k = 0; k < 2; k++) {
      if (!negated && norm[i] === '-') {
        if (endsLoneDash(norm[i + 1])) break; // lone '-' (handled below)
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
    if (i >= n) {
      warnings.push(`“${raw.slice(tokenStart).trim()}”后缺少检索词，已忽略`);
      break;
    }
    const q = norm[i];
    const closers = QUOTES.get(q);
    if (closers) {
      let j = i + 1;
      while (j < n && !closers.includes(norm[j])) j++;
      const innerRaw = raw.slice(i + 1, j);
      const innerNorm = norm.slice(i + 1, j);
      const empty = innerNorm.trim() === '';
      if (j >= n) {
        warnings.push(empty ? '多余的引号已忽略' : `引号未闭合，已按到查询末尾处理：${raw.slice(i).trim()}`);
      } else if (empty) warnings.push('空引号已忽略');
      if (!empty) items.push({ kind: 'term', negated, field, phrase: true, raw: innerRaw, norm: innerNorm });
      i = j + 1;
      continue;
    }
    if (q === '-' && endsLoneDash(norm[i + 1])) {
      warnings.push('单独的“-”已忽略；排除某词请写成“-词语”（不加空格）');
      i++;
      continue;
    }
    let j = i;
    while (j < n && !isBoundary(norm[j])) j++;
    const wordRaw = raw.slice(i, j);
    const wordNorm = norm.slice(i, j);
    if (!negated && field === 'body' && i === tokenStart && wordNorm === 'or') {
      if (wordRaw === wordRaw.toUpperCase()) {
        items.push({ kind: 'or' });
        i = j;
        continue;
      }
      warnings.push('小写“or”按普通词检索；表示“或”请用大写 OR 或 |');
    }
    items.push({ kind: 'term', negated, field, phrase: false, raw: wordRaw, norm: wordNorm });
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

function term(text: string, raw: string, phrase: boolean, field: TermNode['field']): TermNode {
  return { type: 'term', text, raw, phrase, field };
}

/** The query node for one lexed term item, or null when nothing searchable is left. */
function itemNode(item: Extract<Item, { kind: 'term' }>, warnings: string[]): QueryNode | null {
  let node: QueryNode | null;
  if (item.phrase) {
    node = term(collapseSpaces(item.norm), item.raw.trim(), true, item.field);
  } else {
    // One substring, as typed; punctuation at the ends (a pasted "三项制度，") is not part of it.
    const text = item.norm.replace(EDGE_PUNCTUATION, '');
    node = isIndexable(text) ? term(text, item.raw.trim(), false, item.field) : null;
  }
  if (!node) {
    warnings.push(`“${item.raw}”不含可检索的文字，已忽略`);
    return null;
  }
  return item.negated ? { type: 'not', child: node } : node;
}

/** A structural key: two nodes with the same key match the same reports. */
function nodeKey(n: QueryNode): string {
  switch (n.type) {
    case 'term':
      return `${n.field}:${JSON.stringify(n.text)}`;
    case 'not':
      return `-${nodeKey(n.child)}`;
    default:
      return `${n.type}(${n.children.map(nodeKey).join(',')})`;
  }
}

/** Drops repeated children (`法治 法治`, or `法法法法` cut into 法法 法法), keeping the first. */
function dedupe(nodes: QueryNode[]): QueryNode[] {
  const seen = new Set<string>();
  return nodes.filter((c) => {
    const k = nodeKey(c);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Flattens nested ANDs (a segmented chunk inside the top-level AND), drops repeats and
 * unwraps singletons, so the term limit counts distinct work, not repeated typing.
 */
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

/**
 * Parses a user query. Throws `QueryError` (Chinese message) only when the query
 * is longer than `MAX_QUERY_CHARS` characters or has more than `MAX_QUERY_TERMS` terms.
 *
 * ### Examples
 * parseQuery('行政执法 "三项制度" -双随机').root
 * // => AND(行政执法, 三项制度(phrase), NOT 双随机)
 * parseQuery('a b OR c').root // => AND(a, OR(b, c))
 * parseQuery('').root // => null
 */
export function parseQuery(q: string): ParsedQuery {
  const warnings: string[] = [];
  const trimmed = q.trim();
  // Count code points (what a user calls characters); the first test avoids spreading a huge string.
  const chars = trimmed.length > MAX_QUERY_CHARS * 2 ? trimmed.length : [...trimmed].length;
  if (chars > MAX_QUERY_CHARS) {
    throw new QueryError(`查询过长：最多 ${MAX_QUERY_CHARS} 个字符（当前 ${chars} 个）`);
  }
  const items = lex(trimmed, normalize(trimmed), warnings);

  // Group: runs of `x OR y OR z` become one OR node; groups are AND-ed.
  const groups: QueryNode[] = [];
  let alternatives: QueryNode[] = [];
  let pendingOr = false;
  let strayOr = false;
  const closeGroup = () => {
    const alts = dedupe(alternatives);
    if (alts.length === 1) groups.push(alts[0]);
    else if (alts.length > 1) groups.push({ type: 'or', children: alts });
    alternatives = [];
  };
  for (const item of items) {
    if (item.kind === 'or') {
      if (alternatives.length === 0 || pendingOr) strayOr = true;
      pendingOr = alternatives.length > 0;
      continue;
    }
    const node = itemNode(item, warnings);
    if (!node) continue;
    if (!pendingOr) closeGroup();
    alternatives.push(node);
    pendingOr = false;
  }
  if (pendingOr) strayOr = true;
  closeGroup();
  if (strayOr) warnings.push('“OR”两侧都需要检索词，多余的 OR 已忽略');

  const root = and(groups);
  const all = root ? termsOf(root) : [];
  if (all.length > MAX_QUERY_TERMS) {
    throw new QueryError(`查询词过多：最多 ${MAX_QUERY_TERMS} 个（当前 ${all.length} 个）`);
  }
  const positiveTerms = positiveTermsOf(root);
  if (root && positiveTerms.length === 0) {
    warnings.push('查询只包含排除词：将返回不含这些内容的全部报告');
  }
  return { root, positiveTerms, warnings };
}

/** Every term of a tree, in query order (positive and excluded). */
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
 * still shows where the subject appears in the text.
 */
export function highlightTerms(parsed: ParsedQuery): string[] {
  const body = parsed.positiveTerms.filter((t) => t.field === 'body');
  const chosen = body.length > 0 ? body : parsed.positiveTerms;
  return [...new Set(chosen.map((t) => t.text))];
}

/**
 * Reference semantics of a tree: whether a report matches, given a predicate telling
 * whether it contains a term (substring of normalised text or title). A NOT is the
 * complement over all reports. The searcher may use sets instead, but must agree with this.
 *
 * ### Examples
 * matchesQuery(parseQuery('-双随机').root!, (t) => body.includes(t.text)) // => true when body lacks 双随机
 */
export function matchesQuery(node: QueryNode, contains: (term: TermNode) => boolean): boolean {
  switch (node.type) {
    case 'term':
      return contains(node);
    case 'not':
      return !matchesQuery(node.child, contains);
    case 'and':
      return node.children.every((c) => matchesQuery(c, contains));
    case 'or':
      return node.children.some((c) => matchesQuery(c, contains));
    case 'near':
      // Necessary, not sufficient: where the two stand is checked against the text (src/search).
      return node.children.every((c) => contains(c));
  }
}

export interface FormatOptions {
  /**
   * Write each term as the analyzer's words separated by spaces (quotes dropped):
   * a looser query, each word matched on its own, for the "nothing found" suggestion.
   */
  splitWords?: boolean;
}

/** Characters that would be read as syntax inside an unquoted word. */
function needsQuotes(text: string): boolean {
  if (text === '' || text.startsWith('-')) return true;
  if (FIELD_PREFIXES.some(([p]) => text.startsWith(p))) return true;
  for (const ch of text) if (isBoundary(ch)) return true;
  return false;
}

function quote(text: string): string {
  if (!text.includes('"')) return `"${text}"`;
  if (!text.includes('”') && !text.includes('“')) return `“${text}”`;
  return `「${text}」`;
}

function formatTerm(t: TermNode, opts: FormatOptions, inOr: boolean): string {
  const field = t.field === 'title' ? '标题:' : '';
  if (opts.splitWords && !inOr) {
    const parts = words(t.text);
    // Several words only make sense unscoped (a scope covers the next word only).
    if (parts.length > 1 && t.field === 'body' && !parts.some(needsQuotes)) return parts.join(' ');
  }
  return field + (t.phrase || needsQuotes(t.text) ? quote(t.text) : t.text);
}

/**
 * A canonical query string for a tree: `parseQuery(formatQuery(root))` gives the same
 * tree whenever the output has no parentheses (the syntax has none; they are for reading).
 *
 * ### Examples
 * formatQuery(parseQuery('“三项制度”  -双随机 a|b').root) // => '"三项制度" -双随机 a OR b'
 * formatQuery(parseQuery('行政执法公示').root, { splitWords: true }) // => '行政 执法 公示'
 */
export function formatQuery(node: QueryNode | null, opts: FormatOptions = {}): string {
  if (!node) return '';
  const fmt = (n: QueryNode, inOr: boolean): string => {
    switch (n.type) {
      case 'term':
        return formatTerm(n, opts, inOr);
      case 'not': {
        const c = n.child;
        if (c.type === 'term') return `-${formatTerm(c, {}, true)}`;
        return `-(${fmt(c, false)})`;
      }
      case 'or':
        return n.children.map((c) => fmt(c, true)).join(' OR ');
      case 'and':
        return inOr ? `(${n.children.map((c) => fmt(c, false)).join(' ')})` : n.children.map((c) => fmt(c, false)).join(' ');
      case 'near': {
        const op = n.unit === 'sentence' ? '/SEN' : n.unit === 'paragraph' ? '/PRG' : `/NEAR ${n.distance}`;
        return `${formatTerm(n.children[0], {}, true)} ${op} ${formatTerm(n.children[1], {}, true)}`;
      }
    }
  };
  return fmt(node, false);
}

/**
 * A looser form of the query — its terms cut into the analyzer's words, each of
 * which must occur but not together — for a "没有找到，试试：…" suggestion;
 * null when that is the same query.
 */
export function looserQuery(parsed: ParsedQuery): string | null {
  const looser = formatQuery(parsed.root, { splitWords: true });
  return looser === formatQuery(parsed.root) ? null : looser;
}

export type { AndNode, NotNode, OrNode };
