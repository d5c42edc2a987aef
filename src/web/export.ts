/**
 * Streams an export as an HTTP download: CSV (`text/csv; charset=utf-8`, with
 * a BOM) or JSON Lines, written chunk by chunk with back-pressure, so a slow
 * client holds back the engine rather than filling memory; a client that goes
 * away stops the export.
 */
import type { Request, Response } from 'express';
import type { Filters } from '../types.js';
import { encodeRows, MAX_EXPORT_LINES, searchColumns, searchRows, type Column, type Links } from '../research/export.js';
import { parseFormat } from '../research/params.js';
import type { Engine } from '../search/engine.js';
import { DEFAULT_SIZE, defaultRequest, engineRequest, parseSearchParams, type RawQuery, type SearchRequest } from '../search/request.js';
import { docUrl, searchUrl } from './urls.js';

/** Absolute links for the permalink column, on the host the request came to. */
export function linksFor(req: Request): Links {
  const base = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return {
    doc: (id, q, anchor) => base + docUrl(id, q, anchor),
    search: (q, f: Filters) => base + searchUrl({ ...defaultRequest(q), regions: f.regions, years: f.years, from: f.from ?? null, to: f.to ?? null, issuers: f.issuers ?? [], types: f.types ?? [], levels: f.levels ?? [] }),
  };
}

/** Resolves when the response can take more, or is gone; leaves no listener behind. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Sends `rows` as a file named `<name>.csv` or `<name>.jsonl`. Headers go out
 * before the first row: an error after that can only cut the download short
 * (it is logged), as with any streamed response.
 */
export async function sendExport<T>(
  req: Request,
  res: Response,
  name: string,
  format: 'csv' | 'jsonl',
  columns: Column<T>[],
  rows: AsyncIterable<T>,
  headers: Record<string, string> = {},
): Promise<void> {
  res.status(200);
  res.set({
    'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}.${format}"; filename*=UTF-8''${encodeURIComponent(name)}.${format}`,
    'Cache-Control': 'no-store',
    ...headers,
  });
  let closed = false;
  res.on('close', () => (closed = true));
  const chunks = encodeRows(rows, columns, format);
  try {
    for await (const chunk of chunks) {
      if (closed) break;
      if (!res.write(chunk)) await drained(res);
    }
  } catch (err) {
    // Nothing sent yet (a refusal found while preparing the first rows): the error page answers.
    if (!res.headersSent) throw err;
    console.error('web: 导出中断', req.originalUrl, err);
    res.destroy(err as Error);
    return;
  } finally {
    await chunks.return(undefined);
  }
  res.end();
}

/** `/api/search?format=csv|jsonl`: every hit in the requested order (page and size ignored), at most `MAX_EXPORT_LINES`. */
export async function exportSearch(engine: Engine, req: Request, res: Response): Promise<void> {
  const raw = req.query as RawQuery;
  const format = parseFormat(raw) as 'csv' | 'jsonl';
  const state = parseSearchParams({ ...raw, page: undefined!, size: undefined!, format: undefined! });
  const { query, filters, options } = engineRequest(state);
  await sendExport(req, res, 'search', format, searchColumns(state.q, linksFor(req)), searchRows(engine, query, filters, options.sort, MAX_EXPORT_LINES));
}

/** The download of a search's every hit: its filters and sort, no paging. Templates get it as `searchExportUrl`. */
export function searchExportUrl(state: SearchRequest, format: 'csv' | 'jsonl'): string {
  const p = new URLSearchParams(searchUrl({ ...state, page: 1, size: DEFAULT_SIZE }).split('?')[1] ?? '');
  p.set('format', format);
  return `/api/search?${p}`;
}
