import { describe, expect, it } from 'vitest';
import { findRegions, isCentralBody, regionFromParts, regionFromPath, resolveRegionIn } from '../../src/ingest/gazetteer.js';

describe('resolveRegionIn', () => {
  it.each([
    ['湟中区卫生健康局', { province: '青海省', city: '西宁市', county: '湟中区', code: '630106' }],
    ['锡盟卫生健康委', { province: '内蒙古自治区', city: '锡林郭勒盟', county: null, code: '152500' }],
    ['新县卫生健康委员会', { province: '河南省', city: '信阳市', county: '新县', code: '411523' }],
    ['上海市松江区卫生健康委员会', { province: '上海市', city: null, county: '松江区', code: '310117' }],
    ['达州市卫生健康委员会', { province: '四川省', city: '达州市', county: null, code: '511700' }],
    ['福州市鼓楼区人民政府', { province: '福建省', city: '福州市', county: '鼓楼区', code: '350102' }],
    ['黔东南州人民政府', { province: '贵州省', city: '黔东南苗族侗族自治州', county: null, code: '522600' }],
    ['济源市人民政府', { province: '河南省', city: null, county: '济源市', code: '419001' }],
  ])('%s', (text, region) => {
    expect(resolveRegionIn(text)).toEqual(region);
  });

  it('never matches a short name inside another word', () => {
    expect(resolveRegionIn('推动创新县域经济发展')).toBeNull();
    expect(findRegions('创新县域').map((m) => m.text)).toEqual([]);
    expect(findRegions('信阳市新县').map((m) => m.text)).toEqual(['信阳市', '新县']);
  });

  it('settles a duplicate county name from context, or keeps only what is certain', () => {
    expect(resolveRegionIn('鼓楼区卫生健康局')).toBeNull();
    expect(resolveRegionIn('鼓楼区卫生健康局', '福建省福州市……鼓楼区')).toMatchObject({ city: '福州市', county: '鼓楼区' });
    expect(resolveRegionIn('鼓楼区卫生健康局', '江苏省徐州市')).toMatchObject({ city: '徐州市', code: '320302' });
  });

  it('is fast: a 20,000-character report in well under 10 ms', () => {
    const text = '按照西宁市湟中区的要求，全面推进法治政府建设，创新县域治理。'.repeat(700);
    resolveRegionIn('warm-up');
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) findRegions(text);
    expect((performance.now() - t0) / 20).toBeLessThan(10);
  });
});

describe('central bodies and explicit parts', () => {
  it('knows central bodies by the start of an issuer or title', () => {
    expect(isCentralBody('国务院关于2023年度国有资产管理情况的综合报告')).toBe(true);
    expect(isCentralBody('全国人民代表大会常务委员会')).toBe(true);
    expect(isCentralBody('中共中央办公厅')).toBe(true);
    expect(isCentralBody('达州市人民政府贯彻国务院部署')).toBe(false);
  });

  it('resolves dataset columns and sidecar paths to canonical names', () => {
    expect(regionFromParts({ province: '内蒙古' })).toEqual({ province: '内蒙古自治区', city: null, county: null, code: '150000' });
    expect(regionFromParts({ province: '四川', city: '达州' })).toEqual({ province: '四川省', city: '达州市', county: null, code: '511700' });
    expect(regionFromParts({ county: '湟中区' })).toEqual({ province: '青海省', city: '西宁市', county: '湟中区', code: '630106' });
    expect(regionFromParts({ province: '全国' })).toEqual({ province: '全国', city: null, county: null, code: null });
    expect(regionFromPath('上海市/松江区')).toEqual({ province: '上海市', city: null, county: '松江区', code: '310117' });
    expect(regionFromParts({ province: '火星' })).toBeNull();
  });
});
