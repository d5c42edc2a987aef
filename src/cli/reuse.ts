/**
 * `report-search reuse [--min-chars N] [--out pairs.csv] [--jsonl] [--index DIR]`:
 * text reuse across the whole archive (issue 11) — every aligned passage pair
 * between two reports, the earlier as source, streamed as CSV (UTF-8 with a BOM,
 * permalink columns) or JSONL. Progress goes to standard error.
 */
import { reusePairs, type ReusePair } from '../reuse/index.js';
import type { Column } from '../research/export.js';
import { openEngine } from '../search/open.js';
import { parseCliArgs, UsageError } from './args.js';
import { cliLinks, writeRows } from './export.js';

const round = (x: number) => Math.round(x * 1000) / 1000;

function columns(link: (id: string, anchor: string) => string): Column<ReusePair>[] {
  const side = (name: 'source' | 'target', label: string): Column<ReusePair>[] => [
    { key: `${name}Id`, header: `${label}报告`, value: (p) => p[name].id },
    { key: `${name}Region`, header: `${label}地区`, value: (p) => p[name].region || '未知' },
    { key: `${name}Year`, header: `${label}年份`, value: (p) => p[name].year },
    { key: `${name}Date`, header: `${label}日期`, value: (p) => p[name].date },
    { key: `${name}Paragraph`, header: `${label}段落`, value: (p) => Number(p[name].anchor.slice(2)) + 1 },
    { key: `${name}Url`, header: `${label}链接`, value: (p) => link(p[name].id, p[name].anchor) },
    { key: `${name}Text`, header: `${label}文字`, value: (p) => p[name].text },
  ];
  return [
    ...side('source', '来源'),
    ...side('target', '后出'),
    { key: 'sharedChars', header: '共用字数', value: (p) => p.sharedChars },
    { key: 'similarity', header: '相似度', value: (p) => round(p.similarity) },
    { key: 'boilerplate', header: '套话比例', value: (p) => round(p.boilerplate) },
    { key: 'tie', header: '先后不明', value: (p) => (p.tie ? '是' : '') },
  ];
}

export async function runReuse(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, {
    'min-chars': { type: 'string' },
    out: { type: 'string' },
    jsonl: { type: 'boolean' },
    csv: { type: 'boolean' },
    index: { type: 'string' },
    'base-url': { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`多余的参数：${positionals.join(' ')}`);
  const raw = values['min-chars'] as string | undefined;
  const minChars = raw === undefined ? 0 : /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(minChars)) throw new UsageError('--min-chars 必须是整数（共用的最少字数）');
  const engine = await openEngine((values.index as string | undefined) ?? process.env.INDEX_DIR ?? 'index', { warm: false });
  try {
    const index = engine.reuseIndex();
    const links = cliLinks(values);
    let last = 0;
    const pairs = (function* () {
      for (const p of reusePairs(index, {
        onProgress: (done, total) => {
          if (process.stderr.isTTY && Date.now() - last > 1000) {
            last = Date.now();
            process.stderr.write(`\r比对中：${done} / ${total} 篇报告`);
          }
        },
      })) {
        if (p.sharedChars >= minChars) yield p;
      }
    })();
    const n = await writeRows(values, pairs, columns((id, anchor) => links.doc(id, '', anchor)), values.jsonl ? 'jsonl' : 'csv');
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (!values.out) process.stderr.write(`共 ${values.jsonl ? n : n - 1} 对文字复用\n`);
  } finally {
    engine.close();
  }
  return 0;
}
