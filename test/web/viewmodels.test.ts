import { describe, expect, it } from 'vitest';
import { defaultRequest, type SearchRequest } from '../../src/search/request.js';
import { looserQuery, parseQuery } from '../../src/query/parser.js';
import type { ReportParagraphs } from '../../src/types.js';
import { backState, backUrl, docUrl, searchFields, searchUrl } from '../../src/web/urls.js';
import {
  citationHead,
  FEW_RESULTS,
  filterChips,
  filterSummary,
  MAX_SUGGESTIONS,
  paragraphCitation,
  paragraphNumber,
  quoteQuery,
  reportPageModel,
  suggestionCandidates,
  foldFacet,
  isHeading,
  LOOSER_LABEL,
  looserHint,
  pagination,
  regionCrumbs,
  regionFacetLinks,
  safeHref,
  suggestions,
  yearFacetLinks,
} from '../../src/web/viewmodels.js';

const state = (over: Partial<SearchRequest> = {}): SearchRequest => ({ ...defaultRequest('法治'), ...over });
const params = (url: string) => new URL(url, 'http://x').searchParams;

describe('region facet links', () => {
  it('adds a province, drills into a child (replacing its parent), removes a selected one', () => {
    const [sc] = regionFacetLinks(state(), [{ value: '四川省', count: 2 }]);
    expect(params(sc.url).getAll('region')).toEqual(['四川省']);
    expect(sc.label).toBe('四川省');

    const [dz] = regionFacetLinks(state({ regions: ['四川省'], page: 3 }), [{ value: '四川省/达州市', count: 1 }]);
    expect(dz.label).toBe('达州市');
    expect(params(dz.url).getAll('region')).toEqual(['四川省/达州市']);
    expect(params(dz.url).get('page')).toBeNull(); // filters reset paging

    const [sel] = regionFacetLinks(state({ regions: ['四川省', '青海省'] }), [{ value: '青海省', count: 1 }]);
    expect(sel.selected).toBe(true);
    expect(params(sel.url).getAll('region')).toEqual(['四川省']);
  });

  it('breadcrumbs lead back up one level at a time', () => {
    const crumbs = regionCrumbs(state({ regions: ['青海省/西宁市/湟中区'] }));
    expect(crumbs.map((c) => c.label)).toEqual(['全部地区', '青海省', '西宁市', '湟中区']);
    expect(params(crumbs[0].url).getAll('region')).toEqual([]);
    expect(params(crumbs[2].url).getAll('region')).toEqual(['青海省/西宁市']);
  });
});

describe('year facet links', () => {
  it('lists newest first and toggles years (several selectable)', () => {
    const links = yearFacetLinks(state({ years: [2023] }), [
      { value: '2023', count: 5 },
      { value: '2026', count: 31 },
      { value: '2024', count: 2 },
    ]);
    expect(links.map((l) => l.value)).toEqual(['2026', '2024', '2023']);
    expect(params(links[0].url).getAll('year')).toEqual(['2026', '2023']);
    expect(links[2].selected).toBe(true);
    expect(params(links[2].url).getAll('year')).toEqual([]);
  });
});

describe('chips', () => {
  it('each chip removes exactly its own filter', () => {
    const chips = filterChips(state({ regions: ['四川省'], years: [2024, 2023] }));
    expect(chips.map((c) => c.label)).toEqual(['地区：四川省', '年份：2024年', '年份：2023年']);
    expect([...params(chips[1].url)]).toEqual([
      ['q', '法治'],
      ['region', '四川省'],
      ['year', '2023'],
    ]);
  });
});

describe('pagination', () => {
  it('shows first, last and two pages around the current one', () => {
    const p = pagination(state({ page: 6 }), 200)!;
    expect(p.pages.map((x) => (x ? x.n : '…'))).toEqual([1, '…', 4, 5, 6, 7, 8, '…', 20]);
    expect(params(p.prev!).get('page')).toBe('5');
    expect(params(p.next!).get('page')).toBe('7');
    expect(pagination(state(), 10)).toBeNull();
  });

  it('never offers a page past 1000', () => {
    const p = pagination(state({ page: 1000, size: 1 }), 5000)!;
    expect(p.next).toBeNull();
    expect(p.pages.at(-1)!.n).toBe(1000);
  });
});

