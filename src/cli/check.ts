/** `report-search check [--index DIR]`: verify every byte of the live index; exit 1 when damaged. */
import { checkIndex } from '../index/check.js';
import { parseCliArgs, UsageError } from './args.js';

export async function runCheck(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, { index: { type: 'string' } });
  if (positionals.length) throw new UsageError(`多余的参数：${positionals.join(' ')}`);
  const indexDir = (values.index as string | undefined) ?? process.env.INDEX_DIR ?? 'index';
  const t0 = performance.now();
  const r = await checkIndex(indexDir);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.problems.length) {
    console.error(`索引已损坏（${r.generation ?? indexDir}）：`);
    for (const p of r.problems) console.error(`  ${p}`);
    return 1;
  }
  console.log(`索引完好：${r.generation}，${r.files} 个文件（${(r.bytes / 2 ** 20).toFixed(1)} MB），${r.reports} 篇报告，用时 ${secs} 秒`);
  return 0;
}
