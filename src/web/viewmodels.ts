/**
 * View models: plain data the templates print with `<%= %>`. Everything a page
 * decides (which facet is selected, where a chip's × leads, which pages to offer,
 * what to suggest when nothing matched) is decided here, in pure functions, so
 * templates only loop and print.
 */
import type { FacetBucket, FieldOrigin, MatchMode, MetaField, Region, ReportParagraphs, SearchResponse, SortOrder } from '../types.js';
import { highlightHtml } from './html.js';
import { DEFAULT_SIZE, defaultSort, MAX_PAGE, type SearchRequest } from '../search/request.js';
import { backState, backUrl, docUrl, paragraphPermalink, REPORT_SLICE, searchFields, searchUrl } from './urls.js';

export interface Link {
  label: string;
  url: string;
}

export interface FacetLink extends Link {
  value: string;
  count: number;
  selected: boolean;
}

export interface HitView {
  id: string;
  title: string;
  url: string;
  regionPath: string;
  year: number | null;
  date: string | null;
  issuer: string | null;
  matchCount: number;
  /** `number` is 1-based (第 N 段), the anchor `p-N` 0-based. */
  passages: { url: string; anchor: string; number: number; html: string }[];
}

export interface PageLink {
  n: number;
  url: string;
  current: boolean;
}

export interface Suggestion extends Link {
  /** Reports the suggestion finds (checked by the route), or null when not counted. */
  count: number | null;
}

export interface SearchPageModel {
  pageTitle: string;
  /** The page's one <h1>. */
  heading: string;
  /** The empty state's sentence, the query quoted without doubling its own quotes. */
  emptyTitle: string;
  state: SearchRequest;
  /** Filters and sort carried by the search form, so a new query keeps them. */
  hidden: { name: string; value: string }[];
  total: number;
  tookMs: number;
  /** 1-based positions of the first and last hit on this page. */
  from: number;
  to: number;
  hits: HitView[];
  regionCrumbs: Link[];
  regionFacet: FacetLink[];
  /** The long tail of the region facet, folded under 更多 (selected values always stay visible). */
  regionMore: FacetLink[];
  yearFacet: FacetLink[];
  /** Hidden fields of the year checkbox form: every search parameter but year and page. */
  yearFields: { name: string; value: string }[];
  /** Hidden fields of the time span form and the issuer form (every other parameter). */
  timeFields: { name: string; value: string }[];
  issuerFields: { name: string; value: string }[];
  issuerFacet: FacetLink[];
  issuerMore: FacetLink[];
  typeFacet: FacetLink[];
  levelFacet: FacetLink[];
  matchModes: (Link & { selected: boolean; title: string })[];
  /** 精确 found fewer reports than 模糊 would: how many, and the link. */
  fuzzyHint: { count: number; url: string } | null;
  chips: Link[];
  /** The filters and sort in words, for the phone's 筛选 summary and the printed list. */
  filterSummary: string;
  clearFiltersUrl: string | null;
  sorts: (Link & { selected: boolean })[];
  pagination: { prev: string | null; next: string | null; pages: (PageLink | null)[] } | null;
  suggestions: Suggestion[];
  /** Under a short result list (≤ FEW_RESULTS): the looser query as a link (label = the query). */
  looserHint: Link | null;
  /** The parser's notes on how it read the query (an unclosed quote closed …), shown above the results. */
  queryNotes: string[];
  /** Results exist, but the requested page is past the last one. */
  pastLastPage: boolean;
}

const SORT_LABELS: Record<SortOrder, string> = {
  relevance: '相关度',
  'date-desc': '最新',
  'date-asc': '最早',
};

/** Display form of a region path: 四川省/达州市 → 四川省 › 达州市. */
export function regionLabel(path: string): string {
  return path.split('/').join(' › ');
}

export function hitRegionPath(region: Pick<Region, 'province' | 'city' | 'county'>): string {
  return [region.province, region.city, region.county].filter(Boolean).join(' › ');
}