describe('empty-state suggestions', () => {
  const looser = (q: string) => looserQuery(parseQuery(q));

  it('offers to drop filters, the looser query (filters kept), the title scope and exclusions — not the quotes', () => {
    const q = '"三项制度" 标题:法治 -药品';
    expect(looser(q)).toBe('三项 制度 标题:法治 -药品');
    const s = suggestions(state({ q, regions: ['四川省'], years: [2024] }), 0, looser(q));
    // at most MAX_SUGGESTIONS (each is counted by the route): 只搜“三项制度” is the fifth
    expect(MAX_SUGGESTIONS).toBe(4);
    expect(s.map((x) => x.label)).toEqual([
      '去掉地区和年份筛选，在全部报告中搜索',
      `${LOOSER_LABEL}三项 制度 标题:法治 -药品`,
      '不限于标题，在全文中搜索',
      '去掉排除词（以 - 开头的词）',
    ]);
    const qs = s.map((x) => params(x.url));
    expect([...qs[0]]).toEqual([['q', q]]);
    expect([...qs[1]]).toEqual([['q', '三项 制度 标题:法治 -药品'], ['region', '四川省'], ['year', '2024']]);
    expect(qs[2].get('q')).toBe('"三项制度" 法治 -药品');
    expect(qs[3].get('q')).toBe('"三项制度" 标题:法治');
    expect(suggestions(state({ q: '"三项制度" 法治' }), 0, null).map((x) => params(x.url).get('q'))).toEqual(['三项制度']);
  });

  it('with counts, offers only what finds something, with its count; an uncounted candidate is not offered', () => {
    const st = state({ q: '三项制度改革', regions: ['四川省'] });
    const cands = suggestionCandidates(st, '三项 制度 改革');
    expect(cands.map((c) => c.label)).toEqual(['去掉地区和年份筛选，在全部报告中搜索', `${LOOSER_LABEL}三项 制度 改革`]);
    expect(cands[1].state).toMatchObject({ q: '三项 制度 改革', regions: ['四川省'], page: 1 });
    const s = suggestions(st, 0, '三项 制度 改革', new Map([[cands[0].url, 0], [cands[1].url, 7]]));
    expect(s).toEqual([{ label: `${LOOSER_LABEL}三项 制度 改革`, url: cands[1].url, count: 7 }]);
    expect(suggestions(st, 0, '三项 制度 改革', new Map())).toEqual([]);
    expect(suggestions(st, 0, '三项 制度 改革').map((x) => x.count)).toEqual([null, null]);
  });

  it.each([
    ['三项制度', '“三项制度”'],
    ['“三项制度”', '「“三项制度”」'],
    ['"三项制度"', '“"三项制度"”'],
    ['“a” 「b」', '『“a” 「b」』'],
  ])('quoteQuery(%s) = %s: never doubles the query\'s own marks', (q, expected) => expect(quoteQuery(q)).toBe(expected));

  it.each([
    ['行政执法公示', '行政 执法 公示'],
    ['"法治 政府"', '法治 政府'], // a quoted phrase with a space: the looser query drops the quotes
  ])('%s → %s', (q, expected) => {
    expect(looser(q)).toBe(expected);
    const s = suggestions(state({ q }), 0, looser(q));
    expect(s.map((x) => x.label)).toContain(`${LOOSER_LABEL}${expected}`);
    expect(s.every((x) => !x.label.includes('引号'))).toBe(true);
  });

  it('offers nothing that leads back to the same search, nor the same link twice', () => {
    // one word the analyzer cannot cut: no looser query
    expect(looser('法治')).toBeNull();
    expect(suggestions(state({ q: '法治' }), 0, null)).toEqual([]);
    // the looser query equals "只搜 the first chunk" here: offered once
    const s = suggestions(state({ q: '三项 制度' }), 0, '三项 制度');
    expect(s.map((x) => x.label)).toEqual(['只搜“三项”']);
  });
});

