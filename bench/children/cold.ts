/**
 * Cold-start child: open the index and answer the first query, then print one
 * JSON line. The parent times process spawn → that line; the child adds where
 * its own time went.
 *
 *   node --import tsx bench/children/cold.ts INDEX_DIR
 */
import { parseQuery } from '../../src/query/parser.js';
import { openEngine } from '../../src/search/open.js';

const indexDir = process.argv[2];
const t0 = performance.now();
const engine = await openEngine(indexDir);
const t1 = performance.now();
const res = await engine.search({ parsed: parseQuery('发展'), match: 'exact' }, { regions: [], years: [] }, { sort: 'relevance', page: 1, size: 10 });
const t2 = performance.now();
// performance.now() counts from the start of this process.
console.log(JSON.stringify({ hits: res.total, sinceStartMs: t2, openMs: t1 - t0, firstQueryMs: t2 - t1 }));
