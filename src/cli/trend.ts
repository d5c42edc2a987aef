/**
 * `report-search trend TERM… [--by year|region]`: the distribution of up to
 * five terms (one per argument; quote a term with spaces) as a table, or the
 * API's JSON (`--json`), or CSV/JSONL rows (`--csv`, `--jsonl`, `--out FILE`).
 */
import { trendColumns, type TrendRow } from '../research/export.js';
import { parseTrendParams, toFilters, toQuery } from '../research/params.js';
import { isOwnLevel, per10k, share, trend, type Trend } from '../research/trend.js';
import { parseCliArgs } from './args.js';
import { cliLinks, COMMON_OPTIONS, fileFormat, openFor, rawQuery, writeRows } from './export.js';
import { padEnd, padStart } from './kwic.js';

export async function runTrend(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, { ...COMMON_OPTIONS, by: { type: 'string' } });
  const state = parseTrendParams({ q: positionals, ...rawQuery(values, ['region', 'year', 'by']) });
  const filters = toFilters(state);
  const engine = await openFor(values);
  const results: Trend[] = [];
  try {
    for (const t of state.terms.length ? state.terms : ['']) results.push(await trend(engine, t, toQuery(t, state.match), filters, state.by));
  } finally {
    engine.close();
  }
  const format = fileFormat(values);
  if (format) {
    const rows: TrendRow[] = results.flatMap((r) => r.buckets.map((bucket) => ({ query: r.query, by: r.by, bucket, filters })));
    await writeRows(values, rows, trendColumns(cliLinks(values)), format);
    return 0;
  }
  if (values.json) {
    console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
    return 0;
  }
  for (const r of results) {
    console.log(`\n“${r.query || '（全部报告）'}”按${r.by === 'year' ? '年份' : '地区'}：`);
    console.log(`${padEnd(r.by === 'year' ? '年份' : '地区', 16)}${padStart('报告', 8)}${padStart('提及', 8)}${padStart('占比', 9)}${padStart('次数', 9)}${padStart('每万字', 9)}`);
    for (const b of r.buckets) {
      const label = b.key === null ? '未知' : isOwnLevel(b.key, state.regions) ? `${b.key.split('/').pop()}（本级）` : b.key.split('/').pop()!;
      const s = share(b);
      const rate = per10k(b);
      console.log(
        `${padEnd(label, 16)}${padStart(String(b.reports), 8)}${padStart(String(b.matchingReports), 8)}${padStart(s === null ? '—' : `${(s * 100).toFixed(1)}%`, 9)}${padStart(String(b.occurrences), 9)}${padStart(rate === null ? '—' : rate.toFixed(2), 9)}`,
      );
    }
  }
  return 0;
}
