/** The engine test suite against the local, on-disk backend. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex } from '../../src/index/builder.js';
import { openEngine } from '../../src/search/open.js';
import { engineSuite } from './suite.js';

engineSuite('local', async (dataDir) => {
  const indexDir = await mkdtemp(join(tmpdir(), 'rs-engine-'));
  await buildIndex({ dataDir, indexDir });
  const engine = await openEngine(indexDir);
  return {
    engine,
    cleanup: async () => {
      engine.close();
      await rm(indexDir, { recursive: true, force: true });
    },
  };
});
