/**
 * Who may ask, how often, and how many at once (issue 14): an access log, a
 * rate limit per client address (express-rate-limit), an access token
 * (`AUTH_TOKEN`: a bearer header for scripts, or a login page that sets an
 * HttpOnly cookie for browsers; compared in constant time), and a bounded
 * queue in front of the engine so a burst of expensive searches cannot starve
 * everyone else. All of it is one Router, mounted by `createApp` after the
 * static files (which hold nothing of the archive) and before the routes.
 *
 * ### Examples
 * createApp({ handle, access: { token: process.env.AUTH_TOKEN } });
 * // GET /api/search?q=法治                       => 401 {"error":"需要登录：…"}
 * // GET /api/search?q=法治 Authorization: Bearer <token> => 200
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { DEFAULT_BUDGET, QueryBudget, type BudgetLimits } from '../search/budget.js';

export interface AccessOptions {
  /** The access token; null or empty: no login (only allowed on loopback or with --public, see serve). */
  token?: string | null;
  /** Requests per client address per minute; 0 turns the limit off. Default 300. */
  ratePerMinute?: number;
  /** Searches (and report pages) answered at once, expensive ones not counted; the rest wait. Default 4. */
  maxConcurrent?: number;
  /**
   * Expensive searches (`isExpensive`: big pages, many OR alternatives or
   * single characters) answered at once, in a lane of their own that normal
   * requests never enter: a burst of them takes turns, and a normal query
   * never queues behind one. Default 1.
   */
  maxExpensive?: number;
  /** How many may wait for a slot; beyond it, 503 at once. Default 256 (a waiting request costs a socket and a closure). */
  maxQueued?: number;
  /** How long one may wait, in ms, before a 503. Default 10,000. */
  maxWaitMs?: number;
  /** How many expensive searches may wait for their lane; beyond it, 503 at once. Default 16 (they wait at most 5 s). */
  maxExpensiveQueued?: number;
  /** Where access log lines go (one per request); null: no log. Default: none. */
  log?: ((line: string) => void) | null;
  /** Whether log lines keep the query string (`LOG_QUERIES=0` turns it off). Default true. */
  logQueries?: boolean;
  /** Each request's cost budget and deadline (src/search/budget.ts); null: none. Default: `DEFAULT_BUDGET`. */
  budget?: BudgetLimits | null;
}

export const DEFAULT_RATE_PER_MINUTE = 300;
export const DEFAULT_MAX_CONCURRENT = 4;
export const DEFAULT_MAX_QUEUED = 256;
export const DEFAULT_MAX_WAIT_MS = 10_000;
export const DEFAULT_MAX_EXPENSIVE = 1;
export const DEFAULT_MAX_EXPENSIVE_QUEUED = 16;
/** Shorter than a client's usual timeout, so the client reads the 503 rather than timing out. */
export const MAX_EXPENSIVE_WAIT_MS = 5_000;
/** An expensive search's slice of the event loop between its pause points (a normal one has `DEFAULT_BUDGET.sliceMs`). */
export const EXPENSIVE_SLICE_MS = 5;

/** The session cookie: an HMAC of the token, so the token itself never sits in a browser. */
export const SESSION_COOKIE = 'rs_session';
const SESSION_DAYS = 30;

const MESSAGES = {
  401: '需要登录：请输入访问口令。脚本可以在请求头中加上 Authorization: Bearer <口令>。',
  apiLogin: '需要登录：请在请求头中加上 Authorization: Bearer <口令>（口令即服务器的 AUTH_TOKEN）。',
  wrong: '口令不正确，请重新输入。',
  429: '请求太频繁，请稍等一分钟再试。',
  503: '服务器繁忙，请稍后再试。',
  expensive: '服务器繁忙：复杂的检索正在排队，请稍后再试，或缩小范围（减少用 OR 连接的词或单个汉字、减少每页条数）后重试。',
};

function isJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path === '/healthz' || (!req.accepts('html') && !!req.accepts('json'));
}

