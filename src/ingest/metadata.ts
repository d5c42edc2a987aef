/**
 * Metadata of one report — title, issuer, region, year, date, document
 * number, source URL — each with the place it was read from, so the UI can
 * say "地区：青海省 西宁市 湟中区（据发文机构推断）".
 *
 * Precedence, highest first: sidecar (applied by the caller) > dataset column >
 * labelled page header > title > signature block > body > file path.
 */
import type { FieldOrigin, MetaField, Region, ReportMeta } from '../types.js';
import { parseDate, dateLine, titleYear, parseYear } from './dates.js';
import { EMPTY_REGION, NATIONAL_REGION, isCentralBody, regionFromParts, regionFromPath, resolveRegionIn } from './gazetteer.js';
import { tidyLine } from './clean.js';
import { findSession, type Session } from './congress.js';
import { toSimplified } from './simplify.js';

/** Values a dataset row or HTML <meta> tags supply. */
export interface MetaHints {
  title?: string | null;
  issuer?: string | null;
  province?: string | null;
  city?: string | null;
  county?: string | null;
  /** A region written as one string: '青海省/西宁市/湟中区', '湟中区'. */
  region?: string | null;
  year?: string | number | null;
  date?: string | null;
  docNumber?: string | null;
  sourceUrl?: string | null;
  /** Where hints came from: 'dataset' for a CSV/JSONL row, 'header' for HTML <meta> tags. */
  origin: FieldOrigin;
}

export interface MetaResult {
  meta: ReportMeta;
  /** Paragraph range [start, end) of a title written over several lines, to be shown as one paragraph. */
  titleSpan: [number, number] | null;
  warnings: string[];
}

// ---------------------------------------------------------------- header

const HEADER_KEYS: Record<string, string> = {
  标题: 'title',
  题目: 'title',
  发文机构: 'issuer',
  发布机构: 'issuer',
  发文单位: 'issuer',
  成文日期: 'written',
  发文日期: 'written',
  公开日期: 'published',
  发布日期: 'published',
  发文字号: 'docNumber',
  文号: 'docNumber',
};
const HEADER_SPLIT =
  /(标\s*题|题\s*目|索\s*引\s*号|发文字号|文\s*号|发文机构|发布机构|发文单位|成文日期|公开日期|发布日期|发文日期|废止日期|有\s*效\s*性|信息分类|主题分类|主\s*题\s*词|概\s*述|来\s*源|浏览次数)\s*[:：]/g;

/** Labelled fields of a page header (标题:…, 发文机构:…, 成文日期:…) in the first lines of a page. */
export function parseHeader(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines.slice(0, 40)) {
    if (!line) continue;
    const parts = [...line.matchAll(HEADER_SPLIT)];
    if (parts.length === 0 || parts[0].index !== 0) continue;
    for (let k = 0; k < parts.length; k++) {
      const label = parts[k][1].replace(/\s+/g, '');
      const key = HEADER_KEYS[label];
      const end = k + 1 < parts.length ? parts[k + 1].index : line.length;
      const value = line.slice(parts[k].index! + parts[k][0].length, end).trim();
      if (!key || out[key] || !value || /^[-—－_\s]*$/.test(value)) continue;
      out[key] = value;
    }
  }
  return out;
}

// ---------------------------------------------------------------- title and issuer

/** What titles of official documents end with. */
const TITLE_END = /(?:报告|总结|通知|意见|决定|办法|方案|规划|纲要|要点|公告|通报|批复|请示|函|纪要|规定|细则|条例|汇报|述职|说明)$/;
/** What names of government bodies end with. */
const ORG_END = /(?:委员会|委|局|厅|办公室|办|人民政府|政府|中心|院|部|署|所|站|队|处|科|党组|党委|会|公司|集团|管委会|次(?:全体)?会议)$/;
const LETTERHEAD = /文件$/;
const DOC_NUMBER = /([\u4e00-\u9fa5]{1,12})\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*(?:第\s*)?(\d{1,5})\s*号/;

function isTitleLike(p: string): boolean {
  return p.length >= 4 && p.length <= 80 && !/[。！？；]/.test(p) && (TITLE_END.test(p) || /^关于/.test(p));
}

function isOrgLike(p: string): boolean {
  return p.length >= 3 && p.length <= 40 && ORG_END.test(p) && !/[，。；：:、！？]/.test(p) && !LETTERHEAD.test(p);
}

