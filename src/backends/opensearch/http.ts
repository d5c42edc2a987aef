/**
 * A minimal OpenSearch HTTP client on Node's global fetch: JSON in, JSON out,
 * and errors that name the request and the fix. No client library: the backend
 * needs a handful of endpoints (_index_template, _bulk, _search, _msearch,
 * _aliases), all plain JSON or NDJSON.
 */

/** Where a local node answers by default (npm run opensearch). */
export const DEFAULT_OPENSEARCH_URL = 'http://127.0.0.1:9200';

export class OpenSearchError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'OpenSearchError';
  }
}

export interface OpenSearchHttp {
  readonly url: string;
  /** Sends one request; a non-2xx answer throws OpenSearchError with the server's reason. */
  request<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** `POST _bulk` of index actions; throws if any item failed, naming the first. */
  bulkIndex(index: string, docs: Array<{ _id: string } & Record<string, unknown>>, refresh?: boolean): Promise<void>;
  /** `POST _msearch`: one search body per query, answers in the same order. */
  msearch<T = any>(index: string, bodies: object[]): Promise<T[]>;
  /** True when the cluster answers /_cluster/health with yellow or green within `timeoutMs`. */
  ready(timeoutMs?: number): Promise<boolean>;
}

export function openSearchHttp(url: string = process.env.OPENSEARCH_URL ?? DEFAULT_OPENSEARCH_URL): OpenSearchHttp {
  const base = url.replace(/\/+$/, '');

  async function send(method: string, path: string, body: string | undefined, contentType: string): Promise<any> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': contentType },
        body,
      });
    } catch (e) {
      throw new OpenSearchError(
        `opensearch: ${method} ${path} could not reach ${base} (${(e as Error).message}) — start a node with npm run opensearch`,
        null,
        null,
      );
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const reason = json?.error?.reason ?? json?.error?.type ?? text.slice(0, 300);
      throw new OpenSearchError(`opensearch: ${method} ${path} answered ${res.status}: ${reason}`, res.status, json);
    }
    return json;
  }

  return {
    url: base,
    request: (method, path, body) =>
      send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json'),

    async bulkIndex(index, docs, refresh = false) {
      if (docs.length === 0) return;
      const lines: string[] = [];
      for (const { _id, ...doc } of docs) {
        lines.push(JSON.stringify({ index: { _index: index, _id } }), JSON.stringify(doc));
      }
      const path = `/_bulk${refresh ? '?refresh=true' : ''}`;
      const res = await send('POST', path, lines.join('\n') + '\n', 'application/x-ndjson');
      if (res.errors) {
        const bad = res.items.find((it: any) => it.index?.error);
        throw new OpenSearchError(
          `opensearch: bulk into ${index}: document ${bad.index._id} refused: ${bad.index.error.reason}`,
          bad.index.status,
          bad.index.error,
        );
      }
    },

    async msearch(index, bodies) {
      const lines: string[] = [];
      for (const b of bodies) lines.push(JSON.stringify({ index }), JSON.stringify(b));
      const res = await send('POST', '/_msearch', lines.join('\n') + '\n', 'application/x-ndjson');
      return res.responses.map((r: any, i: number) => {
        if (r.error) throw new OpenSearchError(`opensearch: msearch query ${i} failed: ${r.error.reason}`, r.status, r.error);
        return r;
      });
    },

    async ready(timeoutMs = 2000) {
      try {
        const res = await fetch(`${base}/_cluster/health?wait_for_status=yellow&timeout=1s`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
        return res.ok;
      } catch {
        return false;
      }
    },
  };
}
