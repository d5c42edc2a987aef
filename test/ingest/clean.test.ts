import { describe, expect, it } from 'vitest';
import { cleanText, dropRepeats, isBrokenLine } from '../../src/ingest/clean.js';
import { cnNumber, parseDate, titleYear } from '../../src/ingest/dates.js';
import { docNumberFrom, issuerFromTitle, titleFromBody } from '../../src/ingest/metadata.js';
import { docId } from '../../src/ingest/ids.js';

const clean = (s: string, title?: string) => cleanText(s, { title }).paragraphs;

describe('cleanText', () => {
  it.each<[string, string, string[]]>([
    ['word broken by a hard line break (seed 002)', '一是领导干部带头学法用法，学习习\n近平法治思想武装头脑。', ['一是领导干部带头学法用法，学习习近平法治思想武装头脑。']],
    ['word broken across a blank line (seed 003)', '（一）健全法治组织体系。领导小组下设办公室，具\n\n体负责卫健系统法治建设日常工作。', ['（一）健全法治组织体系。领导小组下设办公室，具体负责卫健系统法治建设日常工作。']],
    ['headings stay apart from their body', '一、主要举措和成效\n（一）强化法治建设组织保障\n委主要领导严格落实。', ['一、主要举措和成效', '（一）强化法治建设组织保障', '委主要领导严格落实。']],
    ['Markdown and converter artifacts', '## 新县卫生健康委员会 关于2021年工作情况的 报 告\n\n**（二）制订计划。**紧密结合实际。\n\n---\n[bookmark: _GoBack]（三）加强监管。', ['新县卫生健康委员会关于2021年工作情况的报告', '（二）制订计划。紧密结合实际。', '（三）加强监管。']],
    ['font-size widget and print links', '下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n正文第一段。', ['正文第一段。']],
    ['breadcrumb', '首页\n>\n政务信息\n>\n宁夏要闻\n正文。', ['正文。']],
    ['source and time stamps', '来源：解放日报\n时间：2026-02-09\n2026-02-03 09:02:33\n来源:\n四川日报\n正文。', ['正文。']],
    ['photo captions', '殷勇同志作政府工作报告。本报记者 戴冰摄\n省长赵刚作政府工作报告\n正文。', ['正文。']],
    ['a title with 工作报告 is not a caption', '2026年政府工作报告\n正文。', ['2026年政府工作报告', '正文。']],
  ])('%s', (_, raw, expected) => {
    expect(clean(raw)).toEqual(expected);
  });

  it('cuts the page tail from the first 相关报道/收藏/首页 on', () => {
    const body = '正文第一段，内容足够长以占据文本的大部分篇幅，确保尾部标记出现在后半部分。'.repeat(3);
    expect(clean(`${body}\n附件:\n查看详情》\n相关推荐\n招投标大数据\n收藏\n首页\n最近搜索\n热门搜索`)).toEqual([body]);
    expect(clean(`${body}\n相关报道：`)).toEqual([body]);
  });

  it('keeps one copy of a repeated body and of a repeated title', () => {
    const paras = ['题目', '题目', 'A'.repeat(120) + '。', 'B'.repeat(90) + '。', 'C'.repeat(30) + '。', '附件:', 'A'.repeat(120) + '。', 'B'.repeat(90) + '。', 'C'.repeat(30) + '。'];
    expect(dropRepeats(paras)).toEqual(['题目', 'A'.repeat(120) + '。', 'B'.repeat(90) + '。', 'C'.repeat(30) + '。', '附件:']);
    expect(dropRepeats(['（一）小标题', '正文甲。', '（一）小标题', '正文乙。'])).toEqual(['（一）小标题', '正文甲。', '（一）小标题', '正文乙。']);
  });

  it('drops navigation lines before a known title', () => {
    expect(clean('您的位置:\n云南要闻\n云南要闻\n2026年政府工作报告\n正文。', '2026年政府工作报告')).toEqual(['2026年政府工作报告', '正文。']);
  });

  it('does not glue a title to the first sentence', () => {
    expect(isBrokenLine('关于2023年法治政府建设情况的报告', '2023年，市卫生健康委坚持')).toBe(false);
    expect(isBrokenLine('达州市卫生健康委员会', '关于2023年法治政府建设情况的报告')).toBe(false);
  });

  it('is linear: a 2 MB text cleans in well under a second', () => {
    const raw = ('一、标题\n（一）小标题\n' + '这是正文，内容很长但是没有换行问题。'.repeat(20) + '\n\n').repeat(2000);
    const t0 = performance.now();
    const r = cleanText(raw);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.paragraphs.length).toBe(3); // the repeated block is a scraped repeat: kept once
  });
});

describe('dates, years, titles and document numbers', () => {
  it.each([
    ['2025-04-07 16:37:24', '2025-04-07'],
    ['二〇二四年一月八日', '2024-01-08'],
    ['二〇二六年一月二十七日在甘肃省', '2026-01-27'],
    ['2026年02月10日 07时41分', '2026-02-10'],
    ['2026/2/3', '2026-02-03'],
    ['2023年2月30日', null],
    ['2024年', null],
  ])('parseDate(%s)', (s, iso) => expect(parseDate(s)).toBe(iso));

  it('reads the year a title is about', () => {
    expect(titleYear('关于2023年法治政府建设情况的报告')).toBe(2023);
    expect(titleYear('2026年政府工作报告')).toBe(2026);
    expect(titleYear('法治政府建设实施纲要（2021-2025年）')).toBeNull();
    expect(titleYear('二〇二二年度工作总结')).toBe(2022);
    expect(cnNumber('三十一')).toBe(31);
  });

  it('finds titles, issuers and document numbers', () => {
    expect(titleFromBody(['达州市卫生健康委员会', '关于2023年法治政府建设情况的报告', '2023年，市卫生健康委坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央决策部署。'])).toEqual({
      title: '达州市卫生健康委员会关于2023年法治政府建设情况的报告',
      span: [0, 2],
    });
    expect(titleFromBody(['新县卫生健康委员会文件', '新卫〔2022〕12号', '新县卫生健康委员会关于2021年工作情况的报告'])?.title).toBe('新县卫生健康委员会关于2021年工作情况的报告');
    expect(issuerFromTitle('锡盟卫生健康委 2024年卫生健康法治建设工作报告')).toBe('锡盟卫生健康委');
    expect(issuerFromTitle('2026年上海市政府工作报告')).toBeNull();
    expect(docNumberFrom('新卫[2022]12号')).toBe('新卫〔2022〕12号');
    expect(docNumberFrom('国发（2021）第7号')).toBe('国发〔2021〕7号');
  });

  it('builds readable, URL-safe ids', () => {
    expect(docId('seeds/000_abd99ba7655eaa30.txt')).toBe('seeds-000_abd99ba7655eaa30');
    expect(docId('provincial-2026/2026_上海市_政府工作报告.csv', 'r1')).toBe('provincial-2026-2026_上海市_政府工作报告-r1');
    expect(docId('a b/报告 (终稿)#1.md')).toBe('a_b-报告_终稿_1');
  });
});
