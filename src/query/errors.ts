/** A query the engine refuses (too long, too many terms). `message` is Chinese and shown to the user. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

/**
 * Limits that keep a pasted paragraph from costing seconds or memory. The parser
 * refuses a query over them (`QueryError`); `looserQuery` and `formatQuery` never
 * build a query over them.
 */
/** Characters (code points) of the trimmed query string. */
export const MAX_QUERY_CHARS = 200;
/** Distinct terms: each word, phrase and exclusion once (`-a` and `a` are two). */
export const MAX_QUERY_TERMS = 20;
/** Largest `n` of `A /NEAR n B`; a larger one is read as this, with a warning. */
export const MAX_NEAR_DISTANCE = 100;
