/** `report-search index`: build the index of a data folder, with a progress bar and a summary. */
import { buildOpenSearchIndex } from '../backends/opensearch/build.js';
import { openSearchHttp } from '../backends/opensearch/http.js';
import { buildIndex } from '../index/builder.js';
import { parseCliArgs, UsageError } from './args.js';
import { takeBackendArgs, withOpenSearch } from './backend.js';

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
  const s = await buildIndex({ dataDir, indexDir, progress: true });
  console.log(
    `索引完成：找到 ${s.found} 个文件，收录 ${s.reports} 篇报告，跳过 ${s.skipped.length} 个，重复 ${s.duplicates} 篇，用时 ${(s.ms / 1000).toFixed(1)} 秒`,
  );
  for (const k of s.skipped) console.log(`  跳过 ${k.path}：${k.reason}`);
  console.log(`索引位置：${s.generation}`);
  return 0;
}
