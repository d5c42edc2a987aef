/**
 * Paging limits of the engine: the one place they are defined. The web and
 * CLI validate against them at the edge (a 400 with the same words); the
 * engine checks them again, so a programmatic caller gets the same refusal.
 */
import { QueryError } from '../query/errors.js';
import type { SearchOptions } from '../types.js';

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE = 1000;
/** Occurrence pages (KWIC): bigger pages, and as many as an export of 100,000 lines needs. */
export const MAX_OCCURRENCE_PAGE_SIZE = 1000;
export const MAX_OCCURRENCE_PAGE = 100_000;
/** More values than this of one filter is not a search a person makes. */
export const MAX_FILTER_VALUES = 50;

export function pageError(maxPage = MAX_PAGE): string {
  return `参数 page 必须是 1 到 ${maxPage} 之间的整数`;
}

/** Throws QueryError unless page and size are within the limits. */
export function checkPage({ page, size }: { page: number; size: number }, maxSize = MAX_PAGE_SIZE, maxPage = MAX_PAGE): void {
  if (!Number.isInteger(page) || page < 1 || page > maxPage) throw new QueryError(pageError(maxPage));
  if (!Number.isInteger(size) || size < 1 || size > maxSize) throw new QueryError(`参数 size 必须是 1 到 ${maxSize} 之间的整数`);
}

export function checkSearchOptions(options: SearchOptions): void {
  checkPage(options);
  if (!['relevance', 'date-desc', 'date-asc'].includes(options.sort)) {
    throw new QueryError('参数 sort 只能是 relevance（相关度）、date-desc（最新）或 date-asc（最早）');
  }
}
