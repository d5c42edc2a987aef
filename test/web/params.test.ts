import { describe, expect, it } from 'vitest';
import { ParamError, parseQueryString, parseSearchParams } from '../../src/search/request.js';

const parse = (s: string) => parseSearchParams(parseQueryString(s));

describe('parseQueryString', () => {
  it.each([
    ['q=a', { q: 'a' }],
    ['year=2024&year=2023', { year: ['2024', '2023'] }],
    ['year[]=2024', { year: ['2024'] }],
    ['q[a]=1', { q: { '[a]': '1' } }],
    // qs turns more than 20 repeated values into an object; ours keeps an array
    [Array.from({ length: 25 }, (_, i) => `year=${2000 + i}`).join('&'), { year: Array.from({ length: 25 }, (_, i) => String(2000 + i)) }],
  ])('%s', (input, expected) => {
    expect({ ...parseQueryString(input) }).toEqual(expected);
  });
});

describe('parseSearchParams', () => {
  it('fills defaults: relevance with a query, newest first without', () => {
    expect(parse('q=三项制度')).toEqual({ q: '三项制度', regions: [], years: [], from: null, to: null, issuers: [], types: [], levels: [], match: 'exact', sort: 'relevance', page: 1, size: 10 });
    expect(parse('').sort).toBe('date-desc');
    expect(parse('q=%20%20').q).toBe('');
    expect(parse('q=%20%E6%B3%95%E6%B2%BB%20').q).toBe('法治');
  });

  it('reads repeated regions and years, dropping duplicates and empty values', () => {
    expect(parse('region=四川省&region=%20青海省/西宁市/&region=四川省&year=2024&year=2024&year=&sort=date-asc&page=3&size=100')).toEqual({
      q: '',
      regions: ['四川省', '青海省/西宁市'],
      years: [2024],
      from: null,
      to: null,
      issuers: [],
      types: [],
      levels: [],
      match: 'exact',
      sort: 'date-asc',
      page: 3,
      size: 100,
    });
  });

  it.each([
    ['q=a&q=b', 'q'],
    ['q[x]=1', 'q'],
    ['q[]=1', 'q'],
    ['sort=best', 'sort'],
    ['sort[]=relevance', 'sort'],
    ['year=abc', 'year'],
    ['year=1899', 'year'],
    ['year=2101', 'year'],
    ['year[x]=2024', 'year'],
    ['page=0', 'page'],
    ['page=1e9', 'page'],
    ['page=1001', 'page'],
    ['page=1.5', 'page'],
    ['page=-1', 'page'],
    ['page=%201', 'page'],
    ['size=0', 'size'],
    ['size=101', 'size'],
    ['size=0x10', 'size'],
    ['region[a]=四川省', 'region'],
    ['region=/', 'region'],
    ['from=99', 'from'],
    ['from=1899', 'from'],
    ['to=2024-02-30', 'to'],
    ['to=2024-13-01', 'to'],
    ['from=2024/01/01', 'from'],
    ['level=乡级', 'level'],
    ['match=loose', 'match'],
    ['issuer=' + 'x'.repeat(101), 'issuer'],
    ['type[a]=1', 'type'],
  ])('%s is refused with a Chinese message naming %s', (input, name) => {
    let err: unknown;
    try {
      parse(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParamError);
    expect((err as ParamError).message).toContain(`参数 ${name}`);
    expect((err as ParamError).message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('bounds the number of filter values; every year of the span may be selected', () => {
    expect(() => parse(Array.from({ length: 51 }, (_, i) => `region=r${i}`).join('&'))).toThrow(ParamError);
    expect(parse(Array.from({ length: 72 }, (_, i) => `year=${1954 + i}`).join('&')).years).toHaveLength(72);
    expect(parse(Array.from({ length: 201 }, (_, i) => `year=${1900 + i}`).join('&')).years).toHaveLength(201);
  });

  it('reads a time span (years or dates, reversed ends swapped), filters and the match mode', () => {
    expect(parse('from=2021&to=2023')).toMatchObject({ from: '2021', to: '2023' });
    expect(parse('from=2023&to=2021')).toMatchObject({ from: '2021', to: '2023' });
    expect(parse('from=2021-3-5&to=2024-02-29')).toMatchObject({ from: '2021-03-05', to: '2024-02-29' });
    expect(parse('issuer=国务院&issuer=%20国务院%20&type=政府工作报告&level=省级&level=县级&match=fuzzy')).toMatchObject({
      issuers: ['国务院'],
      types: ['政府工作报告'],
      levels: ['省级', '县级'],
      match: 'fuzzy',
    });
  });
});
