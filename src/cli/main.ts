/**
 * report-search command line: one entry point, one module per command.
 *
 *   report-search ingest [--data DIR] [--json] [--text]
 *   report-search index  [--data DIR] [--index DIR]
 *   report-search search QUERY [--region R]… [--year Y]… [--sort S] [--page N] [--size N] [--json] [--index DIR]
 *   report-search check  [--index DIR]
 *   report-search trend TERM… [--by year|region] [--region R]… [--year Y]… [--csv|--jsonl|--json] [--out FILE]
 *   report-search kwic QUERY [--context N] [--sort S] [--page N] [--size N] [--csv|--jsonl|--json] [--out FILE]
 *   report-search export QUERY [--region R]… [--year Y]… [--sort S] [--csv|--jsonl] [--out FILE]
 *   report-search serve
 */
import { UsageError } from './args.js';

const USAGE = `用法：
  report-search ingest [--data 目录] [--json] [--text]     读取并清洗报告，输出统计或 JSON
  report-search index  [--data 目录] [--index 目录]        建立（或增量更新）索引
  report-search search 查询词 [--region 地区] [--year 年份] [--from 年份或日期] [--to 年份或日期]
                       [--issuer 发文机关] [--type 类型] [--level 全国|省级|市级|县级] [--match exact|fuzzy]
                       [--sort relevance|date-desc|date-asc] [--page N] [--size N] [--json] [--index 目录]
  report-search trend 检索词… [--by year|region] [--region 地区] [--year 年份]
                       [--csv | --jsonl | --json] [--out 文件] [--index 目录]
                                                           检索词的分布（每个参数一个词，最多 5 个）
  report-search kwic 查询词 [--context 10..100] [--sort corpus|left|right|date|region]
                       [--page N] [--size N] [--region 地区] [--year 年份]
                       [--csv | --jsonl | --json] [--out 文件] [--index 目录]
                                                           逐条列出每一处出现及其语境
  report-search export 查询词 [--region 地区] [--year 年份] [--sort …] [--csv | --jsonl]
                       [--out 文件] [--index 目录]            导出全部检索结果（默认 CSV）
  report-search reuse  [--min-chars N] [--jsonl] [--out 文件] [--index 目录]
                                                           全库文字复用：每一对共用文字的段落（先出为来源）
  report-search check  [--index 目录]                       逐字节检查索引是否完好
  report-search serve  [--public]                           建立索引（如需要）并启动网站
  index、search、serve 都接受 --backend local|opensearch 和 --opensearch-url 地址（用 OpenSearch 节点代替本地索引）
导出的链接指向 --base-url（默认 http://localhost:3000，或环境变量 BASE_URL）。
环境变量：DATA_DIR（默认 data）、INDEX_DIR（默认 index）、PORT（默认 3000）、HOST、AUTH_TOKEN、PUBLIC、
          BACKEND（默认 local）、OPENSEARCH_URL（默认 http://127.0.0.1:9200）`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'ingest':
      return (await import('./ingest.js')).runIngest(rest);
    case 'index':
      return (await import('./build.js')).runIndex(rest);
    case 'search':
      return (await import('./search.js')).runSearch(rest);
    case 'check':
      return (await import('./check.js')).runCheck(rest);
    case 'trend':
      return (await import('./trend.js')).runTrend(rest);
    case 'kwic':
      return (await import('./kwic.js')).runKwic(rest);
    case 'export':
      return (await import('./export.js')).runExport(rest);
    case 'reuse':
      return (await import('./reuse.js')).runReuse(rest);
    case 'serve':
      await (await import('./serve.js')).runServe(rest);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    default:
      console.error(`未知命令：${command}\n\n${USAGE}`);
      return 2;
  }
}

// `report-search ingest | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/** Errors whose message is written for the user (Chinese, with the fix): printed alone, never with a stack. */
const USER_ERRORS = new Set(['IndexError', 'BuildError', 'QueryError', 'ParamError', 'ServeError', 'OpenSearchUnavailable']);

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    const name = err instanceof Error ? err.name : '';
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    if (name === 'BuildAborted') {
      // Ctrl+C: the conventional status of a process ended by SIGINT
      console.error((err as Error).message);
      process.exitCode = 130;
      return;
    }
    if (USER_ERRORS.has(name)) console.error((err as Error).message);
    else if (process.env.DEBUG) console.error(err);
    else console.error(`出错了：${err instanceof Error ? err.message : String(err)}（设置 DEBUG=1 可查看详细信息）`);
    process.exitCode = 1;
  },
);
