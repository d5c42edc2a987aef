/**
 * The web app, after expressjs `examples/route-separation`: `createApp` wires
 * security headers, static files, routes and error pages, and returns the app
 * without listening, so tests can `listen(0)` and `src/cli/serve.ts` can serve it.
 *
 * ### Examples
 * const app = createApp({ handle: await watchIndex('index') });
 * app.listen(3000, '127.0.0.1');
 */
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { EngineHandle } from '../search/engine.js';
import { accessMiddleware, type AccessOptions } from './access.js';
import { errorHandler, notFound } from './errors.js';
import { searchExportUrl } from './export.js';
import { parseQueryString } from '../search/request.js';
import { docRoutes } from './routes/doc.js';
import { healthRoutes } from './routes/health.js';
import { kwicRoutes } from './routes/kwic.js';
import { pairsRoutes } from './routes/pairs.js';
import { reuseRoutes } from './routes/reuse.js';
import { spreadRoutes } from './routes/spread.js';
import { trendRoutes } from './routes/trend.js';
import { searchRoutes } from './routes/search.js';

export interface AppOptions {
  /** Where each request gets its engine snapshot (`watchIndex`, or `{ current: () => engine }`). */
  handle: EngineHandle;
  /** Templates folder; default `views/` at the repository root. */
  viewsDir?: string;
  /** Static files served under /static; default `public/`. */
  publicDir?: string;
  /** Access token, rate limit, concurrency and access log (src/web/access.ts); none when absent (tests). */
  access?: AccessOptions;
  /** Extra fields for /healthz, e.g. why a start-up rebuild failed (beside `lanes`, the access lanes' counters). */
  health?: () => Record<string, unknown>;
}

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

export function createApp(options: AppOptions): Express {
  const { handle } = options;
  const app = express();

  app.disable('x-powered-by');
  // Every page and API answer is built per request: hashing each body for an ETag cost more than
  // the rare 304 saves (static files keep theirs, from express.static).
  app.set('etag', false);
  app.set('views', options.viewsDir ?? root('views'));
  app.set('view engine', 'ejs');
  // Compiled templates are kept (express does so only with NODE_ENV=production, which nothing here sets):
  // compiling search.ejs and its partials on every request halved the search page's throughput.
  // Templates change with a new version of the code, which restarts the server anyway.
  app.enable('view cache');
  // our own parser: repeated keys → arrays, key[x] → object (refused by validation), no qs limits
  app.set('query parser', parseQueryString);
  // the search page's download link (views/search.ejs), without a change to its view model
  app.locals.searchExportUrl = searchExportUrl;

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'object-src': ["'none'"],
          'base-uri': ["'none'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
          // served over plain HTTP on localhost or a LAN: upgrading would break CSS and JS there
          'upgrade-insecure-requests': null,
        },
      },
      // plain HTTP: HSTS belongs to whatever terminates TLS in front of us
      strictTransportSecurity: false,
    }),
  );

  app.use('/static', express.static(options.publicDir ?? root('public'), { index: false, maxAge: '1h' }));
  const access = options.access ? accessMiddleware(options.access) : null;
  if (access) app.use(access);

  app.use(searchRoutes(handle));
  app.use(docRoutes(handle));
  // the lanes' counters beside the index: whether the queues hold their bounds, how many were refused
  app.use(healthRoutes(handle, () => ({ ...(access ? { lanes: access.stats() } : {}), ...options.health?.() })));
  app.use(trendRoutes(handle));
  app.use(kwicRoutes(handle));
  app.use(reuseRoutes(handle));
  app.use(pairsRoutes(handle));
  app.use(spreadRoutes(handle));

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