/** An error answer in the app's style: `{error}` on the API, the Chinese error page otherwise. */
export function refuse(req: Request, res: Response, status: number, message: string): void {
  res.status(status);
  if (isJson(req)) return void res.json({ error: message });
  const q = typeof req.query?.q === 'string' ? req.query.q : '';
  res.render('error', { pageTitle: `${status === 429 ? '请求太频繁' : status === 503 ? '服务器繁忙' : '出错了'} - 报告搜索`, status, message, q });
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of two secrets of any length (hashing first makes the lengths equal). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

function sessionValue(token: string): string {
  return createHmac('sha256', token).update('report-search session v1').digest('base64url');
}

function cookie(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Where to go after login: a path on this site only (never `//host` or a scheme). */
export function safeNext(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || raw.length > 2000) return '/';
  return /[\u0000-\u001f]/.test(raw) ? '/' : raw;
}

function authorized(req: Request, token: string): boolean {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^Bearer\s+/i.test(header)) return sameSecret(header.replace(/^Bearer\s+/i, ''), token);
  const session = cookie(req, SESSION_COOKIE);
  return session !== null && sameSecret(session, sessionValue(token));
}

/** One line per request: time, address, method, path (query text only when allowed), status, milliseconds. */
function accessLog(log: (line: string) => void, logQueries: boolean): RequestHandler {
  return (req, res, next) => {
    const t0 = performance.now();
    res.on('finish', () => {
      const url = logQueries ? req.originalUrl : req.originalUrl.replace(/\?.*$/s, '');
      const ms = (performance.now() - t0).toFixed(0);
      log(`${new Date().toISOString()} ${req.ip ?? '-'} ${req.method} ${url} ${res.statusCode} ${ms}ms`);
    });
    next();
  };
}

/** What a lane has done since the server started (`/healthz` lists them under `lanes`). */
export interface LaneStats {
  /** Inside now, and waiting now. */
  active: number;
  waiting: number;
  /** The most ever inside at once, and the most ever waiting at once: never above the lane's bounds. */
  maxActive: number;
  maxWaiting: number;
  /** Let in at once; let in after waiting; refused because the queue was full; refused after waiting too long. */
  admitted: number;
  queued: number;
  refused: number;
  timedOut: number;
}

/**
 * At most `max` requests inside, `queued` waiting, each for at most `waitMs`;
 * beyond that a 503 at once. The server's event loop is one core: queueing
 * keeps a burst from holding hundreds of half-answered requests in memory and
 * lets requests finish in arrival order rather than all late together.
 *
 * First come, first served: while anyone waits, a newcomer queues behind them,
 * and a leaving request hands its slot straight to the first waiter (who
 * starts on the next turn of the event loop, so input that arrived meanwhile
 * is read first). Without the hand-over a newcomer could take the slot in
 * that turn, again and again, and a waiter would wait until its time ran out.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Array<{ go: () => void; timer: NodeJS.Timeout }> = [];
  private readonly counts = { maxActive: 0, maxWaiting: 0, admitted: 0, queued: 0, refused: 0, timedOut: 0 };

  constructor(
    readonly max: number,
    readonly queued: number,
    readonly waitMs: number,
    /** What a refused request is told (Chinese). */
    readonly busyMessage = MESSAGES[503],
  ) {}

  get stats(): LaneStats {
    return { active: this.active, waiting: this.waiting.length, ...this.counts };
  }

  /** Resolves with a release function, or null when the request must be refused. */
  enter(): Promise<(() => void) | null> {
    if (this.active < this.max && this.waiting.length === 0) {
      this.active++;
      this.counts.admitted++;
      this.counts.maxActive = Math.max(this.counts.maxActive, this.active);
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queued) {
      this.counts.refused++;
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const entry = {
        // called with the slot already counted as this request's (handed over by `releaser`)
        go: () => {
          this.counts.queued++;
          resolve(this.releaser());
        },
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          this.counts.timedOut++;
          resolve(null);
        }, this.waitMs),
      };
      this.waiting.push(entry);
      this.counts.maxWaiting = Math.max(this.counts.maxWaiting, this.waiting.length);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (!next) return void this.active--;
      // The slot passes to the first waiter (active stays as it is); it starts on the next turn.
      clearTimeout(next.timer);
      setImmediate(next.go);
    };
  }

  /** Express middleware: a slot for the whole request, released when the response ends or the client goes. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      void this.enter().then((release) => {
        if (!release) return refuse(req, res, 503, this.busyMessage);
        if (res.destroyed || req.socket.destroyed) return release(); // the client left while waiting
        res.once('finish', release);
        res.once('close', release);
        next();
      });
    };
  }
}

/**
 * A search that costs much more than a normal one, judged from its raw
 * parameters before any work: a page of more than 20 hits, or a query with 4 or
 * more OR alternatives or 4 or more single characters (each a long postings
 * list and a highlight pass over every text shown). The worst shape,
 * 20 single characters joined by OR with size=100, is all three.
 */