function isAncestor(ancestor: string, path: string): boolean {
  return path.startsWith(`${ancestor}/`);
}

/**
 * Where a click on a region bucket leads: a selected bucket is removed; a child of a
 * selected region replaces its parent (drill-down narrows); anything else is added (OR).
 */
function regionToggle(selected: string[], value: string): string[] {
  if (selected.includes(value)) return selected.filter((r) => r !== value);
  if (selected.some((r) => isAncestor(r, value))) {
    return [...selected.filter((r) => !isAncestor(r, value)), value];
  }
  return [...selected, value];
}

function yearToggle(selected: number[], year: number): number[] {
  return selected.includes(year) ? selected.filter((y) => y !== year) : [...selected, year].sort((a, b) => b - a);
}

/** Filter changes reset paging: page 7 of another result set means nothing. */
function withState(state: SearchRequest, change: Partial<SearchRequest>): string {
  return searchUrl({ ...state, page: 1, ...change });
}

/** How many region values show before the rest fold under 更多. */
export const REGION_VISIBLE = 12;

/** Splits facet links into the first `n` (plus any selected) and the rest, keeping order. */
export function foldFacet(links: FacetLink[], n: number): { top: FacetLink[]; more: FacetLink[] } {
  if (links.length <= n + 2) return { top: links, more: [] }; // folding two values away helps nobody
  const top = links.filter((l, i) => i < n || l.selected);
  return { top, more: links.filter((l) => !top.includes(l)) };
}

export function regionFacetLinks(state: SearchRequest, buckets: FacetBucket[]): FacetLink[] {
  return buckets.map((b) => ({
    value: b.value,
    // buckets are children of the drilled-into region: show the last level only
    label: b.value.split('/').pop() || b.value,
    count: b.count,
    selected: state.regions.includes(b.value),
    url: withState(state, { regions: regionToggle(state.regions, b.value) }),
  }));
}

export function yearFacetLinks(state: SearchRequest, buckets: FacetBucket[]): FacetLink[] {
  return buckets
    .map((b) => ({ b, year: Number(b.value) }))
    .filter(({ year }) => Number.isInteger(year))
    .sort((x, y) => y.year - x.year) // newest first, whatever order the engine used
    .map(({ b, year }) => ({
      value: b.value,
      label: `${year}年`,
      count: b.count,
      selected: state.years.includes(year),
      url: withState(state, { years: yearToggle(state.years, year) }),
    }));
}

type ListFilter = 'issuers' | 'types' | 'levels';

/** Links of a facet whose values OR (issuer, type, level): a click adds or removes its value. */
export function listFacetLinks(state: SearchRequest, key: ListFilter, buckets: FacetBucket[]): FacetLink[] {
  const selected = state[key] as string[];
  return buckets.map((b) => ({
    value: b.value,
    label: b.value,
    count: b.count,
    selected: selected.includes(b.value),
    url: withState(state, {
      [key]: selected.includes(b.value) ? selected.filter((v) => v !== b.value) : [...selected, b.value],
    } as Partial<SearchRequest>),
  }));
}

/** How many issuers show before the rest fold under 更多 (the form's list holds them all). */
export const ISSUER_VISIBLE = 10;

/** The toggle between 精确 and 模糊: both links, the current one marked. */
export function matchModes(state: SearchRequest): (Link & { selected: boolean; title: string })[] {
  return [
    { label: '精确', title: '按原样逐字匹配', url: withState(state, { match: 'exact' }), selected: state.match === 'exact' },
    { label: '模糊', title: '忽略标点、空格和引号的样式', url: withState(state, { match: 'fuzzy' }), selected: state.match === 'fuzzy' },
  ];
}

/** All filters removed, the query, sort and mode kept. */
const NO_FILTERS: Partial<SearchRequest> = { regions: [], years: [], from: null, to: null, issuers: [], types: [], levels: [] };

