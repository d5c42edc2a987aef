/** QueryBudget: the index charges it where it works; past a limit or the deadline, a Chinese BudgetExceeded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExceeded, QueryBudget } from '../../src/search/budget.js';
import { buildFixtureIndex, search, type FixtureIndex } from '../helpers/fixture-index.js';

let fx: FixtureIndex;
beforeAll(async () => {
  fx = await buildFixtureIndex();
});
afterAll(() => fx?.cleanup());

const WORST = '法 OR 治 OR 政 OR 府 OR 建 OR 设 OR 行 OR 执 OR 公 OR 示 OR 制 OR 度 OR 改 OR 革 OR 监 OR 督 OR 服 OR 务 OR 依 OR 规';

describe('QueryBudget', () => {
  it('counts what a search reads, and the same search answers the same under a budget', async () => {
    const free = await search(fx.engine, { q: '"重大行政决策"' });
    const b = new QueryBudget();
    const metered = await b.run(() => search(fx.engine, { q: '"重大行政决策"' }));
    expect({ ...metered, tookMs: 0 }).toEqual({ ...free, tookMs: 0 });
    expect(b.spent.postings).toBeGreaterThan(0);
    expect(b.spent.text).toBeGreaterThan(0);
  });

  it('past a limit: BudgetExceeded with a Chinese message that says how to narrow the query', async () => {
    const b = new QueryBudget({ maxText: 10_000 });
    const err = await b.run(() => search(fx.engine, { q: WORST, size: 100 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect((err as Error).message).toMatch(/查询太复杂.*缩小范围/);
  });

  it('past the deadline: stops at the next charge', async () => {
    const b = new QueryBudget({ deadlineMs: 0 });
    await new Promise((r) => setTimeout(r, 2));
    const err = await b.run(() => search(fx.engine, { q: WORST, size: 100 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect((err as BudgetExceeded).reason).toBe('deadline');
    expect((err as Error).message).toMatch(/用时太长/);
  });

  it('without a budget installed, charging is free and nothing is stopped', async () => {
    expect((await search(fx.engine, { q: WORST, size: 100 })).total).toBeGreaterThan(0);
  });
});
