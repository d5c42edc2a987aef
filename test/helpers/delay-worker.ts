/** A pool worker for test/index/pool.test.ts: answers each task with its number after its delay. */
import { serveTasks } from '../../src/index/pool.js';

serveTasks(async (t: { n: number; ms: number }) => {
  await new Promise((r) => setTimeout(r, t.ms));
  return t.n;
});