/** The title written in the first lines of a report, joined when split over two lines. */
export function titleFromBody(paras: string[]): { title: string; span: [number, number] } | null {
  const limit = Math.min(paras.length, 12);
  for (let i = 0; i < limit; i++) {
    const p = paras[i];
    if (p.length >= 60 && /[。！？]/.test(p)) break; // prose has started
    if (!isTitleLike(p)) continue;
    const prev = i > 0 ? paras[i - 1] : '';
    if (prev && isOrgLike(prev) && !p.startsWith(prev)) return { title: prev + p, span: [i - 1, i + 1] };
    const next = paras[i + 1];
    // 关于2023年法治政府建设情况的 / 报告
    if (next && !TITLE_END.test(p) && isTitleLike(next) && next.length <= 12) return { title: p + next, span: [i, i + 2] };
    return { title: p, span: [i, i + 1] };
  }
  return null;
}

/** The body that issued a report, as its title says: 达州市卫生健康委员会关于… → 达州市卫生健康委员会. */
export function issuerFromTitle(title: string): string | null {
  const m = /^(.{2,40}?)(?=关于|\s|(?:19|20)\d{2}\s*年)/.exec(title);
  if (m) {
    const subject = m[1].trim();
    if (isOrgLike(subject) || (subject.length <= 20 && isCentralBody(subject) && !/[，。；、]/.test(subject))) return subject;
  }
  // 最高人民法院工作报告, 滁州市司法局工作总结: the body is the subject of its own report
  // (a government's work report is settled by workReportIssuer: 上海市政府 → 上海市人民政府).
  if (/政府工作报告$/.test(title)) return null;
  const own = /^(?:(?:19|20)\d{2}\s*年度?)?(.{2,40}?)(?:(?:19|20)\d{2}\s*年度?)?(?:工作|履职|述职)?(?:报告|总结)$/.exec(title.replace(/\s+/g, ''));
  if (own && isOrgLike(own[1])) return own[1];
  return null;
}

/**
 * The body a government work report's title names: 2026年上海市政府工作报告 →
 * 上海市 (its government), 2025年中华人民共和国国务院政府工作报告 →
 * 中华人民共和国国务院; '' when the title names none (政府工作报告); null when
 * the title is not a work report's.
 */
function workReportPlace(title: string): string | null {
  const m = /^(?:(?:19|20)\d{2}年)?(.*?)(?:(?:19|20)\d{2}年)?(?:人民)?政府工作报告$/.exec(title.replace(/\s+/g, ''));
  return m ? m[1] : null;
}

/** 我代表省人民政府 / 代表国务院 / 代表上海市人民政府: the government a work report speaks for, as its text says. */
const SPEAKS_FOR = /代表(国务院|[\u4e00-\u9fa5]{0,20}?(?:省|市|自治区|自治州|州|县|区|旗|盟)(?:人民)?政府)/;

/**
 * The issuer a government work report states: the body its title names (a
 * place's government under its formal name, 上海市政府 → 上海市人民政府; a
 * central body as written), or the government its text says it speaks for,
 * a bare level (省人民政府) named after the report's region. Never a body
 * neither the title nor the text names.
 */
function workReportIssuer(title: string, paras: string[], region: Region | null, regionOrigin: FieldOrigin | undefined): { v: string; o: FieldOrigin } | null {
  const place = workReportPlace(title);
  if (place === null) return null;
  if (place) {
    if (isCentralBody(place) || isOrgLike(place)) return { v: place, o: 'title' };
    if (resolveRegionIn(place)) return { v: `${place}人民政府`, o: 'title' };
  }
  for (const p of paras.slice(0, 15)) {
    const m = SPEAKS_FOR.exec(p);
    if (!m) continue;
    if (m[1] === '国务院') return { v: '国务院', o: 'body' };
    const lm = /^(.*?)(省|市|自治区|自治州|州|县|区|旗|盟)(?:人民)?政府$/.exec(m[1])!;
    if (lm[1]) return { v: `${lm[1]}${lm[2]}人民政府`, o: 'body' };
    // A bare level: the report's own place at that level.
    if (!region || region.province === null || region.province === '全国') return null;
    const lvl = lm[2];
    const municipality = region.city === null && /市$/.test(region.province);
    const name =
      lvl === '省' || lvl === '自治区' ? region.province
      : lvl === '市' ? (region.city ?? (municipality ? region.province : null))
      : lvl === '州' || lvl === '自治州' || lvl === '盟' ? region.city
      : region.county;
    if (!name || !name.endsWith(lvl)) return null;
    return { v: `${name}人民政府`, o: regionOrigin ?? 'body' };
  }
  return null;
}

