import { describe, expect, it } from 'vitest';
import { defaultRequest, type SearchRequest } from '../../src/search/request.js';
import { looserQuery, parseQuery } from '../../src/query/parser.js';
import {
  FEW_RESULTS,
  filterChips,
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
    expect(s.map((x) => x.label)).toEqual([
      '去掉地区和年份筛选，在全部报告中搜索',
      `${LOOSER_LABEL}三项 制度 标题:法治 -药品`,
      '不限于标题，在全文中搜索',
      '去掉排除词（以 - 开头的词）',
      '只搜“三项制度”',
    ]);
    const qs = s.map((x) => params(x.url));
    expect([...qs[0]]).toEqual([['q', q]]);
    expect([...qs[1]]).toEqual([['q', '三项 制度 标题:法治 -药品'], ['region', '四川省'], ['year', '2024']]);
    expect(qs[2].get('q')).toBe('"三项制度" 法治 -药品');
    expect(qs[3].get('q')).toBe('"三项制度" 标题:法治');
    expect(qs[4].get('q')).toBe('三项制度');
  });

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
