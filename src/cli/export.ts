/**
 * `report-search export QUERY`: every hit of a search (not one page) as CSV
 * (UTF-8 with a BOM) or JSON Lines, to a file or standard output; and the
 * writing that `trend --csv` and `kwic --csv` share: chunks written with
 * back-pressure, permalinks on the address of the website (`--base-url`).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { encodeRows, searchColumns, searchRows, type Column, type Links } from '../research/export.js';
import { openEngine } from '../search/open.js';
import { engineRequest, parseSearchParams, ParamError, type RawQuery } from '../search/request.js';
import type { Engine } from '../search/engine.js';
import { docUrl, searchUrl } from '../web/urls.js';
import { defaultRequest } from '../search/request.js';
import { parseCliArgs, type OptionSpec, type ParsedArgs } from './args.js';

export const DEFAULT_BASE_URL = 'http://localhost:3000';

/** Options every research command takes. */
export const COMMON_OPTIONS: OptionSpec = {
  region: { type: 'string', multiple: true },
  year: { type: 'string', multiple: true },
  index: { type: 'string' },
  csv: { type: 'boolean' },
  jsonl: { type: 'boolean' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  'base-url': { type: 'string' },
};

/** The options as the web's query string, so one validation answers both. */
export function rawQuery(values: ParsedArgs['values'], names: string[]): RawQuery {
  const raw: RawQuery = {};
  for (const name of names) {
    const v = values[name];
    if (v !== undefined && typeof v !== 'boolean') raw[name] = v;
  }
  return raw;
}

export function cliLinks(values: ParsedArgs['values']): Links {
  const base = String(values['base-url'] ?? process.env.BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  return {
    doc: (id, q, anchor) => base + docUrl(id, q, anchor),
    search: (q, f) => base + searchUrl({ ...defaultRequest(q), regions: f.regions, years: f.years, from: f.from ?? null, to: f.to ?? null, issuers: f.issuers ?? [], types: f.types ?? [], levels: f.levels ?? [] }),
  };
}

export function fileFormat(values: ParsedArgs['values']): 'csv' | 'jsonl' | null {
  if (values.csv && values.jsonl) throw new ParamError('--csv 和 --jsonl 只能选一个');
  return values.csv ? 'csv' : values.jsonl ? 'jsonl' : null;
}

export async function openFor(values: ParsedArgs['values']): Promise<Engine> {
  return openEngine((values.index as string | undefined) ?? process.env.INDEX_DIR ?? 'index', { warm: false });
}

/** Writes rows to `--out` or standard output, waiting for the reader when it falls behind. */
export async function writeRows<T>(values: ParsedArgs["values"], rows: AsyncIterable<T> | Iterable<T>, columns: Column<T>[], format: 'csv' | 'jsonl'): Promise<number> {
  const out: Writable = values.out ? createWriteStream(String(values.out)) : process.stdout;
  let lines = 0;
  for await (const chunk of encodeRows(rows, columns, format)) {
    lines += chunk.split('\n').length - 1;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  if (values.out) {
    out.end();
    await once(out, 'finish');
    process.stderr.write(`已写入 ${values.out}（${format === 'csv' ? lines - 1 : lines} 行）\n`);
  }
  return lines;
}

export async function runExport(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, { ...COMMON_OPTIONS, sort: { type: 'string' } });
  const state = parseSearchParams({ q: positionals.join(' '), ...rawQuery(values, ['region', 'year', 'sort']) });
  const { query, filters, options } = engineRequest(state);
  const format = fileFormat(values) ?? 'csv';
  const engine = await openFor(values);
  try {
    await writeRows(values, searchRows(engine, query, filters, options.sort), searchColumns(state.q, cliLinks(values)), format);
  } finally {
    engine.close();
  }
  return 0;
}