/** Issuer and date of the signature block at the end (an issuer line above a date line). */
export function signature(paras: string[]): { issuer: string | null; date: string | null } {
  for (let i = paras.length - 1; i >= Math.max(0, paras.length - 8); i--) {
    const d = dateLine(paras[i]);
    if (!d || d.printed) continue;
    const prev = i > 0 ? paras[i - 1] : '';
    return { issuer: isOrgLike(prev) ? prev : null, date: d.date };
  }
  return { issuer: null, date: null };
}

/** 新卫〔2022〕12号 with brackets normalised, from a line that is a document number (not one quoted in the text). */
export function docNumberFrom(s: string | null | undefined): string | null {
  if (!s) return null;
  const m = DOC_NUMBER.exec(s);
  return m ? `${m[1]}〔${m[2]}〕${m[3]}号` : null;
}

function docNumberFromBody(paras: string[]): string | null {
  for (const p of paras.slice(0, 10)) {
    const m = DOC_NUMBER.exec(p);
    // The number stands on its own line (or with 签发人), not inside a sentence quoting another document.
    if (m && m.index <= 2 && p.length - m[0].length <= 16 && !/[。，]/.test(p)) return docNumberFrom(p);
  }
  return null;
}

/** Title with layout spaces between Chinese characters removed. */
export function tidyTitle(t: string): string {
  return tidyLine(t.replace(/[\r\n]+/g, ' ')).replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------- all fields

/** A subtitle that names the session a report was delivered at: ——2019年3月5日在第十三届全国人民代表大会第二次会议上. */
const SESSION_LINE = /在[^。；]{2,60}(?:会议|大会|委员会)上|^[（(][^。；]{4,60}(?:会议|大会)(?:通过|批准)[）)]$/;

/**
 * The year a text reports on, when nothing states it: its first dated
 * reference to a year (2023年，我局…; 截至2023年底…) that is not a full date,
 * a range (2021-2025年), a target (到2025年, 2035年远景目标) or later than `maxYear`.
 */
export function reportingYear(paras: string[], maxYear: number): { year: number; evidence: string } | null {
  const re = /((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月|\s*[一二三四五六七八九十]{1,2}\s*月|[-—–~～至到]|代|远景|目标|前)/g;
  for (const p of paras.slice(0, 40)) {
    if (SESSION_LINE.test(p)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(p); m; m = re.exec(p)) {
      const before = p.slice(Math.max(0, m.index - 2), m.index);
      if (/[-—–~～\d]$/.test(before) || /(?:^|[^截])[至到]$/.test(before) || /^到|力争|预计|计划$/.test(before)) continue;
      const y = Number(m[1]);
      if (y < 1949 || y > maxYear) continue;
      const from = Math.max(0, m.index - 8);
      return { year: y, evidence: (from > 0 ? '…' : '') + p.slice(from, m.index + 24) + (m.index + 24 < p.length ? '…' : '') };
    }
  }
  return null;
}

/** The region a session names: national bodies speak for 全国, local ones for their place. */
function sessionRegion(session: Session, context: string): Region | null {
  if (session.national) return { ...NATIONAL_REGION };
  return session.place ? resolveRegionIn(session.place, context) : null;
}

/**
 * Read the metadata of one report.
 *
 * Rules read Simplified text: a Traditional title (第十三屆全國人民代表大會…)
 * is recognised like a Simplified one, and the values taken from the text
 * (title, issuer) are given back as written.
 *
 * @param rawLines the file's lines before cleaning (for the labelled header)
 * @param paras    the cleaned paragraphs
 * @param hints    dataset columns or HTML <meta> tags
 * @param relPath  path relative to the data folder (the title of last resort)
 */
export function extractMeta(rawLines: string[], paras: string[], hints: MetaHints | null, relPath: string): MetaResult {
  // Everything below reads Simplified copies; `asWritten` maps a value found in them back to the original.
  const hintValues = hints ? Object.values(hints).filter((v): v is string => typeof v === 'string') : [];
  // Most reports are Simplified: then the rules read them as they are. The rules look at the
  // head and the end of a report (title, subtitle, signature), so that is where Traditional is looked for.
  const probe = [relPath, ...hintValues, ...rawLines.slice(0, 60), ...paras.slice(0, 60), ...paras.slice(-10)];
  if (probe.every((x) => toSimplified(x) === x)) return extractSimplified(rawLines, paras, hints, relPath);
  const original = [rawLines.join('\n'), paras.join('\n'), relPath, ...hintValues].join('\u0000');
  const simplified = toSimplified(original);
  const asWritten = (v: string | null): string | null => {
    if (v === null || simplified === original) return v;
    const k = simplified.indexOf(v);
    return k >= 0 ? original.slice(k, k + v.length) : v;
  };
  const sHints: MetaHints | null = hints
    ? (Object.fromEntries(Object.entries(hints).map(([k, v]) => [k, typeof v === 'string' ? toSimplified(v) : v])) as unknown as MetaHints)
    : null;
  const meta = extractSimplified(rawLines.map(toSimplified), paras.map(toSimplified), sHints, relPath);
  meta.meta.title = asWritten(meta.meta.title)!;
  const issuer = meta.meta.issuer;
  // A formal name the title only implies (廣東省政府 → 广东省人民政府) keeps the title's characters for the place.
  meta.meta.issuer =
    issuer && simplified !== original && !simplified.includes(issuer) && issuer.endsWith('人民政府') ? asWritten(issuer.slice(0, -4)) + '人民政府' : asWritten(issuer);
  return meta;
}

function extractSimplified(rawLines: string[], paras: string[], hints: MetaHints | null, relPath: string): MetaResult {
  const sources: Partial<Record<MetaField, FieldOrigin>> = {};
  const warnings: string[] = [];
  const header = parseHeader(rawLines);
  const hint = (v: string | number | null | undefined) => (v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim());
  const hOrigin = hints?.origin ?? 'dataset';

  // Title
  let title: string | null = null;
  let titleSpan: [number, number] | null = null;
  if (hint(hints?.title)) {
    title = tidyTitle(hint(hints?.title)!);
    sources.title = hOrigin;
  } else if (header.title) {
    title = tidyTitle(header.title);
    sources.title = 'header';
  } else {
    const t = titleFromBody(paras);
    if (t) {
      title = t.title;
      titleSpan = t.span[1] - t.span[0] > 1 ? t.span : null;
      sources.title = 'body';
    }
  }
  if (!title) {
    const first = paras[0];
    if (first && first.length <= 60 && !/[。！？]/.test(first)) {
      title = first;
      sources.title = 'body';
    } else {
      title = relPath.split('/').pop()!.replace(/\.[^.]+$/, '');
      sources.title = 'path';
      warnings.push('未找到标题，已用文件名代替');
    }
  }
  const titleOrigin: FieldOrigin = sources.title === 'path' ? 'path' : 'title';

  // Signature block
  const sig = signature(paras);

  // Sessions: the title's (a resolution, a party congress report), or a subtitle's (——在…会议上).
  const titleSession = findSession(title);
  let subtitleSession: { s: Session; para: string } | null = null;
  for (const p of paras.slice(0, 12)) {
    if (p.length > 120 || !SESSION_LINE.test(p)) continue;
    const s = findSession(p);
    if (s) {
      subtitleSession = { s, para: p };
      break;
    }
  }

  // Region: the most specific place named by the issuer or the title, settled against the whole text.
  const context = paras.join('\n');
  let region: Region | null = null;
  const regionHint =
    hints && (hint(hints.province) || hint(hints.city) || hint(hints.county))
      ? regionFromParts({ province: hint(hints.province), city: hint(hints.city), county: hint(hints.county) })
      : hints && hint(hints.region)
        ? regionFromPath(hint(hints.region)!)
        : null;
  if (regionHint) {
    region = regionHint;
    sources.region = hOrigin;
  }

  // Issuer candidates, best first.
  const titleIssuer = issuerFromTitle(title);
  const candidates: Array<{ v: string; o: FieldOrigin }> = [];
  if (hint(hints?.issuer)) candidates.push({ v: hint(hints?.issuer)!, o: hOrigin });
  if (header.issuer) candidates.push({ v: header.issuer, o: 'header' });
  if (titleIssuer) candidates.push({ v: titleIssuer, o: titleOrigin });
  if (sig.issuer) candidates.push({ v: sig.issuer, o: 'signature' });
  // A bare 卫生健康委员会 in a header says less than 锡盟卫生健康委 in the title: prefer one that names a place.
  let issuer: { v: string; o: FieldOrigin } | null = candidates.find((c) => c.o === hOrigin && hints) ?? candidates.find((c) => isCentralBody(c.v) || resolveRegionIn(c.v)) ?? candidates[0] ?? null;

  if (!region) {
    const central = [issuer?.v, title].find((s) => s && isCentralBody(s));
    if (central) {
      region = { ...NATIONAL_REGION };
      sources.region = central === title ? titleOrigin : issuer!.o;
    }
  }
  if (!region) {
    const tries: Array<{ s: string | null | undefined; o: FieldOrigin }> = [
      { s: issuer?.v, o: issuer?.o ?? 'header' },
      { s: title, o: titleOrigin },
      ...candidates.map((c) => ({ s: c.v, o: c.o })),
    ];
    for (const t of tries) {
      if (!t.s) continue;
      const r = resolveRegionIn(t.s, context);
      if (r) {
        region = r;
        sources.region = t.o;
        break;
      }
    }
  }
  if (!region && titleSession) {
    region = sessionRegion(titleSession, context);
    if (region) sources.region = titleOrigin;
  }
  if (!region && subtitleSession) {
    region = sessionRegion(subtitleSession.s, context);
    if (region) sources.region = 'body';
  }
  if (!region) {
    const r = resolveRegionIn(relPath, context);
    if (r) {
      region = r;
      sources.region = 'path';
    }
  }
  if (!region) {
    region = { ...EMPTY_REGION };
    warnings.push('未能识别地区');
  }
  if (!issuer) issuer = workReportIssuer(title, paras, region, sources.region);
  if (issuer) sources.issuer = issuer.o;

  // Date
  let date: string | null = null;
  const dateTries: Array<{ v: string | null | undefined; o: FieldOrigin }> = [
    { v: hint(hints?.date), o: hOrigin },
    { v: header.written, o: 'header' },
    { v: header.published, o: 'header' },
    { v: sig.date, o: 'signature' },
  ];
  for (const t of dateTries) {
    const d = parseDate(t.v);
    if (d) {
      date = d;
      sources.date = t.o;
      break;
    }
  }

  // Year: the year the report is about.
  let year: number | null = null;
  const setYear = (y: number | null, o: FieldOrigin) => {
    if (year === null && y !== null) {
      year = y;
      sources.year = o;
    }
  };
  setYear(parseYear(hints?.year), hOrigin);
  setYear(titleYear(title), titleOrigin);
  // A national session or congress: the year tables.
  if (titleSession) setYear(titleSession.year, titleOrigin);
  if (subtitleSession) setYear(subtitleSession.s.year, 'body');
  // A local session: the date the text gives beside it (——2024年1月25日在…上, （…会议通过）).
  const session = titleSession ?? subtitleSession?.s ?? null;
  if (year === null && session) {
    const key = session.text;
    const beside = paras.slice(0, 15).find((p) => p.includes(key) && parseDate(p)) ?? subtitleSession?.para;
    const d = parseDate(beside) ?? (session === subtitleSession?.s ? null : parseDate(paras.slice(0, 6).find((p) => p.length <= 80 && parseDate(p))));
    if (d) setYear(Number(d.slice(0, 4)), 'body');
  }
  if (year === null && session && date) setYear(Number(date.slice(0, 4)), sources.date!);
  if (year === null) {
    // Nothing states it: the year the text reports on, marked as inferred.
    const maxYear = date ? Number(date.slice(0, 4)) : new Date().getUTCFullYear() + 1;
    const r = reportingYear(paras.slice(titleSpan ? titleSpan[1] : 1), maxYear);
    if (r) {
      setYear(r.year, 'inferred');
      warnings.push(`年份 ${r.year} 是根据正文推断的（正文最先提到的年份：“${r.evidence}”），请核对`);
    }
  }
  if (year === null && date) setYear(Number(date.slice(0, 4)), sources.date!);

  // Document number
  let docNumber: string | null = null;
  if (docNumberFrom(hint(hints?.docNumber))) {
    docNumber = docNumberFrom(hint(hints?.docNumber));
    sources.docNumber = hOrigin;
  } else if (docNumberFrom(header.docNumber)) {
    docNumber = docNumberFrom(header.docNumber);
    sources.docNumber = 'header';
  } else if (docNumberFromBody(paras)) {
    docNumber = docNumberFromBody(paras);
    sources.docNumber = 'body';
  }

  const sourceUrl = hint(hints?.sourceUrl);
  if (sourceUrl) sources.sourceUrl = hOrigin;

  return {
    meta: { title, issuer: issuer?.v ?? null, region, year, date, docNumber, sourceUrl, sources },
    titleSpan,
    warnings,
  };
}