/** 全部地区 › 四川省 › 达州市 — each level leads back up; shown when one region is selected. */
export function regionCrumbs(state: SearchRequest): Link[] {
  if (state.regions.length !== 1) return [];
  const parts = state.regions[0].split('/');
  const crumbs: Link[] = [{ label: '全部地区', url: withState(state, { regions: [] }) }];
  for (let i = 0; i < parts.length; i++) {
    crumbs.push({ label: parts[i], url: withState(state, { regions: [parts.slice(0, i + 1).join('/')] }) });
  }
  return crumbs;
}

export function filterChips(state: SearchRequest): Link[] {
  return [
    ...state.regions.map((r) => ({
      label: `地区：${regionLabel(r)}`,
      url: withState(state, { regions: state.regions.filter((x) => x !== r) }),
    })),
    ...state.years.map((y) => ({
      label: `年份：${y}年`,
      url: withState(state, { years: state.years.filter((x) => x !== y) }),
    })),
    ...(state.from || state.to ? [{ label: `时间：${timeSpan(state)}`, url: withState(state, { from: null, to: null }) }] : []),
    ...state.issuers.map((v) => ({ label: `发文机关：${v}`, url: withState(state, { issuers: state.issuers.filter((x) => x !== v) }) })),
    ...state.types.map((v) => ({ label: `类型：${v}`, url: withState(state, { types: state.types.filter((x) => x !== v) }) })),
    ...state.levels.map((v) => ({ label: `级别：${v}`, url: withState(state, { levels: state.levels.filter((x) => x !== v) }) })),
  ];
}

/** 2021–2023, 2021-03-01 起, 2023 止. */
function timeSpan(state: SearchRequest): string {
  if (state.from && state.to) return `${state.from}–${state.to}`;
  return state.from ? `${state.from} 起` : `${state.to} 止`;
}

/** Page numbers around the current page, with null for a gap (…). */
export function pagination(state: SearchRequest, total: number): SearchPageModel['pagination'] {
  const last = Math.min(Math.ceil(total / state.size), MAX_PAGE);
  if (last <= 1) return null;
  const at = (n: number) => searchUrl({ ...state, page: n });
  const wanted = new Set([1, last]);
  for (let n = state.page - 2; n <= state.page + 2; n++) if (n >= 1 && n <= last) wanted.add(n);
  const pages: (PageLink | null)[] = [];
  let prev = 0;
  for (const n of [...wanted].sort((a, b) => a - b)) {
    if (n - prev > 1) pages.push(null);
    pages.push({ n, url: at(n), current: n === state.page });
    prev = n;
  }
  return {
    prev: state.page > 1 ? at(Math.min(state.page - 1, last)) : null,
    next: state.page < last ? at(state.page + 1) : null,
    pages,
  };
}

/** Label of the looser-query suggestion; the query itself follows the colon. */
export const LOOSER_LABEL = '拆成词语分别查找：';

/** A suggestion before it is counted: the search it leads to. */
export interface SuggestionCandidate {
  label: string;
  state: SearchRequest;
  url: string;
}

/** At most this many suggestions are counted (one engine count each) and offered. */
export const MAX_SUGGESTIONS = 4;

/**
 * What to try when nothing matched, each as the search that does it (filters and sort
 * kept unless the suggestion is to drop them), at most `MAX_SUGGESTIONS`. `looserQuery`
 * is the engine's `SearchResponse.looserQuery`: every unquoted chunk is matched as typed,
 * so the one way to loosen a term is to cut it into words — only the analyzer knows
 * where the cuts go, so the web never guesses (removing quotes loosens nothing).
 *
 * ### Examples
 * suggestionCandidates({ ...state, q: '行政执法公示' }, '行政 执法 公示')
 * // => [{ label: '拆成词语分别查找：行政 执法 公示', state: { …, q: '行政 执法 公示' }, url: '/?q=…' }]
 */
