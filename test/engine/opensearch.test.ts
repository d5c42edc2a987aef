/**
 * The engine test suite against the OpenSearch backend, on a real node
 * (npm run opensearch; CI starts one). Each run builds its own index under its
 * own alias and deletes it afterwards. Skips with a notice when no node answers.
 */
import { describe, it } from 'vitest';
import { buildOpenSearchIndex } from '../../src/backends/opensearch/build.js';
import { openOpenSearchEngine } from '../../src/backends/opensearch/engine.js';
import { openSearchHttp } from '../../src/backends/opensearch/http.js';
import { engineSuite } from './suite.js';

const http = openSearchHttp();
const up = await http.ready();

if (!up) {
  console.warn(`[test/engine/opensearch] 已跳过：${http.url} 没有 OpenSearch 节点应答（先运行 npm run opensearch，或设置 OPENSEARCH_URL）`);
  describe.skip('engine API: opensearch backend (no node)', () => {
    it('needs a node at OPENSEARCH_URL', () => undefined);
  });
} else {
  engineSuite('opensearch', async (dataDir) => {
    const tag = `test-${process.pid}-${Date.now()}`;
    const alias = `rs-${tag}`;
    const prefix = `report-search-${tag}-`;
    const built = await buildOpenSearchIndex({ dataDir, http, alias, indexPrefix: prefix });
    const engine = await openOpenSearchEngine({ http, alias });
    return {
      engine,
      cleanup: async () => {
        engine.close();
        await http.request('DELETE', `/${built.index}`).catch(() => undefined);
      },
    };
  });
}
