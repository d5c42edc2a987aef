/**
 * The 36 real reports of test/fixtures/corpus, read as a careful human would:
 * seeds from their README, provincial reports from their columns and text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { IngestResult, ReportDocument } from '../../src/types.js';
import { ingestFolder } from '../../src/ingest/index.js';

const CORPUS = 'test/fixtures/corpus';
let result: IngestResult;
const byPath = (p: string): ReportDocument => {
  const d = result.docs.find((x) => x.path === p);
  if (!d) throw new Error(`no document for ${p}`);
  return d;
};

beforeAll(async () => {
  result = await ingestFolder(CORPUS);
}, 60_000);

type Row = [path: string, title: string, issuer: string, region: string, year: number, date: string | null, docNumber: string | null];

const SEEDS: Row[] = [
  ['seeds/000_abd99ba7655eaa30.txt', '锡盟卫生健康委 2024年卫生健康法治建设工作报告', '锡盟卫生健康委', '内蒙古自治区/锡林郭勒盟', 2024, '2025-04-07', null],
  ['seeds/001_9142c4c7e365e737.txt', '达州市卫生健康委员会关于2023年法治政府建设情况的报告', '达州市卫生健康委员会', '四川省/达州市', 2023, '2024-01-08', null],
  ['seeds/002_2bba1cb4cd6e5587.txt', '湟中区卫生健康局2024年法治政府建设情况报告', '湟中区卫生健康局', '青海省/西宁市/湟中区', 2024, null, null],
  ['seeds/003_80ca85fa625d7763.txt', '新县卫生健康委员会关于2021年法治政府建设工作情况的报告', '新县卫生健康委员会', '河南省/信阳市/新县', 2021, '2022-02-25', '新卫〔2022〕12号'],
  ['seeds/004_8c958e78da1e36e1.txt', '上海市松江区卫生健康委员会2022年法治政府建设情况报告', '上海市松江区卫生健康委员会', '上海市/松江区', 2022, null, null],
];

/** [province, title as the dataset gives it, publish_date]. */
const PROVINCES: Array<[string, string, string]> = [
  ['上海市', '2026年上海市政府工作报告', '2026-02-09'],
  ['云南省', '2026年政府工作报告', '2026-02-03'],
  ['内蒙古自治区', '2026年内蒙古自治区政府工作报告', '2026-02-12'],
  ['北京市', '2026年北京市政府工作报告', '2026-02-02'],
  ['吉林省', '2026年吉林省政府工作报告', '2026-02-01'],
  ['四川省', '2026年四川省人民政府工作报告', '2026-02-25'],
  ['天津市', '2026年天津市政府工作报告', '2026-02-03'],
  ['宁夏回族自治区', '2026年宁夏回族自治区政府工作报告', '2026-02-09'],
  ['安徽省', '2026年安徽省政府工作报告', '2026-02-11'],
  ['山东省', '2026年山东省政府工作报告', '2026-02-01'],
  ['山西省', '2026年山西省政府工作报告', '2026-02-09'],
  ['广东省', '2026年广东省政府工作报告', '2026-01-31'],
  ['广西壮族自治区', '2026年广西壮族自治区政府工作报告', '2026-02-07'],
  ['新疆维吾尔自治区', '2026年新疆维吾尔自治区政府工作报告', '2026-02-12'],
  ['江苏省', '2026年江苏省政府工作报告', '2026-02-09'],
  ['江西省', '2026年江西省政府工作报告', '2026-02-05'],
  ['河北省', '2026年河北省政府工作报告', '2026-02-02'],
  ['河南省', '2026年河南省政府工作报告', '2026-02-03'],
  ['浙江省', '2026年浙江省政府工作报告', '2026-01-22'],
  ['海南省', '2026年海南省政府工作报告', '2026-02-02'],
  ['湖北省', '2026年湖北省政府工作报告', '2026-02-05'],
  ['湖南省', '2026年湖南省政府工作报告', '2026-02-24'],
  ['甘肃省', '2026年甘肃省政府工作报告', '2026-02-10'],
  ['福建省', '2026年福建省政府工作报告', '2026-02-06'],
  ['西藏自治区', '2026年西藏自治区政府工作报告', '2026-02-12'],
  ['贵州省', '2026年贵州省政府工作报告', '2026-02-02'],
  ['辽宁省', '2026年辽宁省政府工作报告', '2026-02-01'],
  ['重庆市', '2026年重庆市政府工作报告', '2026-02-03'],
  ['陕西省', '陕西省2026年政府工作报告', '2026-02-02'],
  ['青海省', '2026年青海省政府工作报告', '2026-01-31'],
  ['黑龙江省', '2026年黑龙江省政府工作报告', '2026-02-26'],
];

