/**
 * Metadata rules that must generalise to reports the project has never seen:
 * national documents with or without the country's name, people's congress and
 * CPPCC sessions at every level, party congress reports, Traditional titles,
 * and a year inferred from the text when nothing states it. None of these
 * examples is in data/: each row is a title and the first lines of a report
 * as such documents are written, run through the real ingest path.
 */
import { describe, expect, it } from 'vitest';
import { buildDocument } from '../../src/ingest/index.js';
import { cppccSessionYear, findSession, npcSessionYear, npcTermStart, PARTY_CONGRESS_YEARS } from '../../src/ingest/congress.js';
import { isCentralBody } from '../../src/ingest/gazetteer.js';
import type { ReportDocument } from '../../src/types.js';

const regionPath = (d: ReportDocument) => [d.region.province, d.region.city, d.region.county].filter(Boolean).join('/');

function ingest(lines: string[]): ReportDocument {
  const r = buildDocument(lines.join('\n'), { relPath: 'unseen/report.txt' });
  if ('reason' in r) throw new Error(r.reason);
  return r.doc;
}

const BODY = '过去一年，我们坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，经济社会发展主要目标任务圆满完成。';

/** [what it is, lines of the report, region, year, issuer]. */
type Row = [string, string[], string, number | null, string | null];