describe('few results: the looser hint', () => {
  const res = (total: number, looserQuery: string | null) => ({ total, hits: Array.from({ length: Math.min(total, 10) }), looserQuery }) as never;
  it(`is a link to the looser query, filters kept, for 1..${FEW_RESULTS} results`, () => {
    const hint = looserHint(state({ q: '三项制度', years: [2024], page: 1 }), res(2, '三项 制度'))!;
    expect(hint.label).toBe('三项 制度');
    expect([...params(hint.url)]).toEqual([['q', '三项 制度'], ['year', '2024']]);
    expect(looserHint(state(), res(FEW_RESULTS, 'a b'))).not.toBeNull();
  });
  it('is absent with more results, with none (the empty state offers it), or without a looser query', () => {
    expect(looserHint(state(), res(FEW_RESULTS + 1, 'a b'))).toBeNull();
    expect(looserHint(state(), res(0, 'a b'))).toBeNull();
    expect(looserHint(state(), res(2, null))).toBeNull();
  });
});

describe('report page helpers', () => {
  it.each([
    ['https://www.sc.gov.cn/a.shtml?x=1', 'https://www.sc.gov.cn/a.shtml?x=1'],
    ['javascript:alert(1)', null],
    ['data:text/html,<script>', null],
    [null, null],
  ])('safeHref(%s)', (url, expected) => expect(safeHref(url)).toBe(expected));

  it.each([
    ['一、2025年工作回顾和“十四五”发展主要成绩', true],
    ['（二）加强法治宣传', true],
    ['一是结合工作实际，每年制定实施《全盟卫生健康系统法治建设工作要点》。深入学习习近平总书记全面依法治国新理念新思想新战略。', false],
    ['各位代表：', false],
  ])('isHeading(%s)', (text, expected) => expect(isHeading(text)).toBe(expected));
});

describe('facet folding', () => {
  const links = (n: number, selected: number[] = []) =>
    Array.from({ length: n }, (_, i) => ({ value: `r${i}`, label: `r${i}`, count: n - i, selected: selected.includes(i), url: '/' }));
  it('keeps the first values and any selected one visible, folds the rest', () => {
    const { top, more } = foldFacet(links(31, [20]), 12);
    expect(top.map((l) => l.value)).toEqual([...Array.from({ length: 12 }, (_, i) => `r${i}`), 'r20']);
    expect(more).toHaveLength(18);
  });
  it('does not fold away just one or two values', () => {
    expect(foldFacet(links(14), 12).more).toEqual([]);
    expect(foldFacet(links(15), 12).more).toHaveLength(3);
  });
});

describe('the way back to the result list', () => {
  const st = state({ q: '三项制度', regions: ['青海省'], years: [2024], sort: 'date-desc', page: 2, size: 5 });

  it('report links carry the list (filters, sort, size, page) as back=, and only when ?q= alone would not lead there', () => {
    expect(backState(state({ q: '三项制度' }))).toBe('');
    expect(backState(state({ q: '' , sort: 'date-desc' }))).toBe('');
    const back = backState(st);
    expect([...new URLSearchParams(back)]).toEqual([
      ['q', '三项制度'], ['region', '青海省'], ['year', '2024'], ['sort', 'date-desc'], ['size', '5'], ['page', '2'],
    ]);
    const link = new URL(docUrl('seeds-002', st.q, 'p-10', back), 'http://x');
    expect(link.pathname).toBe('/doc/seeds-002');
    expect(link.searchParams.get('q')).toBe('三项制度');
    expect(link.searchParams.get('back')).toBe(back);
    expect(link.hash).toBe('#p-10');
    expect(docUrl('seeds-002', '三项制度')).toBe(`/doc/seeds-002?q=${encodeURIComponent('三项制度')}`);
  });

  it('backUrl returns exactly that list; a bad or foreign back falls back to the ?q= list, never off the site', () => {
    expect(backUrl('三项制度', backState(st))).toBe(searchUrl(st));
    // parameters this module does not know (a future match mode) are kept as they were
    expect(backUrl('x', 'q=x&match=fuzzy&page=3')).toBe('/?q=x&match=fuzzy&page=3');
    for (const bad of ['page=0', 'year=abc', 'q=a&q=b', ['q=a'], { a: 1 }, 'x'.repeat(9000)]) {
      expect(backUrl('三项制度', bad)).toBe(searchUrl(state({ q: '三项制度' })));
    }
    expect(backUrl('', undefined)).toBe('/');
    expect(backUrl('', '//evil.example/')).toMatch(/^\/\?/);
  });

  it('the year form carries every other parameter, but not the page', () => {
    expect(searchFields(st, ['year', 'page'])).toEqual([
      { name: 'q', value: '三项制度' },
      { name: 'region', value: '青海省' },
      { name: 'sort', value: 'date-desc' },
      { name: 'size', value: '5' },
    ]);
    expect(filterSummary(st)).toBe('地区：青海省；年份：2024年；排序：最新');
    expect(filterSummary(state())).toBe('');
  });
});