const ROWS: Row[] = [
  ...SEEDS,
  ...PROVINCES.map(([p, title, date]): Row => [`provincial-2026/2026_${p}_政府工作报告.csv`, title, `${p}人民政府`, p, 2026, date, null]),
];

const regionPath = (d: ReportDocument) => [d.region.province, d.region.city, d.region.county].filter(Boolean).join('/');

describe('the 36 real reports', () => {
  it('are all ingested, none skipped, no duplicates', () => {
    expect(result.found).toBe(36);
    expect(result.docs).toHaveLength(36);
    expect(result.skipped).toEqual([]);
    expect(result.duplicates).toEqual([]);
  });

  it.each(ROWS)('%s', (path, title, issuer, region, year, date, docNumber) => {
    const d = byPath(path);
    expect({ title: d.title, issuer: d.issuer, region: regionPath(d), year: d.year, date: d.date, docNumber: d.docNumber }).toEqual({
      title,
      issuer,
      region,
      year,
      date,
      docNumber,
    });
  });

  it('resolves regions to GB/T 2260 codes', () => {
    expect(byPath(SEEDS[2][0]).region.code).toBe('630106');
    expect(byPath(SEEDS[3][0]).region.code).toBe('411523');
    expect(byPath(SEEDS[4][0]).region).toEqual({ province: '上海市', city: null, county: '松江区', code: '310117' });
    expect(byPath(SEEDS[0][0]).region.code).toBe('152500');
    expect(byPath('provincial-2026/2026_云南省_政府工作报告.csv').region).toEqual({ province: '云南省', city: null, county: null, code: '530000' });
  });

  it('says where each field came from', () => {
    expect(byPath(SEEDS[0][0]).sources).toEqual({ title: 'header', issuer: 'title', region: 'title', year: 'title', date: 'header' });
    expect(byPath(SEEDS[1][0]).sources).toEqual({ title: 'body', issuer: 'title', region: 'title', year: 'title', date: 'signature' });
    expect(byPath(SEEDS[3][0]).sources.docNumber).toBe('body');
    const yn = byPath('provincial-2026/2026_云南省_政府工作报告.csv');
    expect(yn.sources).toEqual({ title: 'dataset', issuer: 'dataset', region: 'dataset', year: 'dataset', date: 'dataset', sourceUrl: 'dataset' });
    expect(yn.sourceUrl).toBe('https://www.yn.gov.cn/ywdt/ynyw/202602/t20260203_323801.html');
  });

  it('gives stable, readable ids', () => {
    expect(byPath(SEEDS[0][0]).id).toBe('seeds-000_abd99ba7655eaa30');
    expect(byPath('provincial-2026/2026_上海市_政府工作报告.csv').id).toBe('provincial-2026-2026_上海市_政府工作报告-r1');
    expect(new Set(result.docs.map((d) => d.id)).size).toBe(36);
    expect(result.docs.map((d) => d.path)).toEqual([...result.docs.map((d) => d.path)].sort());
  });
});