const ROWS: Row[] = [
  // National documents, with and without the country's name
  ['national work report with the country prefix', ['2025年中华人民共和国国务院政府工作报告', '各位代表：', BODY], '全国', 2025, '中华人民共和国国务院'],
  ['national work report without a prefix', ['2019年国务院政府工作报告', BODY], '全国', 2019, '国务院'],
  ['national work report titled only 政府工作报告', ['政府工作报告', '——2019年3月5日在第十三届全国人民代表大会第二次会议上', '国务院总理 李克强', '各位代表：', '现在，我代表国务院，向大会报告政府工作，请予审议，并请全国政协各位委员提出意见。'], '全国', 2019, '国务院'],
  ['a State Council notice with the country prefix', ['中华人民共和国国务院关于加强数字政府建设的指导意见', BODY], '全国', null, '中华人民共和国国务院'],
  ['a ministry report', ['中华人民共和国审计署关于2023年度中央预算执行和其他财政收支的审计工作报告', BODY], '全国', 2023, '中华人民共和国审计署'],
  // NPC sessions across decades (year from the session table)
  ['NPC resolution, 13th NPC 2nd session', ['第十三届全国人民代表大会第二次会议关于政府工作报告的决议', '（2019年3月15日第十三届全国人民代表大会第二次会议通过）', '第十三届全国人民代表大会第二次会议听取和审议了国务院总理李克强所作的政府工作报告。'], '全国', 2019, '第十三届全国人民代表大会第二次会议'],
  ['NPC resolution, 1st NPC 1st session', ['第一届全国人民代表大会第一次会议关于政府工作报告的决议', '会议批准周恩来总理代表中央人民政府所作的政府工作报告。'], '全国', 1954, '第一届全国人民代表大会第一次会议'],
  ['NPC resolution, 2nd NPC 3rd session (no session in 1961)', ['第二届全国人民代表大会第三次会议关于政府工作报告的决议', '会议听取了政府工作报告。'], '全国', 1962, '第二届全国人民代表大会第三次会议'],
  ['NPC, 3rd NPC 1st session', ['第三届全国人民代表大会第一次会议关于政府工作报告的决议', '会议听取了政府工作报告。'], '全国', 1964, '第三届全国人民代表大会第一次会议'],
  ['NPC, 5th NPC 5th session', ['第五届全国人民代表大会第五次会议关于第六个五年计划的决议', '会议审查了第六个五年计划。'], '全国', 1982, '第五届全国人民代表大会第五次会议'],
  ['NPC, 8th NPC 4th session', ['第八届全国人民代表大会第四次会议关于国民经济和社会发展“九五”计划的决议', '会议审查了计划纲要。'], '全国', 1996, '第八届全国人民代表大会第四次会议'],
  ['NPC, 14th NPC 3rd session, abbreviated', ['十四届全国人大三次会议关于政府工作报告的决议', '会议充分肯定国务院过去一年的工作。'], '全国', 2025, '十四届全国人大三次会议'],
  ['NPC standing committee work report (year from its date)', ['全国人民代表大会常务委员会工作报告', '——2021年3月8日在第十三届全国人民代表大会第四次会议上', '各位代表：', BODY], '全国', 2021, '全国人民代表大会常务委员会'],
  // CPPCC
  ['CPPCC national committee resolution', ['中国人民政治协商会议第十二届全国委员会第五次会议关于常务委员会工作报告的决议', '会议审议通过了常务委员会工作报告。'], '全国', 2017, '中国人民政治协商会议第十二届全国委员会第五次会议'],
  ['CPPCC 2nd national committee, 1956', ['中国人民政治协商会议第二届全国委员会第二次全体会议关于常务委员会工作报告的决议', '会议同意常务委员会的工作报告。'], '全国', 1956, '中国人民政治协商会议第二届全国委员会第二次全体会议'],
  ['provincial CPPCC work report', ['中国人民政治协商会议湖北省委员会常务委员会工作报告', '——2024年1月22日在政协湖北省第十三届委员会第二次会议上', '各位委员：', BODY], '湖北省', 2024, '中国人民政治协商会议湖北省委员会常务委员会'],
  // Provincial, city and county congresses (year from the text's dates)
  ['provincial people’s congress resolution', ['湖北省第十四届人民代表大会第二次会议关于湖北省人民政府工作报告的决议', '（2024年1月25日湖北省第十四届人民代表大会第二次会议通过）', '湖北省第十四届人民代表大会第二次会议听取和审议了政府工作报告。'], '湖北省', 2024, '湖北省第十四届人民代表大会第二次会议'],
  ['city people’s congress resolution', ['苏州市第十七届人民代表大会第三次会议关于政府工作报告的决议', '（2023年1月15日苏州市第十七届人民代表大会第三次会议通过）', '会议同意报告提出的今年工作安排。'], '江苏省/苏州市', 2023, '苏州市第十七届人民代表大会第三次会议'],
  ['county people’s congress resolution', ['红安县第十八届人民代表大会第四次会议关于县人民政府工作报告的决议', '（2020年12月30日红安县第十八届人民代表大会第四次会议通过）', '会议同意报告。'], '湖北省/黄冈市/红安县', 2020, '红安县第十八届人民代表大会第四次会议'],
  ['county work report at a county session', ['政府工作报告', '——2022年1月6日在和县第十七届人民代表大会第一次会议上', '县长 张三', '各位代表：', '现在，我代表县人民政府，向大会报告工作，请予审议。'], '安徽省/马鞍山市/和县', 2022, '和县人民政府'],
  // Party congresses
  ['9th national party congress report', ['在中国共产党第九次全国代表大会上的报告', '同志们：', '中国共产党第九次全国代表大会，将是我们党的历史上一次具有深远影响的大会。'], '全国', 1969, null],
  ['20th national party congress report', ['高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗', '——在中国共产党第二十次全国代表大会上的报告', '同志们：', BODY], '全国', 2022, null],
  ['provincial party congress report', ['在中国共产党湖北省第十二次代表大会上的报告', '——2022年6月20日', '同志们：', BODY], '湖北省', 2022, null],
  ['county party congress report', ['在中国共产党麻城市第十五次代表大会上的报告', '（2021年9月26日）', '同志们：', BODY], '湖北省/黄冈市/麻城市', 2021, null],
  // Traditional titles
  ['Traditional NPC resolution', ['第十三屆全國人民代表大會第二次會議關於政府工作報告的決議', '會議聽取和審議了國務院總理所作的政府工作報告。'], '全国', 2019, '第十三屆全國人民代表大會第二次會議'],
  ['Traditional party congress report', ['在中國共產黨第十五次全國代表大會上的報告', '同志們：'], '全国', 1997, null],
  ['Traditional provincial work report', ['2023年廣東省政府工作報告', '各位代表：', BODY], '广东省', 2023, '廣東省人民政府'],
  ['party Central Committee proposal (a plenary session, dated in the text)', ['中共中央关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议', '（2020年10月29日中国共产党第十九届中央委员会第五次全体会议通过）', BODY], '全国', 2020, '中共中央'],
  ['city CPPCC resolution', ['政协武汉市第十四届委员会第三次会议关于常务委员会工作报告的决议', '（2024年1月7日政协武汉市第十四届委员会第三次会议通过）', '会议同意常务委员会工作报告。'], '湖北省/武汉市', 2024, '政协武汉市第十四届委员会第三次会议'],
  ['CPPCC national session, abbreviated', ['全国政协十三届二次会议关于常务委员会工作报告的决议', '会议充分肯定常务委员会过去一年的工作。'], '全国', 2019, '全国政协十三届二次会议'],
  // A year nothing states: the year the text reports on
  ['report without a year in its title', ['黄冈市审计局关于法治政府建设情况的报告', '2023年，市审计局坚持以习近平新时代中国特色社会主义思想为指导，深入推进依法审计。', '一、主要工作', '截至2023年底，共完成审计项目42个。', '黄冈市审计局', '2024年1月10日'], '湖北省/黄冈市', 2023, '黄冈市审计局'],
  ['a range and a target are not the year reported on', ['滁州市司法局工作总结', '为落实《2021-2025年法治政府建设规划》，到2025年基本建成法治政府，2022年我局重点推进了三项工作。'], '安徽省/滁州市', 2022, '滁州市司法局'],
];

