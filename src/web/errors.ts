/**
 * Error pages, after expressjs `examples/error-pages`: one handler turns every
 * error into a status and a Chinese message, rendered as a page or as `{error}`
 * depending on the route (`/api/*` is always JSON) and the Accept header.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { QueryError } from '../query/errors.js';
import { ParamError } from '../search/request.js';

/** A page or report that does not exist; `message` is Chinese. */
export class NotFoundError extends Error {
  readonly status = 404;
  constructor(message = '找不到这个页面。') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A view the current backend cannot serve (precedents over OpenSearch); answered 501 with the message. */
export class NotSupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSupported';
  }
}

const GENERIC: Record<number, string> = {
  400: '请求的地址或参数格式有误。',
  401: '需要登录：请输入访问口令。',
  404: '找不到这个页面。',
  405: '不支持这种请求方式。',
  413: '请求太大。',
  414: '请求的地址太长（查询最多 200 个字符）。',
  429: '请求太频繁，请稍等一分钟再试。',
  431: '请求头太大。',
  500: '服务器内部出错，请稍后再试。',
  503: '服务器繁忙，请稍后再试。',
};

const TITLES: Record<number, string> = { 400: '请求有误', 401: '需要登录', 404: '未找到', 413: '请求太大', 414: '地址太长', 429: '请求太频繁', 431: '请求头太大', 503: '暂时无法服务' };

function isJsonRoute(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path === '/healthz';
}

function send(req: Request, res: Response, status: number, message: string): void {
  res.status(status);
  const json = () => void res.json({ error: message });
  if (isJsonRoute(req)) return json();
  // keep what the user typed in the search box so a refused query can be fixed in place
  const q = typeof req.query?.q === 'string' ? req.query.q : '';
  const html = () =>
    res.render('error', {
      pageTitle: `${TITLES[status] ?? '出错了'} - 报告搜索`,
      status,
      message,
      q,
    });
  res.format({ html, json, default: html });
}

/** Anything no route answered. */
export const notFound: RequestHandler = (req, res) => {
  send(req, res, 404, GENERIC[404]);
};

export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  let status = 500;
  let message = GENERIC[500];
  if (err instanceof ParamError || err instanceof QueryError || err?.name === 'QueryError') {
    status = 400;
    message = err.message;
  } else if (err?.name === 'BudgetExceeded') {
    // a query over its cost budget or deadline (src/search/budget.ts): stopped, with how to narrow it
    status = 503;
    message = err.message;
  } else if (err?.name === 'ReuseNotReady') {
    // the corpus-wide reuse pass of this snapshot is still running (src/search/reuse-pairs.ts): its progress, and when to come back
    status = 503;
    message = err.message;
    res.set('Retry-After', String(err.retryAfterSeconds ?? 30));
  } else if (err?.name === 'IndexError') {
    // damaged index bytes met by this request: never a wrong answer, never a stack trace; the message says what to run
    status = 503;
    message = `暂时无法回答：${err.message}`;
    console.error(`web: 索引错误 ${req.method} ${req.path}：${err.message}`);
  } else if (err instanceof NotFoundError) {
    status = 404;
    message = err.message;
  } else if (err?.name === 'NotSupported') {
    // a view this backend cannot serve (precedents without a reuse index): said, not a crash
    status = 501;
    message = err.message;
  } else if (Number.isInteger(err?.status) && err.status >= 400 && err.status < 500) {
    // express's own 4xx (a malformed %-escape in the path, …): its English message is not for users
    status = err.status;
    message = GENERIC[status] ?? GENERIC[400];
  } else {
    console.error('web: 未处理的错误', req.method, req.originalUrl, err);
  }
  send(req, res, status, message);
};
