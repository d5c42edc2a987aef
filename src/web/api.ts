/**
 * The JSON API's response shapes, built from the engine's data: the engine
 * returns offsets, the web turns them into escaped HTML with `<mark>` here.
 */
import { looserQuery } from '../query/parser.js';
import type { SearchRequest } from '../search/request.js';
import type { ParsedQuery, ReportParagraphs, SearchResponse, SearchResult } from '../types.js';
import { passageHtml } from './html.js';

/** `/api/search` (and the search page's model input): the engine's result with passages rendered. */
export function searchResponse(req: SearchRequest, parsed: ParsedQuery, result: SearchResult): SearchResponse {
  return {
    query: req.q,
    total: result.total,
    page: req.page,
    size: req.size,
    tookMs: result.tookMs,
    facets: result.facets,
    hits: result.hits.map((h) => ({
      ...h,
      passages: h.passages.map((p) => ({ anchor: `p-${p.paragraph}`, html: passageHtml(p) })),
    })),
    warnings: parsed.warnings,
    looserQuery: looserQuery(parsed),
  };
}

/** The `/api/doc/:id` body: the report's metadata and its paragraphs as plain text. */
export function apiDoc(view: ReportParagraphs) {
  const r = view.report;
  return {
    id: r.id,
    title: r.title,
    issuer: r.issuer,
    region: r.region,
    year: r.year,
    date: r.date,
    docNumber: r.docNumber,
    sourceUrl: r.sourceUrl,
    sources: r.sources,
    // number: 第 N 段 as on the report page (1-based); page: the source page, for paged formats
    // a slice of at most MAX_PARAGRAPHS (from, count); totalParagraphs tells whether more follow
    from: view.from,
    totalParagraphs: view.totalParagraphs,
    paragraphs: view.paragraphs.map((p) => ({ anchor: `p-${p.index}`, number: p.index + 1, ...(r.pages?.[p.index] ? { page: r.pages[p.index] } : {}), text: p.text })),
  };
}
