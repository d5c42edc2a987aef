/** `report-search search QUERY`: the engine API from a terminal, as text or JSON. */
import { looserQuery } from '../query/parser.js';
import type { Engine } from '../search/engine.js';
import { fuzzyTotal } from '../search/hints.js';
import { openEngine } from '../search/open.js';
import { engineRequest, parseSearchParams, type RawQuery } from '../search/request.js';
import type { PassageData } from '../types.js';
import { parseCliArgs } from './args.js';
import { takeBackendArgs, withOpenSearch } from './backend.js';
import { openOpenSearchEngine } from '../backends/opensearch/engine.js';

/** A passage for a terminal: marks in reverse video (or 【】 when not a terminal), `…` where it is cut. */
export function passageToTerminal(p: PassageData, color: boolean): string {
  const [open, close] = color ? ['\x1b[7m', '\x1b[27m'] : ['【', '】'];
  let out = p.start > 0 ? '…' : '';
  let pos = p.start;
  for (const [s, e] of p.ranges) {
    out += p.text.slice(pos - p.start, s - p.start) + open + p.text.slice(s - p.start, e - p.start) + close;
    pos = e;
  }
  return out + p.text.slice(pos - p.start) + (p.end < p.length ? '…' : '');
}

export async function runSearch(args: string[]): Promise<number> {
  const { argv, backend } = takeBackendArgs(args);
  const { values, positionals } = parseCliArgs(argv, {
    region: { type: 'string', multiple: true },
    year: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    issuer: { type: 'string', multiple: true },
    type: { type: 'string', multiple: true },
    level: { type: 'string', multiple: true },
    match: { type: 'string' },
    sort: { type: 'string' },
    page: { type: 'string' },
    size: { type: 'string' },
    json: { type: 'boolean' },
    index: { type: 'string' },
  });
  // The same validation as the web API, so both refuse the same input with the same words.
  const raw: RawQuery = { q: positionals.join(' ') };
  for (const name of ['region', 'year', 'from', 'to', 'issuer', 'type', 'level', 'match', 'sort', 'page', 'size'] as const) {
    const v = values[name];
    if (v !== undefined) raw[name] = v as string | string[];
  }
  const state = parseSearchParams(raw);
  const { query, filters, options } = engineRequest(state);
  // The search, and the 模糊 count a short 精确 list gets beside it (as on the search page).
  const run = async (engine: Engine) => {
    const result = await engine.search(query, filters, options);
    return { result, fuzzy: await fuzzyTotal(engine, { query, filters, options }, result.total) };
  };
  const { result: res, fuzzy } = await (backend.kind === 'opensearch'
    ? withOpenSearch(backend.url, async () => run(await openOpenSearchEngine({ url: backend.url })))
    : (async () => {
        const engine = await openEngine((values.index as string | undefined) ?? process.env.INDEX_DIR ?? 'index', { warm: false });
        try {
          return await run(engine);
        } finally {
          engine.close();
        }
      })());
  if (values.json) {
    const out = { query: state.q, page: state.page, size: state.size, ...res, warnings: query.parsed.warnings, looserQuery: looserQuery(query.parsed), ...(fuzzy !== null ? { fuzzyTotal: fuzzy } : {}) };
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  const color = !!process.stdout.isTTY;
  for (const w of query.parsed.warnings) console.log(`查询提示：${w}`);
  console.log(`共 ${res.total} 篇报告，第 ${state.page} 页，用时 ${res.tookMs} 毫秒`);
  if (fuzzy !== null && fuzzy > res.total) console.log(`忽略标点、空格和引号的模糊匹配可找到 ${fuzzy} 篇（加 --match fuzzy）`);
  res.hits.forEach((h, i) => {
    const region = [h.region.province, h.region.city, h.region.county].filter(Boolean).join(' ');
    console.log(`\n${(state.page - 1) * state.size + i + 1}. ${h.title}`);
    console.log(`   ${[region, h.year ? `${h.year}年` : '', h.date ?? '', h.issuer ?? ''].filter(Boolean).join(' · ')} · 命中 ${h.matchCount} 处 · ${h.id}`);
    // Paragraphs are numbered from 1, as on the report page (anchor p-N is paragraph N + 1).
    for (const p of h.passages) console.log(`   [第 ${p.paragraph + 1} 段] ${passageToTerminal(p, color)}`);
  });
  if (res.facets.year.length) console.log(`\n年份：${res.facets.year.map((b) => `${b.value}（${b.count}）`).join(' ')}`);
  if (res.facets.region.length) console.log(`地区：${res.facets.region.map((b) => `${b.value}（${b.count}）`).join(' ')}`);
  if (res.facets.level.length) console.log(`级别：${res.facets.level.map((b) => `${b.value}（${b.count}）`).join(' ')}`);
  if (res.facets.type.length) console.log(`类型：${res.facets.type.map((b) => `${b.value}（${b.count}）`).join(' ')}`);
  if (res.facets.issuer.length) console.log(`发文机关：${res.facets.issuer.slice(0, 20).map((b) => `${b.value}（${b.count}）`).join(' ')}${res.facets.issuer.length > 20 ? ' …' : ''}`);
  return 0;
}
