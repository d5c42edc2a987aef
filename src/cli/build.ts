/** `report-search index`: build the index of a data folder, with a progress bar and a summary. */
import { buildOpenSearchIndex } from '../backends/opensearch/build.js';
import { openSearchHttp } from '../backends/opensearch/http.js';
import { buildIndex } from '../index/builder.js';
import { discardActiveGenerationsSync } from '../index/storage.js';
import { parseCliArgs, UsageError } from './args.js';
import { takeBackendArgs, withOpenSearch } from './backend.js';

/**
 * An AbortSignal fired by the first Ctrl+C (or SIGTERM): the build stops at a
 * safe point and deletes its partial files. A second Ctrl+C deletes them at
 * once and exits. Call the returned function to stop listening.
 */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      discardActiveGenerationsSync();
      process.stderr.write('\n已强制中断，未完成的索引文件已删除。\n');
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    process.stderr.write('\n正在中断建立索引：等待当前文件处理完毕后删除未完成的文件…（再按一次 Ctrl+C 立即退出）\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function runIndex(args: string[]): Promise<number> {
  const { argv, backend } = takeBackendArgs(args);
  const { values, positionals } = parseCliArgs(argv, { data: { type: 'string' }, index: { type: 'string' } });
  if (positionals.length) throw new UsageError(`多余的参数：${positionals.join(' ')}`);
  const dataDir = (values.data as string | undefined) ?? process.env.DATA_DIR ?? 'data';
  if (backend.kind === 'opensearch') {
    const s = await withOpenSearch(backend.url, () => buildOpenSearchIndex({ dataDir, http: openSearchHttp(backend.url), progress: true }));
    console.log(
      `索引完成（OpenSearch）：找到 ${s.found} 个文件，收录 ${s.reports} 篇报告，跳过 ${s.skipped.length} 个，重复 ${s.duplicates} 篇，用时 ${(s.ms / 1000).toFixed(1)} 秒`,
    );
    for (const k of s.skipped) console.log(`  跳过 ${k.path}：${k.reason}`);
    console.log(`索引位置：${backend.url} 上的 ${s.index}（别名 ${s.alias} 已指向它${s.deleted.length ? `，删除旧索引 ${s.deleted.join('、')}` : ''}）`);
    return 0;
  }
  const indexDir = (values.index as string | undefined) ?? process.env.INDEX_DIR ?? 'index';
  const interrupt = interruptSignal();
  const s = await buildIndex({ dataDir, indexDir, progress: true, signal: interrupt.signal }).finally(interrupt.dispose);
  console.log(
    `索引完成：找到 ${s.found} 个文件，收录 ${s.reports} 篇报告，跳过 ${s.skipped.length} 个，重复 ${s.duplicates} 篇，用时 ${(s.ms / 1000).toFixed(1)} 秒`,
  );
  for (const k of s.skipped) console.log(`  跳过 ${k.path}：${k.reason}`);
  console.log(`索引位置：${s.generation}`);
  return 0;
}
