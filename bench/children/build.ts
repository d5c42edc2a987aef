/**
 * Build child: one fresh process that builds an index and prints one JSON line
 * with wall time, CPU time (user + system, worker threads included: they share
 * the process) and peak RSS.
 *
 *   node --import tsx bench/children/build.ts DATA_DIR INDEX_DIR
 */
import { buildIndex } from '../../src/index/builder.js';

const [dataDir, indexDir] = process.argv.slice(2);
if (!dataDir || !indexDir) {
  console.error('usage: build.ts DATA_DIR INDEX_DIR');
  process.exit(2);
}
const t0 = performance.now();
const summary = await buildIndex({ dataDir, indexDir, progress: false });
const wallMs = performance.now() - t0;
const ru = process.resourceUsage();
console.log(
  JSON.stringify({
    wallMs,
    cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000,
    maxRssMb: ru.maxRSS / 1024,
    reports: summary.reports,
    skipped: summary.skipped.length,
    duplicates: summary.duplicates,
    generation: summary.generation,
  }),
);
