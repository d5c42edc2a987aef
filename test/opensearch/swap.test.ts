/**
 * Rebuilds swap in atomically through the alias, as CURRENT does on disk: a
 * handle following the alias moves to the new index; an engine opened before
 * keeps reading its own index (kept for one more build), and the build after
 * that deletes it. Skips with a notice when no node answers.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOpenSearchIndex } from '../../src/backends/opensearch/build.js';
import { aliasTarget, openOpenSearchEngine, watchOpenSearch } from '../../src/backends/opensearch/engine.js';
import { openSearchHttp } from '../../src/backends/opensearch/http.js';
import { parseQuery } from '../../src/query/parser.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

const http = openSearchHttp();
const up = await http.ready();
if (!up) console.warn(`[test/opensearch/swap] 已跳过：${http.url} 没有 OpenSearch 节点应答（先运行 npm run opensearch，或设置 OPENSEARCH_URL）`);

describe.skipIf(!up)('alias swap on rebuild', () => {
  const tag = `swap-${process.pid}-${Date.now()}`;
  const alias = `rs-${tag}`;
  const indexPrefix = `report-search-${tag}-`;
  let dataDir = '';

  afterAll(async () => {
    await http.request('DELETE', `/${indexPrefix}*`).catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a watcher moves to the new index; an older engine still answers; the build after deletes the oldest', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rs-swap-'));
    await cp(join(CORPUS_DIR, 'seeds'), join(dataDir, 'seeds'), { recursive: true });
    const first = await buildOpenSearchIndex({ dataDir, http, alias, indexPrefix });
    const before = await openOpenSearchEngine({ http, alias });
    const handle = await watchOpenSearch({ http, alias }, undefined, 100);
    const q = { parsed: parseQuery('独一无二的新报告'), match: 'exact' as const };
    const none = { regions: [], years: [] };
    const opts = { sort: 'relevance' as const, page: 1, size: 10 };
    expect((await handle.current().search(q, none, opts)).total).toBe(0);

    await writeFile(join(dataDir, 'seeds', 'zz-new.txt'), '某某县人民政府关于2025年独一无二的新报告\n这是一份独一无二的新报告，用来检验索引的替换。');
    const second = await buildOpenSearchIndex({ dataDir, http, alias, indexPrefix });
    expect(await aliasTarget(http, alias)).toBe(second.index);
    for (let i = 0; i < 50 && handle.current().info.dir !== second.index; i++) await new Promise((r) => setTimeout(r, 100));
    expect(handle.current().info.dir).toBe(second.index);
    expect(handle.current().info.reports).toBe(first.reports + 1);
    expect((await handle.current().search(q, none, opts)).total).toBe(1);
    // The engine opened before the swap reads its own index, which the build kept.
    expect((await before.search(q, none, opts)).total).toBe(0);
    expect(second.deleted).toEqual([]);

    const third = await buildOpenSearchIndex({ dataDir, http, alias, indexPrefix });
    expect(third.deleted).toEqual([first.index]);
    handle.close();
  }, 180_000);
});