export function isExpensive(req: Request): boolean {
  const url = req.originalUrl;
  const qs = url.indexOf('?');
  if (qs < 0) return false;
  const params = new URLSearchParams(url.slice(qs + 1));
  const size = Number(params.get('size') ?? '');
  if (size > 20) return true;
  const q = params.get('q') ?? '';
  if ((q.match(/\bOR\b|ＯＲ|\|/g)?.length ?? 0) >= 3) return true;
  const singles = q.split(/[\s|]+/).filter((t) => [...t.replace(/^[-"“”「」『』＂]+|["“”「」『』＂]+$/g, '')].length === 1);
  return singles.length >= 4;
}

const isReportPage = (req: Request) => req.path.startsWith('/doc/') || req.path.startsWith('/api/doc/');

/** Requests that reach the engine (everything but health, login and static files). */
function usesEngine(req: Request): boolean {
  return req.path !== '/healthz' && req.path !== '/login' && req.path !== '/logout';
}

export function accessMiddleware(options: AccessOptions = {}): Router & { stats(): AccessStats } {
  const router = Router();
  const token = options.token || null;
  if (options.log) router.use(accessLog(options.log, options.logQueries ?? true));

  const perMinute = options.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE;
  if (perMinute > 0) {
    router.use(
      rateLimit({
        windowMs: 60_000,
        limit: perMinute,
        standardHeaders: 'draft-7',
        legacyHeaders: false,
        handler: (req, res) => refuse(req, res, 429, MESSAGES[429]),
      }),
    );
  }

  if (token) {
    // Guessing the token: at most 10 wrong tries per address per 15 minutes.
    const loginLimit = rateLimit({
      windowMs: 15 * 60_000,
      limit: 10,
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (req, res) => refuse(req, res, 429, '登录尝试太多，请 15 分钟后再试。'),
    });
    const form = (res: Response, status: number, next: string, error: string | null) =>
      res.status(status).render('login', { pageTitle: '登录 - 报告搜索', next, error });

    router.get('/login', (req, res) => {
      const next = safeNext(req.query.next);
      if (authorized(req, token)) return res.redirect(303, next);
      form(res, 200, next, null);
    });
    router.post('/login', loginLimit, express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 }), (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const next = safeNext(body.next);
      const given = typeof body.token === 'string' ? body.token : '';
      if (!given || !sameSecret(given, token)) return form(res, 401, next, MESSAGES.wrong);
      res.cookie(SESSION_COOKIE, sessionValue(token), {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: '/',
        maxAge: SESSION_DAYS * 86_400_000,
      });
      res.redirect(303, next);
    });
    router.post('/logout', (req, res) => {
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/login');
    });
    router.use((req: Request, res: Response, next: NextFunction) => {
      if (authorized(req, token)) return next();
      if (isJson(req)) {
        res.set('WWW-Authenticate', 'Bearer realm="report-search"');
        return refuse(req, res, 401, MESSAGES.apiLogin);
      }
      form(res, 401, safeNext(req.originalUrl), null);
    });
  }

  const gate = new ConcurrencyGate(
    options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
    options.maxQueued ?? DEFAULT_MAX_QUEUED,
    options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
  );
  const gated = gate.middleware();
  // A shorter, shallower queue for expensive searches: a client gets its 503 before its own timeout does.
  const expensiveGate = new ConcurrencyGate(
    options.maxExpensive ?? DEFAULT_MAX_EXPENSIVE,
    options.maxExpensiveQueued ?? DEFAULT_MAX_EXPENSIVE_QUEUED,
    Math.min(MAX_EXPENSIVE_WAIT_MS, options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS),
    MESSAGES.expensive,
  );
  const expensiveGated = expensiveGate.middleware();
  const budget = options.budget === null ? null : (options.budget ?? {});

  // Expensive searches running now, by number; a normal request remembers the oldest one running
  // when it was let in, and counts as having passed it when it is answered first.
  const running = new Set<number>();
  let started = 0;
  let passedExpensive = 0;

  router.use((req, res, next) => {
    if (!usesEngine(req)) return next();
    // The budget's clock starts when the request gets its slot, not while it waits. A report page
    // reads one whole text by nature (it is paged by paragraphs, not by bytes read): only its deadline counts.
    const limits = budget && isReportPage(req) ? { ...budget, maxText: Infinity } : budget;
    const expensive = gate.max !== Infinity && isExpensive(req);
    // An expensive search lets others run every few milliseconds, a normal one only past the default slice
    // (it rarely gets there): the normal query waits for a short slice of the expensive one, and is not itself cut up.
    const sliced = limits && expensive ? { ...limits, sliceMs: Math.min(limits.sliceMs ?? DEFAULT_BUDGET.sliceMs, EXPENSIVE_SLICE_MS) } : limits;
    const run = sliced ? () => new QueryBudget(sliced).run(next) : next;
    if (gate.max === Infinity) return run(); // MAX_CONCURRENT=0: no lanes at all
    if (expensive) {
      // Its own lane only: a normal slot is never held by an expensive search, so normal
      // requests never queue behind one.
      return expensiveGated(req, res, () => {
        const n = ++started;
        running.add(n);
        const done = () => running.delete(n);
        res.once('finish', done);
        res.once('close', done);
        run();
      });
    }
    gated(req, res, () => {
      const oldest = running.values().next().value;
      if (oldest !== undefined) res.once('finish', () => running.has(oldest) && passedExpensive++);
      run();
    });
  });
  return Object.assign(router, {
    /** What each lane has done (`/healthz`): bounds held, requests refused, normal ones answered past expensive ones. */
    stats: (): AccessStats => ({ normal: { ...gate.stats, passedExpensive }, expensive: expensiveGate.stats }),
  });
}

