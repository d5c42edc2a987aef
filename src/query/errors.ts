/** A query the engine refuses (too long, too many terms). `message` is Chinese and shown to the user. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

/** Limits that keep a pasted paragraph from costing seconds or memory. */
export const MAX_QUERY_CHARS = 200;
export const MAX_QUERY_TERMS = 20;
