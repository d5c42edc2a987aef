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
 * | --public  | PUBLIC=1  | off         |
 * |           | AUTH_TOKEN| none        |
 * |           | RATE_LIMIT| 300 (requests per address per minute; 0: off) |
 * |           | MAX_CONCURRENT | 4 (normal searches answered at once, the rest queue; expensive ones have a lane of their own) |
 * |           | LOG_QUERIES | 1 (0: access log lines without the query text) |
 * |           | ACCESS_LOG | 1 (0: no access log) |
 * |           | QUERY_DEADLINE_MS | 1500 (a search stops with a 503 past it) |
 * |           | BUDGET    | 1 (0: no cost budget or deadline) |
 * | --public-url | PUBLIC_URL | (the address the browser used) |
 *
 * HOST defaults to the loopback interface: the archive is served to this machine only
 * (http://localhost:3000 works in browsers, which fall back from ::1 to 127.0.0.1).
 * `HOST=0.0.0.0` (or `::`) shares it on the local network, and then an access
 * setting is required: `AUTH_TOKEN` (a login), or `--public` for an archive
 * meant to be public. Without either, serve refuses to start. `PUBLIC_URL` is the address
 * the server gives out in citations and exports (`http://reports.lan:3000`, or the HTTPS
 * address of a proxy in front of it); without it, the address the browser used.
 *
 * ### Examples
 * await runServe([]);                         // http://localhost:3000
 * await runServe(['--port', '8080', '--data', '/srv/reports']);
 */
import type { AddressInfo } from 'node:net';
import { buildIndex } from '../index/builder.js';
import { staleReason } from '../index/reader.js';
import { currentGeneration } from '../index/storage.js';
import type { Engine, EngineHandle } from '../search/engine.js';
import { watchIndex } from '../search/open.js';
import { DEFAULT_BUDGET } from '../search/budget.js';
import { DEFAULT_MAX_CONCURRENT, DEFAULT_RATE_PER_MINUTE, createHttpServer, type AccessOptions } from '../web/access.js';
import { createApp } from '../web/app.js';
import { PUBLIC_URL_SETTING } from '../web/urls.js';
import { parseCliArgs, UsageError } from './args.js';
import { interruptSignal } from './build.js';
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
  /** Served without a token on purpose (--public / PUBLIC=1). */
  public: boolean;
  /** AUTH_TOKEN (environment only: a flag would show in `ps`); null: none. */
  token: string | null;
  ratePerMinute: number;
  maxConcurrent: number;
  logQueries: boolean;
  accessLog: boolean;
  /** Per-request cost budget (BUDGET=0: off) and its deadline (QUERY_DEADLINE_MS). */
  budget: { deadlineMs: number } | null;
  /** Scheme, host and optional path, no trailing slash; absent: the address each request used. */
  publicUrl?: string;
}

/** Shortest AUTH_TOKEN accepted: a guessable token is no protection. */
export const MIN_TOKEN_LENGTH = 16;

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

function nonNegativeInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new ServeError(`serve：${name}=${raw} 无效——应是不小于 0 的整数`);
  return Number(raw);
}

