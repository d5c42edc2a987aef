/**
 * `report-search kwic QUERY [--context N] [--sort corpus|left|right|date|region]`:
 * the concordance in a terminal (the match in reverse video, or 【】 when not a
 * terminal), one page at a time; `--csv`/`--jsonl` write every line (no limit)
 * to `--out FILE` or standard output; `--json` prints the API's page.
 */
import { kwicColumns } from '../research/export.js';
import { kwicPage, kwicStream, type KwicArgs } from '../research/kwic.js';
import { parseKwicParams, toFilters, toQuery } from '../research/params.js';
import { parseCliArgs } from './args.js';
import { cliLinks, COMMON_OPTIONS, fileFormat, openFor, rawQuery, writeRows } from './export.js';

/** Terminal columns of a string: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return w;
}
export const padStart = (s: string, width: number) => ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
export const padEnd = (s: string, width: number) => s + ' '.repeat(Math.max(0, width - displayWidth(s)));

export async function runKwic(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, {
    ...COMMON_OPTIONS,
    context: { type: 'string' },
    sort: { type: 'string' },
    page: { type: 'string' },
    size: { type: 'string' },
  });
  const state = parseKwicParams({ q: positionals.join(' '), ...rawQuery(values, ['region', 'year', 'context', 'sort', 'page', 'size']) });
  const args: KwicArgs = { q: state.q, query: toQuery(state.q, state.match), filters: toFilters(state), context: state.context, sort: state.sort };
  const engine = await openFor(values);
  try {
    const format = fileFormat(values);
    if (format) {
      await writeRows(values, kwicStream(engine, args), kwicColumns(state.q, cliLinks(values)), format);
      return 0;
    }
    const page = await kwicPage(engine, args, state.page, state.size);
    if (values.json) {
      console.log(JSON.stringify(page, null, 2));
      return 0;
    }
    const [open, close] = process.stdout.isTTY ? ['\x1b[7m', '\x1b[27m'] : ['【', '】'];
    const from = (state.page - 1) * state.size;
    console.log(`共 ${page.total} 处，第 ${page.hits.length ? from + 1 : 0}–${from + page.hits.length} 处`);
    const width = state.context * 2;
    for (const l of page.hits) {
      const where = `${l.year ?? '年份未知'} ${l.region ?? '地区未知'} ${l.id}#${l.anchor}`;
      console.log(`${padStart(l.left, width)} ${open}${l.match}${close} ${padEnd(l.right, width)}  ${where}`);
    }
  } finally {
    engine.close();
  }
  return 0;
}
