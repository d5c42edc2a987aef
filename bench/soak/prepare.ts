/** Generates the ×10 bench corpus (bench/corpus.ts) and indexes it, for the soak run. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIndex } from '../../src/index/builder.js';
import { staleReason } from '../../src/index/reader.js';
import { ensureCorpus } from '../corpus.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SOAK_WORK = process.env.SOAK_WORK ?? join(ROOT, 'bench', '.work');

export async function prepare(scale: number): Promise<{ dataDir: string; indexDir: string }> {
  const corpus = await ensureCorpus({ scale, archiveDir: join(ROOT, 'data'), workDir: SOAK_WORK, log: (m) => console.error(m) });
  const indexDir = join(SOAK_WORK, `soak-index-x${scale}`);
  const reason = await staleReason(corpus.dataDir, indexDir);
  if (reason) {
    console.error(`soak: ${reason}, indexing ×${scale}…`);
    const s = await buildIndex({ dataDir: corpus.dataDir, indexDir });
    console.error(`soak: ${s.reports} reports indexed in ${(s.ms / 1000).toFixed(0)} s`);
  }
  return { dataDir: corpus.dataDir, indexDir };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await prepare(Number(process.argv[2] ?? 10));
}