/** `PUBLIC_URL`: an http(s) address without query or fragment; returned without trailing slashes. */
function parsePublicUrl(raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new ServeError(`serve：PUBLIC_URL ${raw} 无效——应是 http:// 或 https:// 开头的地址，例如 http://192.168.1.5:3000`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export function serveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const { values: v, positionals } = parseCliArgs(argv, {
    data: { type: 'string' },
    index: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    public: { type: 'boolean' },
    'public-url': { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`多余的参数：${positionals.join(' ')}`);
  const values = v as Record<string, string | undefined>;
  const portRaw = values.port ?? env.PORT ?? '3000';
  const port = /^\d{1,5}$/.test(portRaw) ? Number(portRaw) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new ServeError(`serve：端口 ${portRaw} 无效——PORT 应是 0 到 65535 之间的整数`);
  }
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const isPublic = v.public === true || env.PUBLIC === '1' || env.PUBLIC === 'true';
  const token = env.AUTH_TOKEN ? env.AUTH_TOKEN : null;
  if (token !== null && token.length < MIN_TOKEN_LENGTH) {
    throw new ServeError(
      `serve：AUTH_TOKEN 太短（${token.length} 个字符）——至少 ${MIN_TOKEN_LENGTH} 个字符，可以这样生成：node -e "console.log(require('crypto').randomBytes(18).toString('base64url'))"`,
    );
  }
  if (!isLoopback(host) && token === null && !isPublic) {
    throw new ServeError(
      `serve：监听 ${host} 会把整个报告资料库开放给网络上的任何人，但没有设置访问口令——` +
        `请设置 AUTH_TOKEN（至少 ${MIN_TOKEN_LENGTH} 个字符，例如 AUTH_TOKEN=$(openssl rand -hex 16) HOST=${host} npm start），` +
        `或者在资料库本来就可以公开时加上 --public（或 PUBLIC=1）；只在本机使用时去掉 HOST 即可`,
    );
  }
  const publicRaw = values['public-url'] ?? env.PUBLIC_URL;
  return {
    dataDir: values.data ?? env.DATA_DIR ?? 'data',
    indexDir: values.index ?? env.INDEX_DIR ?? 'index',
    port,
    host,
    public: isPublic,
    token,
    ratePerMinute: nonNegativeInt('RATE_LIMIT', env.RATE_LIMIT, DEFAULT_RATE_PER_MINUTE),
    // 0: no queue at all (every request runs at once, as before issue 14)
    maxConcurrent: nonNegativeInt('MAX_CONCURRENT', env.MAX_CONCURRENT, DEFAULT_MAX_CONCURRENT) || Infinity,
    budget: env.BUDGET === '0' ? null : { deadlineMs: nonNegativeInt('QUERY_DEADLINE_MS', env.QUERY_DEADLINE_MS, DEFAULT_BUDGET.deadlineMs) },
    logQueries: env.LOG_QUERIES !== '0',
    accessLog: env.ACCESS_LOG !== '0',
    ...(publicRaw ? { publicUrl: parsePublicUrl(publicRaw) } : {}),
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
  // Why the start-up rebuild failed while an older index keeps serving (terminal and /healthz).
  const state: RebuildState = { error: null };
  const handle =
    backend.kind === 'opensearch'
      ? await withOpenSearch(backend.url, () => openSearchHandle(config, backend))
      : await localHandle(config, state);
  await listen(config, handle, state, backend.kind === 'opensearch' ? `，OpenSearch ${backend.url}` : '');
}

interface RebuildState {
  error: string | null;
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

/**
 * The local backend: rebuild the index when it is missing or older than the
 * data (a failed rebuild keeps the previous generation serving, and says why),
 * then follow the index folder.
 */
async function localHandle(config: ServeConfig, state: RebuildState): Promise<EngineHandle & { close(): void }> {
  const reason = await staleReason(config.dataDir, config.indexDir);
  if (reason) {
    console.log(`${reason}，正在为 ${config.dataDir} 建立索引…`);
    const interrupt = interruptSignal();
    try {
      const s = await buildIndex({ dataDir: config.dataDir, indexDir: config.indexDir, progress: true, signal: interrupt.signal });
      console.log(`索引完成：收录 ${s.reports} 篇报告，跳过 ${s.skipped.length} 个文件，用时 ${(s.ms / 1000).toFixed(1)} 秒`);
    } catch (err) {
      // A full disk or a data file that cannot be ingested: the previous generation is intact, serve it.
      if ((err as Error)?.name === 'BuildAborted' || !(await currentGeneration(config.indexDir))) throw err;
      state.error = err instanceof Error ? err.message : String(err);
      console.error(`重建索引失败，继续使用原有索引（可能不是最新的）：${state.error}`);
    } finally {
      interrupt.dispose();
    }
  } else {
    console.log(`索引是最新的（${config.indexDir}）`);
  }

  return watchIndex(config.indexDir, {
    // `npm run index` in another terminal publishes a new generation; requests move to it atomically
    onReload: (e: Engine | Error) => {
      if (e instanceof Error) console.error(`重新加载索引失败，继续使用原索引：${e.message}`);
      else {
        state.error = null;
        console.log(`已加载新索引：${e.info.reports} 篇报告（${e.info.builtAt}）`);
      }
    },
  }).catch((err: Error) => {
    throw state.error ? new ServeError(`serve：${state.error}；原有索引也无法使用：${err.message}`) : err;
  });
}

/** Serves the app until SIGINT/SIGTERM. */
async function listen(config: ServeConfig, handle: EngineHandle & { close(): void }, state: RebuildState, where: string): Promise<void> {
  const access: AccessOptions = {
    token: config.token,
    ratePerMinute: config.ratePerMinute,
    maxConcurrent: config.maxConcurrent,
    logQueries: config.logQueries,
    budget: config.budget,
    log: config.accessLog ? (line) => console.log(line) : null,
  };
  const health = () => (state.error ? { status: 'degraded', rebuildError: state.error } : {});
  const app = createApp({ handle, access, health });
  // citations and exports give out this address instead of the one each browser used
  if (config.publicUrl) app.set(PUBLIC_URL_SETTING, config.publicUrl);
  const server = createHttpServer(app);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) => {
      handle.close();
      if (err.code === 'EADDRINUSE') {
        reject(new ServeError(`serve：端口 ${config.port} 已被占用——换一个端口，例如 PORT=${config.port === 3000 ? 3001 : 3000} npm start`));
      } else if (err.code === 'EACCES') {
        reject(new ServeError(`serve：没有权限监听端口 ${config.port}——1024 以下的端口需要管理员权限，请换一个端口，例如 PORT=3000 npm start`));
      } else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
        reject(new ServeError(`serve：本机没有地址 ${config.host}——请检查 HOST（只在本机使用时去掉 HOST 即可）`));
      } else reject(err);
    });
  });
  const { port } = server.address() as AddressInfo;
  console.log(`报告搜索已启动：${displayUrl(config.host, port)}（${handle.current().info.reports} 篇报告${where}，按 Ctrl+C 停止）`);
  if (!isLoopback(config.host)) {
    console.log(config.token ? '已启用访问口令（AUTH_TOKEN）：浏览器打开后先登录。' : '注意：以 --public 方式对网络公开，任何人都可以检索这个资料库。');
  }
  if (config.publicUrl) console.log(`引用和导出中的地址：${config.publicUrl}`);

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
