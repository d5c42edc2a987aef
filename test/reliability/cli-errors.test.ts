/**
 * Issue 14, errors are messages: each failure a user can meet from the
 * command line is one Chinese line with the fix and a non-zero exit; a stack
 * trace only with DEBUG=1. Each is run as a real process.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { cp, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/builder.js';
import { currentGeneration } from '../../src/index/storage.js';
import { CORPUS_DIR } from '../helpers/fixture-index.js';

const STACK = /\n\s+at |Error: .*\n/;

function cli(args: string[], env: Record<string, string> = {}) {
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['HOST', 'PUBLIC', 'AUTH_TOKEN', 'PORT', 'DEBUG', 'DATA_DIR', 'INDEX_DIR']) delete clean[k];
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 90_000 });
}

/** One line (plus, for usage errors, the usage), Chinese, no stack. */
function expectMessage(run: ReturnType<typeof cli>, pattern: RegExp, status = 1) {
  expect(run.status, run.stderr).toBe(status);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(STACK);
  expect(run.stderr.trim().split('\n')[0]).toMatch(/[\u4e00-\u9fff]/);
}

let work: string;
let indexDir: string;
let damaged: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rs-cli-errors-'));
  indexDir = join(work, 'index');
  await buildIndex({ dataDir: CORPUS_DIR, indexDir });
  damaged = join(work, 'damaged');
  await cp(indexDir, damaged, { recursive: true });
  const fh = await open(join((await currentGeneration(damaged))!, 'docs.json'), 'r+');
  await fh.write(Buffer.from('X'), 0, 1, 100);
  await fh.close();
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('command-line errors', () => {
  it('index with a missing --data folder', () => {
    expectMessage(cli(['index', '--data', join(work, 'no-such'), '--index', join(work, 'i2')]), /数据文件夹 .*no-such 不存在.*--data/);
  });

  it('serve with a missing --data folder and no index', () => {
    expectMessage(cli(['serve', '--data', join(work, 'no-such'), '--index', join(work, 'i3')]), /数据文件夹 .*no-such 不存在.*--data/);
  });

  it.each(['abc', '70000', '-1'])('serve with PORT=%s', (port) => {
    expectMessage(cli(['serve', '--index', indexDir, '--data', CORPUS_DIR], { PORT: port }), /端口 .* 无效.*0 到 65535/);
  });

  it('serve on a port in use', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const run = cli(['serve', '--index', indexDir, '--data', CORPUS_DIR, '--port', String(port)], { ACCESS_LOG: '0' });
      expectMessage(run, new RegExp(`端口 ${port} 已被占用.*PORT=`));
    } finally {
      taken.close();
    }
  });

  it('search and serve over a damaged index', () => {
    expectMessage(cli(['search', '三项制度', '--index', damaged]), /docs\.json 的校验和不符.*npm run index/);
    expectMessage(cli(['serve', '--index', damaged, '--data', CORPUS_DIR]), /docs\.json 的校验和不符.*npm run index/);
  });

  it('check: a sound index exits 0, a damaged one 1 with what is wrong', () => {
    const ok = cli(['check', '--index', indexDir]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/索引完好：.*7 个文件.*36 篇报告/);
    expectMessage(cli(['check', '--index', damaged]), /索引已损坏[\s\S]*docs\.json 的校验和不符[\s\S]*npm run index/);
  });

  it('ingest | head (EPIPE) ends quietly', () => {
    const run = spawnSync('sh', ['-c', `"${process.execPath}" --import tsx src/cli/main.ts ingest --data "${CORPUS_DIR}" --text | head -c 100 > /dev/null`], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('a stack trace only with DEBUG=1', () => {
    const run = cli(['search', '三项制度', '--index', damaged], { DEBUG: '1' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/校验和不符/);
  });
});
