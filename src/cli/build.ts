/** `report-search index`: build the index of a data folder, with a progress bar and a summary. */
import { buildIndex } from '../index/builder.js';
import { parseCliArgs, UsageError } from './args.js';

export async function runIndex(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, { data: { type: 'string' }, index: { type: 'string' } });
  if (positionals.length) throw new UsageError(`多余的参数：${positionals.join(' ')}`);
  const dataDir = (values.data as string | undefined) ?? process.env.DATA_DIR ?? 'data';
  const indexDir = (values.index as string | undefined) ?? process.env.INDEX_DIR ?? 'index';
  const s = await buildIndex({ dataDir, indexDir, progress: true });
  console.log(
    `索引完成：找到 ${s.found} 个文件，收录 ${s.reports} 篇报告，跳过 ${s.skipped.length} 个，重复 ${s.duplicates} 篇，用时 ${(s.ms / 1000).toFixed(1)} 秒`,
  );
  for (const k of s.skipped) console.log(`  跳过 ${k.path}：${k.reason}`);
  console.log(`索引位置：${s.generation}`);
  return 0;
}
