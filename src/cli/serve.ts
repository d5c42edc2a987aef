/**
 * `report-search serve` (and `npm start`): index the data folder when the index is
 * missing, older than the data or built by another version (with a progress bar),
 * then serve the web app until SIGINT/SIGTERM.
 *
 * Configuration, flags first, then environment, then defaults:
 *
 * | flag      | env       | default     |
 * |-----------|-----------|-------------|
 * | --data    | DATA_DIR  | data        |
 * | --index   | INDEX_DIR | index       |
 * | --port    | PORT      | 3000        |
 * | --host    | HOST      | 127.0.0.1   |
 *
 * HOST defaults to the loopback interface: the archive is served to this machine only
 * (http://localhost:3000 works in browsers, which fall back from ::1 to 127.0.0.1).
 * `HOST=0.0.0.0` (or `::`) shares it on the local network.
 *
 * ### Examples
 * await runServe([]);                         // http://localhost:3000
 * await runServe(['--port', '8080', '--data', '/srv/reports']);
 */
import type { AddressInfo } from 'node:net';
import { buildIndex } from '../index/builder.js';
import { staleReason } from '../index/reader.js';
import type { Engine, EngineHandle } from '../search/engine.js';
import { watchIndex } from '../search/open.js';
import { createApp } from '../web/app.js';
import { parseCliArgs, UsageError } from './args.js';
import { takeBackendArgs, withOpenSearch, type BackendChoice } from './backend.js';
import { buildOpenSearchIndex, openSearchStaleReason } from '../backends/opensearch/build.js';
import { watchOpenSearch } from '../backends/opensearch/engine.js';
import { openSearchHttp } from '../backends/opensearch/http.js';

/** A configuration or start-up problem; the message (Chinese) says what to change. */
export class ServeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServeError';
  }
}

export interface ServeConfig {
  dataDir: string;
  indexDir: string;
  port: number;
  host: string;
}

export function serveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const { values: v, positionals } = parseCliArgs(argv, {
    data: { type: 'string' },
    index: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`多余的参数：${positionals.join(' ')}`);
  const values = v as Record<string, string | undefined>;
  const portRaw = values.port ?? env.PORT ?? '3000';
  const port = /^\d{1,5}$/.test(portRaw) ? Number(portRaw) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new ServeError(`serve：端口 ${portRaw} 无效——PORT 应是 0 到 65535 之间的整数`);
  }
  return {
    dataDir: values.data ?? env.DATA_DIR ?? 'data',
    indexDir: values.index ?? env.INDEX_DIR ?? 'index',
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
  };
}

/** How a person types the address: 127.0.0.1 and the wildcard addresses read better as localhost. */
function displayUrl(host: string, port: number): string {
  const local = ['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost'].includes(host);
  const h = local ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/** Resolves once the server has shut down after SIGINT/SIGTERM. */
export async function runServe(args: string[]): Promise<void> {
  const { argv, backend } = takeBackendArgs(args);
  const config = serveConfig(argv);
  const handle = backend.kind === 'opensearch' ? await withOpenSearch(backend.url, () => openSearchHandle(config, backend)) : await localHandle(config);
  await listen(config, handle, backend.kind === 'opensearch' ? `，OpenSearch ${backend.url}` : '');
}

/**
 * The OpenSearch backend: build the index of the data folder when the alias is
 * missing or older than the data, then follow the alias (a rebuild with
 * `npm run index -- --backend opensearch` is swapped in).
 */
async function openSearchHandle(config: ServeConfig, backend: BackendChoice): Promise<EngineHandle & { close(): void }> {
  const http = openSearchHttp(backend.url);
  const reason = await openSearchStaleReason(http, config.dataDir);
  if (reason) {
    console.log(`${reason}，正在为 ${config.dataDir} 建立 OpenSearch 索引（${backend.url}）…`);
    const s = await buildOpenSearchIndex({ dataDir: config.dataDir, http, progress: true });
    console.log(`索引完成：收录 ${s.reports} 篇报告，跳过 ${s.skipped.length} 个文件，用时 ${(s.ms / 1000).toFixed(1)} 秒`);
  } else {
    console.log(`OpenSearch 索引是最新的（${backend.url}）`);
  }
  return watchOpenSearch({ http }, (e: Engine | Error) => {
    if (e instanceof Error) console.error(`重新加载索引失败，继续使用原索引：${e.message}`);
    else console.log(`已加载新索引：${e.info.reports} 篇报告（${e.info.builtAt}）`);
  });
}

async function localHandle(config: ServeConfig): Promise<EngineHandle & { close(): void }> {
  const reason = await staleReason(config.dataDir, config.indexDir);
  if (reason) {
    console.log(`${reason}，正在为 ${config.dataDir} 建立索引…`);
    const s = await buildIndex({ dataDir: config.dataDir, indexDir: config.indexDir, progress: true });
    console.log(`索引完成：收录 ${s.reports} 篇报告，跳过 ${s.skipped.length} 个文件，用时 ${(s.ms / 1000).toFixed(1)} 秒`);
  } else {
    console.log(`索引是最新的（${config.indexDir}）`);
  }

  return watchIndex(config.indexDir, {
    // `npm run index` in another terminal publishes a new generation; requests move to it atomically
    onReload: (e: Engine | Error) => {
      if (e instanceof Error) console.error(`重新加载索引失败，继续使用原索引：${e.message}`);
      else console.log(`已加载新索引：${e.info.reports} 篇报告（${e.info.builtAt}）`);
    },
  });
}

/** Serves the app until SIGINT/SIGTERM. */
async function listen(config: ServeConfig, handle: EngineHandle & { close(): void }, where: string): Promise<void> {
  const app = createApp({ handle });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) => {
      handle.close();
      if (err.code === 'EADDRINUSE') {
        reject(new ServeError(`serve：端口 ${config.port} 已被占用——换一个端口，例如 PORT=3001 npm start`));
      } else reject(err);
    });
  });
  const { port } = server.address() as AddressInfo;
  console.log(`报告搜索已启动：${displayUrl(config.host, port)}（${handle.current().info.reports} 篇报告${where}，按 Ctrl+C 停止）`);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.log(`\n收到 ${signal}，正在关闭…`);
      handle.close();
      server.close(() => resolve());
      // keep-alive connections would hold close() open for seconds
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 2000).unref();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log('已停止。');
}