describe('metadata rules on unseen reports', () => {
  it('has at least 25 rows', () => expect(ROWS.length).toBeGreaterThanOrEqual(25));

  it.each(ROWS)('%s', (_what, lines, region, year, issuer) => {
    const d = ingest(lines);
    expect({ region: regionPath(d), year: d.year, issuer: d.issuer }).toEqual({ region, year, issuer });
  });

  it('marks an inferred year as inferred and says why', () => {
    const d = ingest(ROWS.find((r) => r[0] === 'report without a year in its title')![1]);
    expect(d.sources.year).toBe('inferred');
    expect(d.warnings.some((w) => w.includes('年份 2023 是根据正文推断的') && w.includes('2023年，市审计局'))).toBe(true);
    // A year that a title or a session states is not marked.
    expect(ingest(ROWS[5][1]).sources.year).toBe('title');
  });

  it('keeps a Traditional title as written', () => {
    const d = ingest(ROWS.find((r) => r[0] === 'Traditional NPC resolution')![1]);
    expect(d.title).toBe('第十三屆全國人民代表大會第二次會議關於政府工作報告的決議');
  });
});

describe('session year tables', () => {
  it('knows every NPC term start from 1954 on', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map(npcTermStart)).toEqual([1954, 1959, 1964, 1975, 1978, 1983, 1988, 1993, 1998, 2003, 2008, 2013, 2018, 2023]);
  });

  it('dates sessions, including the irregular early ones', () => {
    expect(npcSessionYear(1, 5)).toBe(1958);
    expect(npcSessionYear(2, 2)).toBe(1960);
    expect(npcSessionYear(2, 3)).toBe(1962);
    expect(npcSessionYear(3, 2)).toBeNull();
    expect(npcSessionYear(4, 1)).toBe(1975);
    expect(npcSessionYear(5, 2)).toBe(1979);
    expect(npcSessionYear(10, 1)).toBe(2003);
    expect(npcSessionYear(12, 5)).toBe(2017);
    expect(npcSessionYear(14, 1)).toBe(2023);
    expect(npcSessionYear(13, 6)).toBeNull();
    expect(cppccSessionYear(13, 2)).toBe(2019);
    expect(cppccSessionYear(4, 1)).toBe(1964);
    expect(cppccSessionYear(5, 1)).toBe(1978);
  });

  it('dates party congresses', () => {
    expect(Object.keys(PARTY_CONGRESS_YEARS)).toHaveLength(20);
    expect([7, 8, 11, 12, 16, 18, 19, 20].map((n) => PARTY_CONGRESS_YEARS[n])).toEqual([1945, 1956, 1977, 1982, 2002, 2012, 2017, 2022]);
  });

  it('finds sessions as titles write them', () => {
    expect(findSession('十三届全国人大二次会议')).toMatchObject({ kind: 'npc', national: true, term: 13, meeting: 2, year: 2019 });
    expect(findSession('全国政协十四届二次会议')).toMatchObject({ kind: 'cppcc', national: true, year: 2024 });
    expect(findSession('党的十九大报告')).toMatchObject({ kind: 'party', national: true, year: 2017 });
    expect(findSession('在中国共产党湖北省第十二次代表大会上的报告')).toMatchObject({ kind: 'party', national: false, place: '湖北省', term: 12, year: null });
    expect(findSession('第十三届全国人民代表大会常务委员会第十次会议')).toMatchObject({ standing: true, year: null });
    expect(findSession('关于法治政府建设情况的报告')).toBeNull();
  });

  it('recognises central bodies with or without the country name', () => {
    expect(isCentralBody('中华人民共和国国务院')).toBe(true);
    expect(isCentralBody('2025年中华人民共和国国务院政府工作报告')).toBe(true);
    expect(isCentralBody('第十三届全国人民代表大会第二次会议')).toBe(true);
    expect(isCentralBody('中华人民共和国审计署')).toBe(true);
    expect(isCentralBody('湖北省人民政府')).toBe(false);
  });
});
