/** The queries of the golden test, and what it reads from the pages. */
import type { CheerioAPI } from 'cheerio';

export interface GoldenCase {
  params: Array<[string, string | number]>;
}

const q = (s: string, ...rest: Array<[string, string | number]>): GoldenCase => ({ params: [['q', s], ...rest] });

export const GOLDEN_CASES: GoldenCase[] = [
  q('三项制度'),
  q('"三项制度"'),
  q('行政执法公示'),
  q('行政执法 公示'),
  q('法治政府'),
  q('法治政府', ['page', 2]),
  q('法治政府', ['sort', 'date-asc']),
  q('法治政府', ['sort', 'date-desc'], ['size', 5]),
  q('湟中'),
  q('新县'),
  q('重大行政决策'),
  q('营商环境', ['region', '四川省']),
  q('营商环境', ['region', '青海省'], ['region', '四川省']),
  q('发展', ['year', 2024]),
  q('发展', ['year', 2026], ['region', '广东省']),
  q('法律顾问 OR 公职律师'),
  q('法治政府 -双随机'),
  q('-双随机'),
  q('标题:法治'),
  q('标题:"政府工作报告" 营商'),
  q('共產黨'),
  q('ＡＢＣ'),
  q('互联网+'),
  q('2025'),
  q('人工智能'),
  q('乡村振兴 产业'),
  q('卫生健康'),
  q('法'),
  q('科技创新 OR 新质生产力', ['size', 20]),
  q('"法治 政府"'),
  q('三项制度，'),
  q('《法治政府建设实施纲要》'),
  q('卫生 -法治', ['region', '上海市']),
  { params: [['region', '内蒙古自治区']] },
  { params: [['year', 2024]] },
];

/** The hits of a search page: ids from the links, passage HTML, match counts. */
export function pageHits($: CheerioAPI) {
  return $('li.hit')
    .map((_, el) => ({
      href: $(el).find('.hit-title a').attr('href'),
      matches: $(el).find('.matches').text(),
      passages: $(el)
        .find('.passage')
        .map((_, p) => ({ href: $(p).attr('href'), html: $(p).find('.passage-text').html() }))
        .get(),
    }))
    .get();
}

/** The marked paragraphs of a report page: anchor and the marked texts. */
export function reportMarks($: CheerioAPI) {
  return $('[id^="p-"]')
    .filter((_, el) => $(el).find('mark').length > 0)
    .map((_, el) => ({ anchor: $(el).attr('id'), marks: $(el).find('mark').map((_, m) => $(m).text()).get() }))
    .get();
}
