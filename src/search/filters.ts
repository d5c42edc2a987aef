/**
 * Metadata filters and facet dimensions of one index snapshot: per report its
 * year, date, issuer, document type and level, numbered so that a filter is a
 * cached bitset and a facet count an array lookup.
 *
 * Region values: a path ('四川省/达州市') selects the region and everything under
 * it; 'X/本级' the reports of region X itself; '未知' reports without a region.
 */
import { Bitset } from '../index/bitset.js';
import { QueryError } from '../query/errors.js';
import type { DocRecord, Filters, Level } from '../types.js';
import { docType, type DocTypeRule } from './doctypes.js';
import { MAX_DEPTH, regionSegments, RegionTable } from './regions.js';

/** The region facet's bucket for reports of the drilled-into region itself. */
export const SELF = '本级';
/** The region value for reports without a region. */
export const UNKNOWN_REGION = '未知';
export const LEVELS: readonly Level[] = ['全国', '省级', '市级', '县级'];

/** The facet dimensions, in the order of their bit in a report's failure mask. */
export const FACETS = ['region', 'year', 'issuer', 'type', 'level'] as const;
export type FacetName = (typeof FACETS)[number];

/** The level of a region: 全国 for central bodies, else by the depth of its path (a municipality's district is 县级). */
export function levelOf(r: DocRecord['region']): Level | null {
  if (r.province === '全国') return '全国';
  if (r.county) return '县级';
  if (r.city) return '市级';
  return r.province ? '省级' : null;
}

/** yyyymmdd as a number (0 when unknown). */
export function dateKey(date: string | null): number {
  if (!date) return 0;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : 0;
}

/** A bound of a time span as yyyymmdd: a year's first or last day, or the date. */
function boundKey(value: string, end: boolean): number {
  if (/^\d{4}$/.test(value)) return Number(value) * 10000 + (end ? 1231 : 101);
  return dateKey(value);
}

class Interned {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  id(name: string | null): number {
    if (name === null) return -1;
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }
  lookup(name: string): number | undefined {
    return this.ids.get(name);
  }
}

/** Per facet, the reports passing its filter (null: no filter); `time` has no facet. */
export type PassSets = Record<FacetName | 'time', Bitset | null>;

export class FilterIndex {
  readonly regions: RegionTable;
  readonly years: Int32Array;
  readonly dates: Int32Array;
  readonly issuers = new Interned();
  readonly issuerOf: Int32Array;
  readonly types = new Interned();
  readonly typeOf: Int32Array;
  readonly levelOf: Int32Array;
  /** Depth of each report's region path (0: none). */
  readonly depthOf: Uint8Array;
  private readonly cache = new Map<string, Bitset>();

  constructor(
    private readonly records: DocRecord[],
    rules: DocTypeRule[],
  ) {
    this.regions = new RegionTable(records.map((r) => r.region));
    this.years = Int32Array.from(records, (r) => r.year ?? 0);
    this.dates = Int32Array.from(records, (r) => dateKey(r.date));
    this.issuerOf = Int32Array.from(records, (r) => this.issuers.id(r.issuer));
    this.typeOf = Int32Array.from(records, (r) => this.types.id(docType(r.title, rules)));
    this.levelOf = Int32Array.from(records, (r) => {
      const l = levelOf(r.region);
      return l ? LEVELS.indexOf(l) : -1;
    });
    this.depthOf = Uint8Array.from(records, (r) => Math.min(MAX_DEPTH, regionSegments(r.region).length));
  }

  get size(): number {
    return this.records.length;
  }

  /** A cached set of the reports satisfying `test`, built once per key. */
  private set(key: string, test: (doc: number) => boolean): Bitset {
    let s = this.cache.get(key);
    if (!s) {
      s = new Bitset(this.size);
      for (let doc = 0; doc < this.size; doc++) if (test(doc)) s.add(doc);
      this.cache.set(key, s);
    }
    return s;
  }

  private union(keys: string[], test: (key: string) => (doc: number) => boolean, dim: string): Bitset | null {
    if (keys.length === 0) return null;
    const out = new Bitset(this.size);
    for (const k of new Set(keys)) out.or(this.set(`${dim}\u0000${k}`, test(k)));
    return out;
  }

  /**
   * Checks the filter values against this archive: an unknown region or level
   * is a QueryError (a 400) that names the nearest regions the archive has.
   */
  validate(f: Filters): void {
    for (const value of f.regions) {
      if (value === UNKNOWN_REGION) continue;
      const path = value.endsWith(`/${SELF}`) ? value.slice(0, -SELF.length - 1) : value;
      if (this.regions.idOf(path) === undefined) {
        const near = this.regions.nearest(path.split('/').pop() ?? path, 5);
        throw new QueryError(`资料库中没有地区“${value}”的报告${near.length ? `。您是不是要找：${near.join('、')}` : ''}`);
      }
    }
    for (const l of f.levels ?? []) if (!LEVELS.includes(l)) throw new QueryError(`参数 level 只能是 ${LEVELS.join('、')}`);
  }

  /** The pass set of every filter dimension. */
  passSets(f: Filters): PassSets {
    return {
      region: this.union(f.regions, (v) => this.regionTest(v), 'region'),
      year: this.union(f.years.map(String), (y) => (doc) => this.years[doc] === Number(y), 'year'),
      issuer: this.union(f.issuers ?? [], (name) => {
        const id = this.issuers.lookup(name) ?? -2;
        return (doc) => this.issuerOf[doc] === id;
      }, 'issuer'),
      type: this.union(f.types ?? [], (name) => {
        const id = this.types.lookup(name) ?? -2;
        return (doc) => this.typeOf[doc] === id;
      }, 'type'),
      level: this.union(f.levels ?? [], (l) => (doc) => this.levelOf[doc] === LEVELS.indexOf(l as Level), 'level'),
      time: this.timeSet(f.from ?? null, f.to ?? null),
    };
  }

  private regionTest(value: string): (doc: number) => boolean {
    if (value === UNKNOWN_REGION) return (doc) => this.depthOf[doc] === 0;
    const self = value.endsWith(`/${SELF}`);
    const path = self ? value.slice(0, -SELF.length - 1) : value;
    const segs = path.split('/').filter(Boolean);
    const id = this.regions.idOf(path);
    if (id === undefined || segs.length === 0 || segs.length > MAX_DEPTH) return () => false;
    const level = this.regions.levels[segs.length - 1];
    return self ? (doc) => level[doc] === id && this.depthOf[doc] === segs.length : (doc) => level[doc] === id;
  }

  /** Reports inside [from, to]: by year when both ends are years, by date otherwise (undated: the year's span overlaps). */
  private timeSet(from: string | null, to: string | null): Bitset | null {
    if (!from && !to) return null;
    const yearsOnly = (!from || /^\d{4}$/.test(from)) && (!to || /^\d{4}$/.test(to));
    const lo = from ? boundKey(from, false) : 0;
    const hi = to ? boundKey(to, true) : 99999999;
    return this.set(`time\u0000${from}\u0000${to}`, (doc) => {
      const y = this.years[doc];
      const d = this.dates[doc];
      const first = y * 10000 + 101;
      const last = y * 10000 + 1231;
      if (yearsOnly) return y !== 0 && first >= lo && last <= hi;
      if (d) return d >= lo && d <= hi;
      return y !== 0 && last >= lo && first <= hi;
    });
  }
}
