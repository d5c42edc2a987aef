/**
 * Datasets: a CSV or JSONL file holds one report per row. Usual column names
 * are recognised without configuration; a sidecar `<file>.mapping.json`
 * (`{"text": "内容字段", "title": "名称"}`) names the columns for anything else.
 */
import { parse } from 'csv-parse/sync';

/** The fields a row can supply. */
export type DatasetField =
  | 'id'
  | 'title'
  | 'text'
  | 'year'
  | 'province'
  | 'region'
  | 'city'
  | 'county'
  | 'date'
  | 'url'
  | 'issuer'
  | 'docNumber';

/** Column names recognised without configuration (compared case-insensitively, ignoring spaces, '_' and '-'). */
export const KNOWN_COLUMNS: Record<DatasetField, string[]> = {
  id: ['id', 'docid', 'rowid', '编号'],
  title: ['title', '标题', '题目', '文件名称', '名称'],
  text: ['content', 'text', 'fulltext', 'body', '正文', '内容', '全文'],
  year: ['year', '年份', '年度'],
  province: ['province', '省份', '省', '省级'],
  region: ['region', '地区', '区域', '行政区划'],
  city: ['city', '市', '城市', '地市'],
  county: ['county', 'district', '区县', '县区', '县'],
  date: ['date', 'publishdate', 'pubdate', 'publisheddate', 'published', '发布日期', '成文日期', '发文日期', '日期'],
  url: ['url', 'sourceurl', 'link', '链接', '网址', '来源链接', '原文链接'],
  issuer: ['issuer', 'agency', 'publisher', '发文机构', '机构', '发布机构', '发文单位'],
  docNumber: ['docnumber', 'docno', 'documentnumber', '文号', '发文字号'],
};

const norm = (s: string) => s.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_\-]+/g, '');

export type ColumnMap = Partial<Record<DatasetField, string>>;

/** Match a row's keys to fields: the sidecar mapping first, then the known names. */
export function mapColumns(keys: string[], mapping: ColumnMap = {}): ColumnMap {
  const out: ColumnMap = {};
  const byNorm = new Map(keys.map((k) => [norm(k), k]));
  for (const [field, col] of Object.entries(mapping) as Array<[DatasetField, string]>) {
    if (typeof col === 'string' && keys.includes(col)) out[field] = col;
    else if (typeof col === 'string' && byNorm.has(norm(col))) out[field] = byNorm.get(norm(col));
  }
  for (const [field, names] of Object.entries(KNOWN_COLUMNS) as Array<[DatasetField, string[]]>) {
    if (out[field]) continue;
    for (const n of names) {
      const k = byNorm.get(norm(n));
      if (k) {
        out[field] = k;
        break;
      }
    }
  }
  return out;
}

export interface DatasetRow {
  /** 1-based position among the file's records (malformed ones included), for ids and messages. */
  n: number;
  record: Record<string, unknown>;
}

export interface DatasetParse {
  rows: DatasetRow[];
  /** Malformed records: position and reason (Chinese). */
  bad: Array<{ n: number; reason: string }>;
  /** A reason the whole file cannot be read, or null. */
  fatal: string | null;
}

/** Parse CSV text (BOM, multi-line quoted fields); a malformed record is reported, the rest goes on. */
export function parseCsv(text: string): DatasetParse {
  const rows: DatasetRow[] = [];
  const bad: DatasetParse['bad'] = [];
  let n = 0;
  try {
    parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.replace(/^\uFEFF/, '').trim()),
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        n++;
        bad.push({ n, reason: `第 ${n} 条记录格式错误（约第 ${err?.lines ?? '?'} 行）：${csvReason(err?.code)}` });
        return undefined;
      },
      on_record: (record: Record<string, unknown>) => {
        n++;
        rows.push({ n, record });
        return record;
      },
    });
  } catch (e) {
    const err = e as { code?: string; lines?: number; message?: string };
    return { rows, bad, fatal: `CSV 无法解析（约第 ${err.lines ?? '?'} 行）：${csvReason(err.code)}` };
  }
  return { rows, bad, fatal: null };
}

function csvReason(code: string | undefined): string {
  switch (code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
    case 'CSV_RECORD_DONT_MATCH_COLUMNS_LENGTH':
      return '列数与表头不一致';
    case 'CSV_QUOTE_NOT_CLOSED':
      return '引号没有闭合';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_OPENING_QUOTE':
      return '引号位置不正确';
    default:
      return code ? `解析错误（${code}）` : '解析错误';
  }
}

/** Parse JSONL: one JSON object per non-empty line. */
export function parseJsonl(text: string): DatasetParse {
  const rows: DatasetRow[] = [];
  const bad: DatasetParse['bad'] = [];
  let n = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    n++;
    try {
      const v = JSON.parse(line);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) bad.push({ n, reason: `第 ${i + 1} 行不是 JSON 对象` });
      else rows.push({ n, record: v });
    } catch {
      bad.push({ n, reason: `第 ${i + 1} 行不是有效的 JSON` });
    }
  }
  return { rows, bad, fatal: null };
}

/** A cell as a trimmed string, or null when empty. */
export function cell(record: Record<string, unknown>, col: string | undefined): string | null {
  if (!col) return null;
  const v = record[col];
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return s.trim() === '' ? null : s;
}