describe('report page: numbers, citation, back link', () => {
  const view = {
    report: {
      id: 'seeds-002_2bba1cb4cd6e5587', title: '湟中区卫生健康局2024年法治政府建设情况报告', issuer: '湟中区卫生健康局',
      region: { province: '青海省', city: '西宁市', county: '湟中区', code: null }, year: 2024, date: null, docNumber: null,
      sourceUrl: null, sources: {}, warnings: [], path: 'seeds/002.txt', text: '湟中区卫生健康局\n一、主要工作',
    },
    paragraphs: [
      { index: 0, text: '湟中区卫生健康局', ranges: [], matches: 0 },
      { index: 1, text: '一、主要工作', ranges: [], matches: 0 },
    ],
    matchCount: 0,
  } as unknown as ReportParagraphs;

  it('numbers paragraphs from 1 (anchors stay p-N from 0), as 第 N 段 in the results', () => {
    const m = reportPageModel(view, '');
    expect(m.paragraphs.map((p) => [p.anchor, p.number, p.permalink])).toEqual([
      ['p-0', 1, '/doc/seeds-002_2bba1cb4cd6e5587#p-0'],
      ['p-1', 2, '/doc/seeds-002_2bba1cb4cd6e5587#p-1'],
    ]);
    expect(paragraphNumber('p-10')).toBe(11);
  });

  it('cites title, issuer, date (else year), 第 N 段 and the public address', () => {
    const m = reportPageModel(view, '', { origin: 'http://192.168.1.5:3000' });
    expect(m.address).toBe('http://192.168.1.5:3000/doc/seeds-002_2bba1cb4cd6e5587');
    expect(m.citeHead).toBe('《湟中区卫生健康局2024年法治政府建设情况报告》，湟中区卫生健康局，2024年');
    expect(m.citation).toBe(`${m.citeHead}。${m.address}`);
    expect(paragraphCitation(m.citeHead, m.address, 10)).toBe(
      '《湟中区卫生健康局2024年法治政府建设情况报告》，湟中区卫生健康局，2024年，第 11 段。http://192.168.1.5:3000/doc/seeds-002_2bba1cb4cd6e5587#p-10',
    );
    expect(citationHead({ title: 'T', issuer: null, date: '2025-04-07', year: 2024 })).toBe('《T》，2025-04-07');
    expect(m.meta.map((r) => r.label)).toEqual(['标题', '发文机关', '地区', '年份', '编号', '地址']);
  });

  it('the back link returns to the list the reader came from; 取消高亮 keeps it', () => {
    const back = 'q=法治&year=2024&page=2';
    const m = reportPageModel(view, '法治', { back });
    expect(m.backUrl).toBe(`/?${new URLSearchParams(back)}`);
    expect(m.backLabel).toBe('返回搜索结果');
    expect(new URL(m.plainUrl, 'http://x').searchParams.get('back')).toBe(new URLSearchParams(back).toString());
    expect(new URL(m.plainUrl, 'http://x').searchParams.get('q')).toBeNull();
    // the plain page still knows its list
    expect(reportPageModel(view, '', { back: new URL(m.plainUrl, 'http://x').searchParams.get('back') }).backUrl).toBe(m.backUrl);
    expect(reportPageModel(view, '法治').backUrl).toBe(`/?q=${encodeURIComponent('法治')}`);
    expect(reportPageModel(view, '').backLabel).toBe('回到首页');
  });
});
