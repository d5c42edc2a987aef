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
/** More values than this of one filter is not a search a person makes. */
export const MAX_FILTER_VALUES = 50;

export function pageSizeError(): string {
  return `参数 size 必须是 1 到 ${MAX_PAGE_SIZE} 之间的整数`;
}

export function pageError(): string {
  return `参数 page 必须是 1 到 ${MAX_PAGE} 之间的整数`;
}

/** Throws QueryError unless page and size are within the limits. */
export function checkPage({ page, size }: { page: number; size: number }, maxSize = MAX_PAGE_SIZE): void {
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE) throw new QueryError(pageError());
  if (!Number.isInteger(size) || size < 1 || size > maxSize) throw new QueryError(pageSizeError());
}

export function checkSearchOptions(options: SearchOptions): void {
  checkPage(options);
  if (!['relevance', 'date-desc', 'date-asc'].includes(options.sort)) {
    throw new QueryError('参数 sort 只能是 relevance（相关度）、date-desc（最新）或 date-asc（最早）');
  }
}
