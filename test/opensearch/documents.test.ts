/**
 * From a ReportDocument to the OpenSearch document, and the template's names: pure
 * functions, no node needed.
 */
import { describe, expect, it } from 'vitest';
import { normalize, words } from '../../src/analyze/analyzer.js';
import { calendarDate, dateNumber, joinWords, regionLevels, regionPath, toOpenSearchReport } from '../../src/backends/opensearch/documents.js';
import { aliasSwap, INDEX_PREFIX, INDEX_TEMPLATE, indexNameFor } from '../../src/backends/opensearch/template.js';
import type { Region, ReportDocument } from '../../src/types.js';

const r = (province: string | null, city: string | null, county: string | null): Region => ({ province, city, county, code: null });

describe('regionPath', () => {
  it.each([
    [r('青海省', '西宁市', '湟中区'), '青海省/西宁市/湟中区', 'county'],
    [r('青海省', '西宁市', null), '青海省/西宁市', 'city'],
    [r('青海省', null, null), '青海省', 'province'],
    [r('上海市', null, '松江区'), '上海市/松江区', 'county'],
    [r('全国', null, null), '全国', 'national'],
    [r(null, null, null), null, null],
  ])('%o → %s (%s)', (region, path, level) => {
    expect(regionPath(region)).toEqual({ path, level });
  });

  it('keeps the delimiter out of a name, so a level cannot be invented', () => {
    expect(regionPath(r('A/B', null, null)).path).toBe('A／B');
  });
});

describe('regionLevels and dateNumber: the keys the engine sorts, filters and counts by', () => {
  it.each([
    [r('青海省', '西宁市', '湟中区'), ['青海省', '青海省/西宁市', '青海省/西宁市/湟中区']],
    [r('青海省', null, null), ['青海省', '青海省', '青海省']],
    [r('上海市', null, '松江区'), ['上海市', '上海市/松江区', '上海市/松江区']],
    [r('全国', null, null), ['全国', '全国', '全国']],
    [r(null, null, null), [null, null, null]],
  ])('%o → %j', (region, levels) => {
    expect(regionLevels(region)).toEqual(levels);
  });

  it('reads dates as the local engine does (yyyymmdd, null when absent or unreadable)', () => {
    expect(dateNumber('2025-04-07')).toBe(20250407);
    expect(dateNumber(null)).toBeNull();
    expect(dateNumber('2025年4月')).toBeNull();
  });

  it('keeps out of the date field what strict_date would refuse (the engine sorts by date_key, as the local one)', () => {
    expect(calendarDate('2024-02-29')).toBe('2024-02-29');
    expect(calendarDate('2023-02-29')).toBeNull();
    expect(calendarDate('2025年4月7日')).toBeNull();
    expect(calendarDate(null)).toBeNull();
  });
});

describe('joinWords', () => {
  it('joins with single spaces and splits a word that holds whitespace', () => {
    expect(joinWords(['法治', 'hello world', '', '2021'])).toBe('法治 hello world 2021');
  });
});

describe('toOpenSearchReport', () => {
  const doc: ReportDocument = {
    id: 'qinghai-2021',
    path: 'qinghai/2021.txt',
    title: '湟中區２０２１年法治政府建設報告',
    issuer: '湟中区人民政府',
    region: { province: '青海省', city: '西宁市', county: '湟中区', code: '630106' },
    year: 2021,
    date: '2022-01-15',
    docNumber: '湟政〔2022〕1号',
    sourceUrl: null,
    sources: {},
    text: '一、推進依法行政\n全面推行ＡＢＣ三項制度。',
    warnings: [],
  };

  it('indexes the normalised text, keeps the original beside it at the same length, and the jieba words', () => {
    const os = toOpenSearchReport(doc, '法治政府建设报告');
    expect(os.text).toBe(normalize(doc.text));
    expect(os.text).toBe('一、推进依法行政\n全面推行abc三项制度。');
    expect(os.original).toBe(doc.text);
    expect(os.original.length).toBe(os.text.length);
    expect(os.title).toBe('湟中区2021年法治政府建设报告');
    expect(os.words.split(' ')).toEqual(words(os.text));
    expect(os.title_words.split(' ')).toEqual(words(os.title));
    expect(os).toMatchObject({
      region_path: '青海省/西宁市/湟中区',
      region_code: '630106',
      level: 'county',
      year: 2021,
      date: '2022-01-15',
      issuer: '湟中区人民政府',
      type: '法治政府建设报告',
      doc_number: '湟政〔2022〕1号',
    });
  });

  it('has exactly the fields the template maps (dynamic: strict refuses any other)', () => {
    const mapped = Object.keys(INDEX_TEMPLATE.template.mappings.properties).sort();
    expect(Object.keys(toOpenSearchReport(doc)).sort()).toEqual(mapped);
  });
});

describe('index names and alias swaps', () => {
  it('names a build index after its time, inside the template pattern', () => {
    const name = indexNameFor(new Date('2026-12-01T15:04:05Z'));
    expect(name).toBe('report-search-20261201t150405000');
    expect(name.startsWith(INDEX_PREFIX)).toBe(true);
    expect(INDEX_TEMPLATE.index_patterns).toEqual([`${INDEX_PREFIX}*`]);
  });

  it('moves the alias in one call: every old index removed, the new one added', () => {
    expect(aliasSwap('report-search', 'report-search-2', ['report-search-1', 'report-search-2'])).toEqual({
      actions: [
        { remove: { index: 'report-search-1', alias: 'report-search' } },
        { add: { index: 'report-search-2', alias: 'report-search', is_write_index: true } },
      ],
    });
  });
});
