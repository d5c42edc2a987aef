/**
 * The engine API change must not change an answer: for 35 queries over the
 * sample archive, the search page, the report page, /api/search and the CLI
 * give the same ids, totals, facet counts, passage texts and marks as the
 * golden file captured before the change (test/golden/capture.ts).
 *
 * When an intended change alters answers (new excerpt rules, new syntax),
 * regenerate the file with the capture script and review its diff.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSearch } from '../../src/cli/search.js';
import { createApp } from '../../src/web/app.js';
import { passageHtml } from '../../src/web/html.js';
import { buildFixtureIndex, type FixtureIndex } from '../helpers/fixture-index.js';
import { getJson, getPage, qs, serve, type Served } from '../helpers/http.js';
import { GOLDEN_CASES, pageHits, reportMarks } from './cases.js';

interface Golden {
  params: Array<[string, string | number]>;
  api: any;
  page: unknown;
  report: { id: string; marks: unknown } | null;
  cli: { total: number; ids: string[]; passages: Array<Array<{ anchor: string; html: string }>> };
}

const golden = JSON.parse(readFileSync(new URL('./golden.json', import.meta.url), 'utf8')) as Golden[];
const root = fileURLToPath(new URL('../..', import.meta.url));

let fx: FixtureIndex;
let srv: Served;
beforeAll(async () => {
  fx = await buildFixtureIndex();
  srv = await serve(createApp({ handle: { current: () => fx.engine } }));
});
afterAll(async () => {
  await srv?.close();
  await fx?.cleanup();
});

/** CLI arguments for a case: options, then the query (which may start with '-'). */
function cliArgs(params: Array<[string, string | number]>, indexDir: string): string[] {
  const args = ['--index', indexDir, '--json'];
  for (const [k, v] of params) if (k !== 'q') args.push(`--${k}=${v}`);
  const q = params.find(([k]) => k === 'q');
  if (q) args.push(String(q[1]));
  return args;
}

/** Runs the CLI's search command in this process and returns what it printed. */
async function cliJson(args: string[]): Promise<any> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  try {
    expect(await runSearch(args)).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(lines.join('\n'));
}

describe('golden answers, before and after the engine API', () => {
  it('has at least 30 cases', () => {
    expect(golden.length).toBe(GOLDEN_CASES.length);
    expect(golden.length).toBeGreaterThanOrEqual(30);
  });

  it.each(golden.map((g, i) => [g.params.map(([k, v]) => `${k}=${v}`).join('&'), i] as const))('%s', async (_, i) => {
    const g = golden[i];
    const query = qs(g.params);

    const api = (await getJson(srv.base, `/api/search?${query}`)).body;
    delete api.tookMs;
    expect(api).toEqual(g.api);

    const page = await getPage(srv.base, `/?${query}`);
    expect(pageHits(page.$)).toEqual(g.page);

    if (g.report) {
      const q = g.params.find(([k]) => k === 'q')?.[1];
      const report = await getPage(srv.base, `/doc/${encodeURIComponent(g.report.id)}${q ? `?${qs([['q', q]])}` : ''}`);
      expect(reportMarks(report.$)).toEqual(g.report.marks);
    }

    const cli = await cliJson(cliArgs(g.params, fx.indexDir));
    expect(cli.total).toBe(g.cli.total);
    expect(cli.hits.map((h: any) => h.id)).toEqual(g.cli.ids);
    // The CLI returns passages as data; rendered, they are the passages the golden CLI printed.
    expect(cli.hits.map((h: any) => h.passages.map((p: any) => ({ anchor: `p-${p.paragraph}`, html: passageHtml(p) })))).toEqual(g.cli.passages);
  });

  it('the CLI as a process gives the same answer (an exclusion query needs no "--")', () => {
    const g = golden.find((x) => x.params.some(([k, v]) => k === 'q' && v === '-双随机'))!;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'search', ...cliArgs(g.params, fx.indexDir)], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.total).toBe(g.cli.total);
    expect(out.hits.map((h: any) => h.id)).toEqual(g.cli.ids);
  });
});