describe('cleaned texts', () => {
  const CHROME_SUBSTRINGS = ['【打印】', '【字体', '【字号', '分享到', '查看详情', '最近搜索', '热门搜索', '发送至邮箱', '扫一扫在手机', '[bookmark', '**', '## ', '浏览次数', '您的位置', '当前位置', '打印本页', '关闭窗口'];
  const CHROME_PARAGRAPHS = ['打印', '下载', '全屏', '收藏', '首页', '加大', '还原', '减小', '大', '中', '小', '】', '>', '内容', '分享:', '×', '|', '附件:'];

  it('contain none of the page chrome', () => {
    for (const d of result.docs) {
      for (const s of CHROME_SUBSTRINGS) expect(d.text.includes(s), `${d.path} contains ${s}`).toBe(false);
      for (const p of d.text.split('\n')) {
        expect(CHROME_PARAGRAPHS.includes(p), `${d.path} has paragraph ${p}`).toBe(false);
        // 相关报道 inside a sentence (相关报道总点击量超610亿次) is report text; as a line it heads the page's link list.
        expect(/^(?:相关报道|相关推荐|相关文档|相关链接)/.test(p), `${d.path} has paragraph ${p}`).toBe(false);
      }
    }
  });

  it('are paragraphs joined by single newlines, trimmed and non-empty', () => {
    for (const d of result.docs) {
      for (const p of d.text.split('\n')) {
        expect(p.length).toBeGreaterThan(0);
        expect(p).toBe(p.trim());
      }
    }
  });

  it('keep the body of seed 004 once', () => {
    const t = byPath(SEEDS[4][0]).text;
    const first = '为推进全面依法治国战略';
    expect(t.split(first).length - 1).toBe(1);
    expect(t.split('严把入口关,加强一线执法人员的培训力度').length - 1).toBe(1);
    expect(t.split('\n')[0]).toBe('上海市松江区卫生健康委员会2022年法治政府建设情况报告');
    expect(t.split('\n')[1].startsWith(first)).toBe(true);
    expect(t.endsWith('以制度管人、管事切实到位。')).toBe(true);
  });

  it('join words broken by hard line breaks', () => {
    expect(byPath(SEEDS[2][0]).text).toContain('用习近平法治思想');
    expect(byPath(SEEDS[2][0]).text).toContain('区政府中心工作开展法治宣传教育');
    expect(byPath(SEEDS[3][0]).text).toContain('具体负责');
    expect(byPath(SEEDS[3][0]).text).toContain('重点提高主要负责人');
  });

  it('keep heading boundaries and show a two-line title as one paragraph', () => {
    const p = byPath(SEEDS[1][0]).text.split('\n');
    expect(p[0]).toBe('达州市卫生健康委员会关于2023年法治政府建设情况的报告');
    expect(p[2]).toBe('一、主要举措和成效');
    expect(p.slice(-2)).toEqual(['达州市卫生健康委员会', '2024年1月8日']);
    const p3 = byPath(SEEDS[3][0]).text.split('\n');
    expect(p3.slice(0, 4)).toEqual(['新县卫生健康委员会文件', '新卫〔2022〕12号', '签发人：吴君锋', '新县卫生健康委员会关于2021年法治政府建设工作情况的报告']);
  });

  it('drop the labelled page header of seed 000 but keep its title', () => {
    const p = byPath(SEEDS[0][0]).text.split('\n');
    expect(p[0]).toBe('锡盟卫生健康委 2024年卫生健康法治建设工作报告');
    expect(p[1]).toBe('按照有关文件要求,现将我委卫生健康法治建设工作开展情况总结如下:');
  });

  it('start provincial reports at the title and end them at the last paragraph', () => {
    const sh = byPath('provincial-2026/2026_上海市_政府工作报告.csv').text.split('\n');
    expect(sh.slice(0, 4)).toEqual(['2026年上海市政府工作报告', '——2026年2月3日在上海市第十六届人民代表大会第四次会议上', '上海市市长龚正', '各位代表：']);
    expect(sh[sh.length - 1].startsWith('各位代表，团结凝聚力量')).toBe(true);
    const sx = byPath('provincial-2026/2026_陕西省_政府工作报告.csv').text.split('\n');
    expect(sx[2]).toBe('各位代表：');
    const sc = byPath('provincial-2026/2026_四川省_政府工作报告.csv').text.split('\n');
    expect(sc[sc.length - 1].startsWith('20.“一件事”全链条专项整治')).toBe(true);
  });
});