export interface AccessStats {
  /**
   * `passedExpensive`: normal requests answered while an expensive search that
   * was already running when they were let in was still running — they did
   * not wait for it (the engine lets other requests run between its units of
   * work, `QueryBudget.pause`).
   */
  normal: LaneStats & { passedExpensive: number };
  expensive: LaneStats;
}

export interface HttpLimits {
  /** Longest request head (request line + headers), bytes. Node's default: 16 KiB. */
  maxHeaderSize?: number;
  /** A client must send its headers within this, ms. Default 10,000. */
  headersTimeout?: number;
  /** …and the whole request within this, ms. Default 30,000. */
  requestTimeout?: number;
  /** Idle keep-alive connections close after this, ms. Default 5,000. */
  keepAliveTimeout?: number;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A whole HTTP response for a socket the HTTP parser gave up on: a Chinese page, then close. */
function rawPage(status: number, reason: string, title: string, message: string): string {
  const body =
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)} - 报告搜索</title>` +
    `<link rel="stylesheet" href="/static/style.css"></head><body class="page-error"><main id="main" class="error">` +
    `<p class="status">${status}</p><h1>${escapeHtml(title)}</h1><p class="message">${escapeHtml(message)}</p><p><a href="/">回到首页</a></p></main></body></html>`;
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * The HTTP server for an app, with limits on what a client may send and how
 * slowly: a head over `maxHeaderSize` gets a Chinese 414 (when the request
 * line alone is too long: a long query in the address) or 431 page; a client
 * that does not finish its headers or request in time gets 408 and is cut off.
 */
export function createHttpServer(app: express.Express, limits: HttpLimits = {}): http.Server {
  const server = http.createServer(
    {
      maxHeaderSize: limits.maxHeaderSize ?? 16 * 1024,
      headersTimeout: limits.headersTimeout ?? 10_000,
      requestTimeout: limits.requestTimeout ?? 30_000,
      keepAliveTimeout: limits.keepAliveTimeout ?? 5_000,
      // Timeouts are enforced when connections are checked: every second, not every 30.
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeout ?? 1000),
    },
    app,
  );
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
    if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) return void socket.destroy();
    let page: string;
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      const raw = err.rawPacket?.toString('latin1') ?? '';
      const lineEnd = raw.indexOf('\r\n');
      const longLine = lineEnd < 0 || lineEnd > (limits.maxHeaderSize ?? 16 * 1024) / 2;
      page = longLine
        ? rawPage(414, 'URI Too Long', '地址太长', '请求的地址太长：查询最多 200 个字符，请缩短查询后重试。')
        : rawPage(431, 'Request Header Fields Too Large', '请求头太大', '请求头太大：请清除本站的 Cookie 后重试。');
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      page = rawPage(408, 'Request Timeout', '请求超时', '请求发送得太慢，连接已关闭，请重试。');
    } else {
      page = rawPage(400, 'Bad Request', '请求有误', '请求的格式有误。');
    }
    socket.end(page);
  });
  return server;
}
