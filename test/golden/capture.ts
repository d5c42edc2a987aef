/**
 * Captures what the search page, the report page, /api/search and the CLI answer
 * for a fixed list of queries over the sample archive, as the golden file the
 * engine-API test compares against (test/golden/golden.test.ts). Run once before
 * a change that must not alter answers:
 *   npx tsx test/golden/capture.ts > test/golden/golden.json
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildFixtureIndex } from '../helpers/fixture-index.js';
import { getJson as getJsonOnce, getPage as getPageOnce, qs, serve } from '../helpers/http.js';
import { createApp } from '../../src/web/app.js';
import { passageHtml } from '../../src/web/html.js';
import { GOLDEN_CASES, pageHits, reportMarks } from './cases.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The CLI runs synchronously between requests, blocking this process for seconds:
 * the server may close the idle keep-alive socket just as the next request is
 * sent (ECONNRESET). One retry on a fresh socket.
 */
const retry =
  <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
  (...a: A): Promise<R> =>
    fn(...a).catch(() => fn(...a));
const getJson = retry(getJsonOnce);
const getPage = retry(getPageOnce);

async function main() {
  const fx = await buildFixtureIndex();
  const srv = await serve(createApp({ handle: { current: () => (fx as any).engine } } as any));
  const out: unknown[] = [];
  for (const c of GOLDEN_CASES) {
    const query = qs(c.params);
    const api = (await getJson(srv.base, `/api/search?${query}`)).body;
    delete api.tookMs;
    const page = await getPage(srv.base, `/?${query}`);
    const first = api.hits?.[0];
    const q = c.params.find(([k]) => k === 'q')?.[1];
    const report = first ? await getPage(srv.base, `/doc/${encodeURIComponent(first.id)}${q ? `?${qs([['q', q]])}` : ''}`) : null;
    const args = ['tsx', 'src/cli/main.ts', 'search', '--index', fx.indexDir, '--json'];
    for (const [k, v] of c.params) if (k !== 'q') args.push(`--${k}=${v}`);
    if (q !== undefined) args.push('--', String(q));
    const cli = JSON.parse(execFileSync('npx', args, { cwd: root, encoding: 'utf8' }));
    out.push({
      params: c.params,
      api,
      page: pageHits(page.$),
      report: report ? { id: first.id, marks: reportMarks(report.$) } : null,
      // The CLI's passages are data ({paragraph, start, end, text, ranges}); kept rendered, as the web renders them.
      cli: {
        total: cli.total,
        ids: cli.hits.map((h: any) => h.id),
        passages: cli.hits.map((h: any) => h.passages.map((p: any) => ('html' in p ? p : { anchor: `p-${p.paragraph}`, html: passageHtml(p) }))),
      },
    });
  }
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  await srv.close();
  await fx.cleanup();
}
main();