export function suggestionCandidates(state: SearchRequest, looserQuery: string | null = null): SuggestionCandidate[] {
  const out: SuggestionCandidate[] = [];
  const here = withState(state, {});
  // a suggestion that leads back here, or where an earlier one already leads, helps nobody
  const add = (label: string, q: string, change: Partial<SearchRequest> = {}) => {
    const next = { ...state, page: 1, q, ...change };
    const url = searchUrl(next);
    if (url !== here && !out.some((l) => l.url === url)) out.push({ label, state: next, url });
  };
  const q = state.q;
  if (state.regions.length || state.years.length) {
    add('去掉地区和年份筛选，在全部报告中搜索', q, { regions: [], years: [] });
  }
  if (looserQuery) add(`${LOOSER_LABEL}${looserQuery}`, looserQuery);
  if (/(^|\s)标题[:：]/.test(q)) add('不限于标题，在全文中搜索', q.replace(/(^|\s)标题[:：]/g, '$1'));
  if (/(^|\s)-\S/.test(q)) add('去掉排除词（以 - 开头的词）', q.replace(/(^|\s)-\S+/g, ' ').replace(/\s+/g, ' ').trim());
  const chunks = q.trim().split(/\s+/).filter(Boolean);
  if (chunks.length > 1) {
    const first = chunks[0].replace(/^[-"“”]|["“”]$/g, '');
    if (first) add(`只搜“${first}”`, first);
  }
  return out.slice(0, MAX_SUGGESTIONS);
}

/**
 * The suggestions offered. With nothing matched, `counts` (candidate url → reports it
 * finds, from the route) keeps only those that find something — an uncounted candidate
 * is not offered; without `counts` every candidate is offered uncounted. Past the last
 * page: back to page 1.
 */
export function suggestions(
  state: SearchRequest,
  total: number,
  looserQuery: string | null = null,
  counts?: ReadonlyMap<string, number>,
): Suggestion[] {
  if (total > 0) return [{ label: '回到第 1 页', url: searchUrl({ ...state, page: 1 }), count: total }];
  const out: Suggestion[] = [];
  for (const c of suggestionCandidates(state, looserQuery)) {
    if (!counts) out.push({ label: c.label, url: c.url, count: null });
    else if ((counts.get(c.url) ?? 0) > 0) out.push({ label: c.label, url: c.url, count: counts.get(c.url)! });
  }
  return out;
}

/** Quote pairs for a query in a sentence, the first whose marks the query does not use. */
const QUOTES: [string, string][] = [
  ['“', '”'],
  ['「', '」'],
  ['『', '』'],
];

/**
 * A query inside a Chinese sentence, in quotation marks it does not contain itself:
 * `“三项制度”` is never printed as ““三项制度””.
 *
 * ### Examples
 * quoteQuery('三项制度')   // => '“三项制度”'
 * quoteQuery('“三项制度”') // => '「“三项制度”」'
 */
export function quoteQuery(q: string): string {
  const [open, close] = QUOTES.find(([o, c]) => !q.includes(o) && !q.includes(c)) ?? QUOTES[0];
  return `${open}${q}${close}`;
}

/** Few results (at most this many): offer the looser query as a quiet hint under them. */
export const FEW_RESULTS = 3;

/** The "还可以试试" link under a short result list, or null (no looser query, or enough results). */
export function looserHint(state: SearchRequest, res: Pick<SearchResponse, 'total' | 'hits' | 'looserQuery'>): Link | null {
  if (!res.looserQuery || res.hits.length === 0 || res.total > FEW_RESULTS) return null;
  return { label: res.looserQuery, url: withState(state, { q: res.looserQuery }) };
}

export function hitView(state: SearchRequest, hit: SearchResponse['hits'][number]): HitView {
  return {
    id: hit.id,
    title: hit.title,
    url: docUrl(hit.id, state.q, undefined, backState(state), state.match),
    regionPath: hitRegionPath(hit.region),
    year: hit.year,
    date: hit.date,
    issuer: hit.issuer,
    matchCount: hit.matchCount,
    passages: hit.passages.slice(0, 3).map((p) => ({
      url: docUrl(hit.id, state.q, p.anchor, backState(state), state.match),
      anchor: p.anchor,
      number: paragraphNumber(p.anchor),
      html: p.html,
    })),
  };
}

