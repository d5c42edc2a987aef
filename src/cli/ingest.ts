/**
 * `report-search ingest [--data DIR] [--json] [--text]`: run the ingest stage
 * and report what it found. `--json` prints one object per report (the
 * interface other tools and tests read); otherwise a summary in Chinese.
 */
import type { ReportDocument } from '../types.js';
import { formatRemoved, ingestFolder } from '../ingest/index.js';

export interface IngestCliOptions {
  data: string;
  json: boolean;
  text: boolean;
}

const USAGE = '用法：report-search ingest [--data 目录] [--json] [--text]';

export function parseIngestArgs(argv: string[]): IngestCliOptions | { error: string } {
  const opts: IngestCliOptions = { data: process.env.DATA_DIR ?? 'data', json: false, text: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--text') opts.text = true;
    else if (a === '--data') {
      const v = argv[++i];
      if (!v) return { error: `--data 需要一个目录。${USAGE}` };
      opts.data = v;
    } else if (a.startsWith('--data=')) opts.data = a.slice('--data='.length);
    else if (a === 'ingest') continue;
    else return { error: `未知参数：${a}。${USAGE}` };
  }
  return opts;
}

/** The --json shape of one report. */
export function toJson(d: ReportDocument, withText: boolean) {
  return {
    id: d.id,
    path: d.path,
    title: d.title,
    issuer: d.issuer,
    region: { province: d.region.province, city: d.region.city, county: d.region.county, code: d.region.code },
    year: d.year,
    date: d.date,
    docNumber: d.docNumber,
    sourceUrl: d.sourceUrl,
    sources: d.sources,
    chars: d.text.length,
    warnings: d.warnings,
    ...(withText ? { text: d.text } : {}),
  };
}

export async function runIngest(argv: string[]): Promise<number> {
  const opts = parseIngestArgs(argv);
  if ('error' in opts) {
    process.stderr.write(opts.error + '\n');
    return 2;
  }
  let result;
  try {
    result = await ingestFolder(opts.data);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  if (opts.json) {
    process.stdout.write(JSON.stringify(result.docs.map((d) => toJson(d, opts.text)), null, 2) + '\n');
  } else if (opts.text) {
    for (const d of result.docs) process.stdout.write(`=== ${d.id}  ${d.title}\n${d.text}\n\n`);
  }
  const out = opts.json || opts.text ? process.stderr : process.stdout;
  out.write(
    `找到 ${result.found} 个文件，导入 ${result.docs.length} 篇，跳过 ${result.skipped.length} 个，重复 ${result.duplicates.length} 篇\n`,
  );
  const removed = formatRemoved(result.removed);
  if (removed) out.write(`${removed}\n`);
  for (const s of result.skipped) out.write(`  跳过 ${s.path}：${s.reason}\n`);
  for (const d of result.duplicates) out.write(`  重复 ${d.path}：与 ${d.duplicateOf} 内容相同\n`);
  if (!opts.json && !opts.text) {
    for (const d of result.docs) {
      const r = [d.region.province, d.region.city, d.region.county].filter(Boolean).join(' ') || '（地区未知）';
      out.write(`  ${d.id}  ${d.title}｜${d.issuer ?? '（发文机构未知）'}｜${r}｜${d.year ?? '—'}｜${d.date ?? '—'}${d.warnings.length ? '｜⚠ ' + d.warnings.join('；') : ''}\n`);
    }
  }
  return 0;
}
