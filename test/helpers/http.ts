/** Real HTTP for web tests: the app listens on an ephemeral port on 127.0.0.1. */
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import * as cheerio from 'cheerio';

export interface Served {
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

export function serve(app: Express): Promise<Served> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1');
    server.once('error', reject);
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface Page {
  status: number;
  headers: Headers;
  body: string;
  $: cheerio.CheerioAPI;
}

/** GET an HTML page and parse it. */
export async function getPage(base: string, path: string, accept = 'text/html'): Promise<Page> {
  const res = await fetch(base + path, { headers: { accept } });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body, $: cheerio.load(body) };
}

/** GET JSON. */
export async function getJson<T = any>(base: string, path: string): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(base + path, { headers: { accept: 'application/json' } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

/** `/?…` from pairs, so repeated keys stay repeated. */
export function qs(pairs: Array<[string, string | number]>): string {
  return new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString();
}