/** 1-based paragraph number (第 N 段) of an anchor `p-N` (N 0-based): one numbering on every surface. */
export function paragraphNumber(anchor: string): number {
  return Number(anchor.slice(2)) + 1;
}

/** The filters and sort in words: 地区：四川省；年份：2024年、2023年；排序：最新. */
export function filterSummary(state: SearchRequest): string {
  const parts: string[] = [];
  if (state.regions.length) parts.push(`地区：${state.regions.map(regionLabel).join('、')}`);
  if (state.years.length) parts.push(`年份：${state.years.map((y) => `${y}年`).join('、')}`);
  if (state.from || state.to) parts.push(`时间：${timeSpan(state)}`);
  if (state.issuers.length) parts.push(`发文机关：${state.issuers.join('、')}`);
  if (state.types.length) parts.push(`类型：${state.types.join('、')}`);
  if (state.levels.length) parts.push(`级别：${state.levels.join('、')}`);
  if (state.match !== 'exact') parts.push('模糊匹配');
  if (state.sort !== defaultSort(state.q)) parts.push(`排序：${SORT_LABELS[state.sort]}`);
  return parts.join('；');
}

/**
 * The search page. `suggestionCounts` (from the route, only when nothing matched) says
 * what each suggestion would find, so that only useful ones are offered.
 */
export function searchPageModel(state: SearchRequest, res: SearchResponse, suggestionCounts?: ReadonlyMap<string, number>): SearchPageModel {
  const chips = filterChips(state);
  const from = res.total === 0 ? 0 : (state.page - 1) * state.size + 1;
  const to = Math.min(res.total, (state.page - 1) * state.size + res.hits.length);
  // Every filter, the mode and a sort the user picked are kept by a new query; the default sort follows the new query.
  const hidden = searchFields(state, ['q', 'page']);
  return {
    pageTitle: state.q ? `${state.q} - 报告搜索` : '报告搜索 · 政府工作报告全文检索',
    heading: state.q ? `${quoteQuery(state.q)}的搜索结果` : '浏览全部报告',
    emptyTitle: state.q ? `没有找到包含${quoteQuery(state.q)}的报告` : '没有符合筛选条件的报告',
    state,
    hidden,
    total: res.total,
    tookMs: res.tookMs,
    from,
    to,
    hits: res.hits.map((h) => hitView(state, h)),
    regionCrumbs: regionCrumbs(state),
    ...(({ top, more }) => ({ regionFacet: top, regionMore: more }))(foldFacet(regionFacetLinks(state, res.facets.region), REGION_VISIBLE)),
    yearFacet: yearFacetLinks(state, res.facets.year),
    yearFields: searchFields(state, ['year', 'page']),
    timeFields: searchFields(state, ['from', 'to', 'page']),
    issuerFields: searchFields(state, ['page']),
    ...(({ top, more }) => ({ issuerFacet: top, issuerMore: more }))(foldFacet(listFacetLinks(state, 'issuers', res.facets.issuer), ISSUER_VISIBLE)),
    typeFacet: listFacetLinks(state, 'types', res.facets.type),
    levelFacet: listFacetLinks(state, 'levels', res.facets.level),
    matchModes: matchModes(state),
    fuzzyHint:
      state.match === 'exact' && res.fuzzyTotal != null && res.fuzzyTotal > res.total
        ? { count: res.fuzzyTotal, url: withState(state, { match: 'fuzzy' }) }
        : null,
    chips,
    filterSummary: filterSummary(state),
    clearFiltersUrl: chips.length > 1 ? withState(state, NO_FILTERS) : null,
    sorts: (Object.keys(SORT_LABELS) as SortOrder[]).map((s) => ({
      label: SORT_LABELS[s],
      url: withState(state, { sort: s }),
      selected: state.sort === s,
    })),
    pagination: pagination(state, res.total),
    suggestions: res.hits.length === 0 ? suggestions(state, res.total, res.looserQuery, suggestionCounts) : [],
    looserHint: looserHint(state, res),
    queryNotes: res.warnings ?? [],
    pastLastPage: res.hits.length === 0 && res.total > 0,
  };
}

