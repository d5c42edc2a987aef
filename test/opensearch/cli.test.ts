/**
 * Choosing the backend on the command line, and what a user sees when no
 * OpenSearch node answers: one Chinese sentence with the fix, exit status 1,
 * no stack. No node needed (the address is one where nothing listens).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { takeBackendArgs } from '../../src/cli/backend.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOBODY = 'http://127.0.0.1:9';

describe('takeBackendArgs', () => {
  it('takes the flags out of argv, wherever they stand, flags before environment', () => {
    expect(takeBackendArgs(['-双随机', '--backend', 'opensearch', '法治', '--opensearch-url=http://h:9201/'], {})).toEqual({
      argv: ['-双随机', '法治'],
      backend: { kind: 'opensearch', url: 'http://h:9201' },
    });
    expect(takeBackendArgs([], { BACKEND: 'opensearch', OPENSEARCH_URL: 'http://x:1' }).backend).toEqual({ kind: 'opensearch', url: 'http://x:1' });
    expect(takeBackendArgs(['--backend', 'local'], { BACKEND: 'opensearch' }).backend.kind).toBe('local');
    expect(takeBackendArgs([], {}).backend).toEqual({ kind: 'local', url: 'http://127.0.0.1:9200' });
  });

  it('refuses an unknown backend or a flag without its value, in Chinese', () => {
    expect(() => takeBackendArgs(['--backend', 'solr'], {})).toThrow(/只能是 local 或 opensearch/);
    expect(() => takeBackendArgs(['--opensearch-url'], {})).toThrow(/需要一个值/);
  });
});

describe('no node at OPENSEARCH_URL', () => {
  const message = `无法连接 OpenSearch（${NOBODY}）：请先运行 npm run opensearch，或检查 OPENSEARCH_URL`;
  it.each([
    [['search', '三项制度', '--backend', 'opensearch', '--opensearch-url', NOBODY], {}],
    [['index', '--data', 'test/fixtures/corpus'], { BACKEND: 'opensearch', OPENSEARCH_URL: NOBODY }],
    [['serve', '--port', '0'], { BACKEND: 'opensearch', OPENSEARCH_URL: NOBODY }],
  ])('%j %j: one sentence with the fix, exit 1', async (args, env) => {
    const err = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr.trim()).toBe(message);
  }, 60_000);
});
