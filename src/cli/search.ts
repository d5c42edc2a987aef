/** `report-search search QUERY`: the library API from a terminal, as text or JSON. */
import { parseArgs } from 'node:util';
import { openIndex } from '../index/reader.js';
import { unescapeHtml } from '../search/highlight.js';
import { parseSearchParams, type RawQuery } from '../web/params.js';


/** Passage HTML for a terminal: marks become reverse video, entities plain characters. */
function passageToTerminal(html: string, color: boolean): string {
  const marked = html.replace(/<mark>/g, color ? '\x1b[7m' : '【').replace(/<\/mark>/g, color ? '\x1b[27m' : '】');
  return unescapeHtml(marked);
}

export async function runSearch(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      region: { type: 'string', multiple: true },
      year: { type: 'string', multiple: true },
      sort: { type: 'string' },
      page: { type: 'string' },
      size: { type: 'string' },
      json: { type: 'boolean', default: false },
      index: { type: 'string', default: process.env.INDEX_DIR ?? 'index' },
    },
  });
  // The same validation as the web API, so both refuse the same input with the same words.
  const raw: RawQuery = { q: positionals.join(' ') };
  if (values.region) raw.region = values.region;
  if (values.year) raw.year = values.year;
  if (values.sort) raw.sort = values.sort;
  if (values.page) raw.page = values.page;
  if (values.size) raw.size = values.size;
  const request = parseSearchParams(raw);
  const engine = await openIndex(values.index!);
  const res = engine.search(request);
  if (values.json) {
    console.log(JSON.stringify(res, null, 2));
    return 0;
  }
  const color = !!process.stdout.isTTY;
  console.log(`共 ${res.total} 篇报告，第 ${res.page} 页，用时 ${res.tookMs} 毫秒`);
  res.hits.forEach((h, i) => {
    const region = [h.region.province, h.region.city, h.region.county].filter(Boolean).join(' ');
    console.log(`\n${(res.page - 1) * res.size + i + 1}. ${h.title}`);
    console.log(`   ${[region, h.year ? `${h.year}年` : '', h.date ?? '', h.issuer ?? ''].filter(Boolean).join(' · ')} · 命中 ${h.matchCount} 处 · ${h.id}`);
    for (const p of h.passages) console.log(`   [${p.anchor}] ${passageToTerminal(p.html, color)}`);
  });
  if (res.facets.year.length) console.log(`\n年份：${res.facets.year.map((b) => `${b.value}（${b.count}）`).join(' ')}`);
  if (res.facets.region.length) console.log(`地区：${res.facets.region.map((b) => `${b.value}（${b.count}）`).join(' ')}`);
  return 0;
}
