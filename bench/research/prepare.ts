/**
 * The archives the research benchmark reads: the ×N corpus from bench/corpus.ts
 * (generated when missing) and its index under bench/.work/index-x<N>, built
 * only when missing — the same folders `npm run bench` uses, so either reuses
 * the other's.
 *
 *   node --max-old-space-size=16384 --import tsx bench/research/prepare.ts 10 [100]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIndex } from '../../src/index/builder.js';
import { ensureCorpus } from '../corpus.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const WORK = join(ROOT, 'bench', '.work');
const log = (msg: string) => process.stderr.write(`[bench/research] ${msg}\n`);

export function indexDirFor(scale: number): string {
  return join(WORK, `index-x${scale}`);
}

export async function prepare(scale: number): Promise<{ dataDir: string; indexDir: string }> {
  const corpus = await ensureCorpus({ scale, archiveDir: join(ROOT, 'data'), workDir: WORK, log });
  const indexDir = indexDirFor(scale);
  if (!corpus.generatedNow && existsSync(join(indexDir, 'CURRENT'))) return { dataDir: corpus.dataDir, indexDir };
  log(`index ×${scale}: building ${indexDir}`);
  const t0 = performance.now();
  const summary = await buildIndex({ dataDir: corpus.dataDir, indexDir, progress: false });
  log(`index ×${scale}: ${summary.reports} reports in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { dataDir: corpus.dataDir, indexDir };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const s of process.argv.slice(2)) await prepare(Number(s));
}
