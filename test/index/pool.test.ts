import { describe, expect, it } from 'vitest';
import { runTasks, type TaskKind } from '../../src/index/pool.js';

interface Task {
  n: number;
  ms: number;
}
const delay: TaskKind<Task, number> = {
  entry: new URL('../helpers/delay-worker.ts', import.meta.url),
  inThread: async (t) => {
    await new Promise((r) => setTimeout(r, t.ms));
    return t.n;
  },
  describe: (t) => `task ${t.n}`,
};
// Later tasks finish first: results arrive out of order.
const tasks: Task[] = Array.from({ length: 8 }, (_, n) => ({ n, ms: n % 2 === 0 ? 60 : 5 }));

describe('runTasks', () => {
  for (const workers of [0, 2]) {
    it(`hands results to the sink in task order (${workers} workers)`, async () => {
      const seen: Array<[number, number]> = [];
      await runTasks(delay, tasks, workers, (i, r) => void seen.push([i, r]));
      expect(seen).toEqual(tasks.map((t, i) => [i, t.n]));
    });
  }

  it('hands out no new task while an async sink is busy, so results never pile up', async () => {
    const many: Task[] = Array.from({ length: 12 }, (_, n) => ({ n, ms: 5 }));
    const handedOut = new Set<number>();
    // The pool reads tasks[seq] when it hands a task to a worker.
    const watched = new Proxy(many, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) handedOut.add(Number(key));
        return Reflect.get(target, key, receiver);
      },
    });
    let consumed = 0;
    let most = 0;
    const seen: number[] = [];
    await runTasks(delay, watched, 2, async (_i, r) => {
      most = Math.max(most, handedOut.size - consumed);
      await new Promise((res) => setTimeout(res, 40));
      seen.push(r);
      consumed++;
    }, { maxPending: 2 });
    expect(seen).toEqual(many.map((t) => t.n));
    // Without a bound all 12 are handed out while the first result is consumed (a worker that boots late lets the
    // other run ahead); with it, at most 2 results wait for the sink and 2 tasks are in the workers.
    expect(most).toBeLessThanOrEqual(4);
  });

  it('fails with the error of a sink that throws, after the workers stopped', async () => {
    await expect(
      runTasks(delay, tasks, 2, (i) => {
        if (i === 3) throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
  });
});
