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
const ORG_END = /(?:委员会|委|局|厅|办公室|办|人民政府|政府|中心|院|部|署|所|站|队|处|科|党组|党委|会|公司|集团|管委会)$/;
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
    if (isOrgLike(subject)) return subject;
  }
  return null;
}

/** A government work report is the people's government's: 2026年上海市政府工作报告 → 上海市人民政府. */
function workReportPlace(title: string): string | null {
  const m = /^(?:(?:19|20)\d{2}年)?(.*?)(?:(?:19|20)\d{2}年)?(?:人民)?政府工作报告$/.exec(title.replace(/\s+/g, ''));
  return m ? m[1] : null;
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

/**
 * Read the metadata of one report.
 *
 * @param rawLines the file's lines before cleaning (for the labelled header)
 * @param paras    the cleaned paragraphs
 * @param hints    dataset columns or HTML <meta> tags
 * @param relPath  path relative to the data folder (the title of last resort)
 */
export function extractMeta(rawLines: string[], paras: string[], hints: MetaHints | null, relPath: string): MetaResult {
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

  // Signature block
  const sig = signature(paras);

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
  if (titleIssuer) candidates.push({ v: titleIssuer, o: 'title' });
  if (sig.issuer) candidates.push({ v: sig.issuer, o: 'signature' });
  // A bare 卫生健康委员会 in a header says less than 锡盟卫生健康委 in the title: prefer one that names a place.
  let issuer = candidates.find((c) => c.o === hOrigin && hints) ?? candidates.find((c) => isCentralBody(c.v) || resolveRegionIn(c.v)) ?? candidates[0] ?? null;
  if (!issuer) {
    const place = workReportPlace(title);
    if (place !== null) {
      const name = place || region?.county || region?.city || region?.province || null;
      if (name && name !== '全国') issuer = { v: `${name}人民政府`, o: place ? 'title' : sources.region ?? 'title' };
    }
  }
  if (issuer) sources.issuer = issuer.o;

  if (!region) {
    const central = [issuer?.v, title].find((s) => s && isCentralBody(s));
    if (central) {
      region = { ...NATIONAL_REGION };
      sources.region = central === title ? 'title' : issuer!.o;
    }
  }
  if (!region) {
    const tries: Array<{ s: string | null | undefined; o: FieldOrigin }> = [
      { s: issuer?.v, o: issuer?.o ?? 'header' },
      { s: title, o: sources.title! === 'path' ? 'path' : 'title' },
      ...candidates.map((c) => ({ s: c.v, o: c.o })),
      { s: relPath, o: 'path' },
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
  if (!region) {
    region = { ...EMPTY_REGION };
    warnings.push('未能识别地区');
  }

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
  const hy = parseYear(hints?.year);
  if (hy) {
    year = hy;
    sources.year = hOrigin;
  } else if (titleYear(title)) {
    year = titleYear(title);
    sources.year = sources.title === 'path' ? 'path' : 'title';
  } else if (date) {
    year = Number(date.slice(0, 4));
    sources.year = sources.date;
  }

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