// ---------------------------------------------------------------- report page

const FIELD_LABELS: Record<MetaField, string> = {
  title: '标题',
  issuer: '发文机关',
  region: '地区',
  year: '年份',
  date: '日期',
  docNumber: '文号',
  sourceUrl: '原文链接',
};

/** Where a value was read from, as a reader would say it. */
export const ORIGIN_LABELS: Record<FieldOrigin, string> = {
  header: '页面标注',
  title: '从标题推断',
  body: '从正文推断',
  signature: '文末落款',
  dataset: '数据集字段',
  path: '文件名',
  sidecar: '元数据文件',
  gazetteer: '行政区划推断',
  inferred: '据正文推断',
  ocr: '文字识别（OCR）',
};

export interface MetaRow {
  label: string;
  value: string;
  /** Only http(s) links: a `javascript:` URL in the data must never become a link. */
  href: string | null;
  source: string | null;
}

export interface ParagraphView {
  anchor: string;
  /** 1-based, as 第 N 段 in results, the API's anchors + 1 and the CLI. */
  number: number;
  html: string;
  matches: number;
  permalink: string;
  heading: boolean;
}

export interface ReportPageModel {
  pageTitle: string;
  id: string;
  title: string;
  q: string;
  /** The query in quotation marks for the sentences about it. */
  quotedQ: string;
  meta: MetaRow[];
  warnings: string[];
  paragraphs: ParagraphView[];
  matchCount: number;
  firstMatch: string | null;
  /** The result list the reader came from (the `back` state), or the list `?q=` gives, or home. */
  backUrl: string;
  backLabel: string;
  /** The report without highlighting (the back state kept). */
  plainUrl: string;
  /** Absolute address of the report (no query): PUBLIC_URL or the address the browser used. */
  address: string;
  /** 《标题》，发文机关，日期: the citation before 第 N 段 and the address. */
  citeHead: string;
  /** The whole report's citation: head and address. */
  citation: string;
  /** A long report: the paragraphs shown (1-based, inclusive), how many there are, and the slices before and after. */
  slice: { size: number; first: number; last: number; total: number; prev: string | null; next: string | null } | null;
}

export interface ReportPageOptions {
  /** The raw `back` parameter of the request (validated here; anything invalid is ignored). */
  back?: unknown;
  /** Scheme and host for addresses given out (`publicOrigin(req)`); default none (paths only). */
  origin?: string;
  /** The match mode the marks were found with (kept by the slice links). */
  match?: MatchMode;
}

/**
 * 《标题》，发文机关，日期 — what a reader needs to find the report again without the
 * address. The date, else the year; a missing issuer is left out.
 */
export function citationHead(r: Pick<ReportParagraphs['report'], 'title' | 'issuer' | 'date' | 'year'>): string {
  const when = r.date ?? (r.year !== null ? `${r.year}年` : null);
  return [`《${r.title}》`, r.issuer, when].filter(Boolean).join('，');
}

/**
 * The citation of one paragraph (`index` 0-based, anchor `p-N`); public/app.js builds
 * the same string from `citeHead` and `address` when ¶ is clicked.
 *
 * ### Examples
 * paragraphCitation('《湟中区…报告》，湟中区卫生健康局，2024年', 'http://localhost:3000/doc/seeds-002', 10)
 * // => '《湟中区…报告》，湟中区卫生健康局，2024年，第 11 段。http://localhost:3000/doc/seeds-002#p-10'
 */
