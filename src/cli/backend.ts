/**
 * Which backend a command uses: the local index folder (default) or an
 * OpenSearch node. Flags first, then environment:
 *
 * | flag               | env            | default                 |
 * |--------------------|----------------|-------------------------|
 * | --backend          | BACKEND        | local                   |
 * | --opensearch-url   | OPENSEARCH_URL | http://127.0.0.1:9200   |
 *
 * The flags are taken out of argv before a command parses its own options, so
 * every command (index, search, serve) accepts them the same way.
 *
 * ### Examples
 * takeBackendArgs(['法治', '--backend', 'opensearch'], {})
 * // => { argv: ['法治'], backend: { kind: 'opensearch', url: 'http://127.0.0.1:9200' } }
 */
import { OpenSearchUnavailable } from '../backends/opensearch/engine.js';
import { DEFAULT_OPENSEARCH_URL, OpenSearchError } from '../backends/opensearch/http.js';
import { UsageError } from './args.js';

export type BackendKind = 'local' | 'opensearch';

export interface BackendChoice {
  kind: BackendKind;
  /** The OpenSearch node (used only by the opensearch backend). */
  url: string;
}

const FLAGS = ['backend', 'opensearch-url'] as const;

export function takeBackendArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): { argv: string[]; backend: BackendChoice } {
  const values: Partial<Record<(typeof FLAGS)[number], string>> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const flag = FLAGS.find((f) => a === `--${f}` || a.startsWith(`--${f}=`));
    if (!flag) {
      rest.push(a);
      continue;
    }
    const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`参数 --${flag} 需要一个值`);
    values[flag] = value;
  }
  const kind = values.backend ?? env.BACKEND ?? 'local';
  if (kind !== 'local' && kind !== 'opensearch') throw new UsageError(`参数 --backend（或 BACKEND）只能是 local 或 opensearch，而不是“${kind}”`);
  return { argv: rest, backend: { kind, url: (values['opensearch-url'] ?? env.OPENSEARCH_URL ?? DEFAULT_OPENSEARCH_URL).replace(/\/+$/, '') } };
}

/** A node that stops answering half-way is the same problem as one that never answered: say so in Chinese. */
export async function withOpenSearch<T>(url: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof OpenSearchError && e.status === null) throw new OpenSearchUnavailable(url);
    throw e;
  }
}