export function paragraphCitation(head: string, address: string, index: number, page: number | null = null): string {
  return `${head}，${page ? `第 ${page} 页，` : ''}第 ${index + 1} 段。${address}#p-${index}`;
}

/** 一、… / （二）… / 第三章 … : short numbered lines are section headings in these reports. */
export function isHeading(text: string): boolean {
  return text.length <= 40 && /^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+[章节部分])/.test(text);
}

export function safeHref(url: string | null): string | null {
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
}

export function reportPageModel(view: ReportParagraphs, q: string, options: ReportPageOptions = {}): ReportPageModel {
  const r = view.report;
  const src = (f: MetaField) => (r.sources[f] ? ORIGIN_LABELS[r.sources[f]!] ?? r.sources[f]! : null);
  const rows: MetaRow[] = [];
  const add = (field: MetaField, value: string | null, href: string | null = null) => {
    if (value) rows.push({ label: FIELD_LABELS[field], value, href, source: src(field) });
  };
  add('issuer', r.issuer);
  add('region', hitRegionPath(r.region) || null);
  add('year', r.year === null ? null : `${r.year}年`);
  add('date', r.date);
  add('docNumber', r.docNumber);
  add('sourceUrl', r.sourceUrl, safeHref(r.sourceUrl));
  const first = view.paragraphs.find((p) => p.matches > 0);
  const anchor = (p: { index: number }) => `p-${p.index}`;
  const back = typeof options.back === 'string' ? options.back : '';
  const backTo = backUrl(q, back);
  // without the query, the plain page could not find the list again: it carries the list itself
  const listState = backTo === '/' ? '' : backTo.slice(2);
  const address = `${options.origin ?? ''}${docUrl(r.id)}`;
  const head = citationHead(r);
  return {
    pageTitle: `${r.title} - 报告搜索`,
    id: r.id,
    title: r.title,
    q,
    quotedQ: quoteQuery(q),
    meta: [
      { label: FIELD_LABELS.title, value: r.title, href: null, source: src('title') },
      ...rows,
      { label: '编号', value: r.id, href: null, source: null },
      { label: '地址', value: address, href: null, source: null },
    ],
    warnings: r.warnings,
    paragraphs: view.paragraphs.map((p) => ({
      anchor: anchor(p),
      number: p.index + 1,
      // paged formats (PDF, OFD, scans): the page a paragraph starts on, and a mark where a new page begins
      page: r.pages?.[p.index] ?? null,
      newPage: r.pages !== undefined && r.pages[p.index] !== undefined && (p.index === 0 || r.pages[p.index] !== r.pages[p.index - 1]),
      html: highlightHtml(p.text, p.ranges),
      matches: p.matches,
      permalink: paragraphPermalink(r.id, anchor(p)),
      heading: isHeading(p.text),
    })),
    matchCount: view.matchCount,
    firstMatch: first ? anchor(first) : null,
    plainUrl: docUrl(r.id, '', undefined, listState),
    backUrl: backTo,
    backLabel: backTo === '/' ? '回到首页' : '返回搜索结果',
    address,
    citeHead: head,
    citation: `${head}。${address}`,
    slice: sliceLinks(view, q, back, options.match ?? 'exact'),
  };
}

/**
 * A long report is read a slice at a time: which paragraphs this page shows, and
 * links to the slices before and after it (null when the report fits on one page).
 */
function sliceLinks(view: ReportParagraphs, q: string, back: string, match: MatchMode): ReportPageModel['slice'] {
  if (view.from === 0 && view.paragraphs.length >= view.totalParagraphs) return null;
  const first = view.from;
  const last = view.from + view.paragraphs.length; // exclusive
  const at = (n: number) => docUrl(view.report.id, q, `p-${n}`, back, match);
  return {
    size: REPORT_SLICE,
    first: first + 1,
    last,
    total: view.totalParagraphs,
    prev: first > 0 ? at(Math.max(0, first - REPORT_SLICE)) : null,
    next: last < view.totalParagraphs ? at(last) : null,
  };
}
