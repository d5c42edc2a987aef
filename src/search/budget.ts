/**
 * A query's cost budget and deadline (issue 14): one request may read so many
 * postings, walk the positions of so many candidate reports, read so many
 * characters of text, and run so long; past any of them it stops with
 * `BudgetExceeded`, which the web answers with a Chinese 503 — a search never
 * holds the one event-loop core for long, whatever its shape.
 *
 * The index charges the budget where it does the work (src/index/cost.ts:
 * postings lists and word postings, phrase candidates, text reads), so the
 * engine needs no parameter for it; `run` installs it for everything the
 * request does, awaited continuations included.
 *
 * ### Examples
 * const budget = new QueryBudget({ deadlineMs: 500 });
 * await budget.run(() => engine.search(query, filters, options));
 * // => the result, or throws BudgetExceeded('查询太复杂…')
 * budget.spent // => { postings: 48210, candidates: 1200, text: 402113, ms: 37.2 }
 */
import { costMeters, type CostKind, type CostMeter } from '../index/cost.js';

export interface BudgetLimits {
  /** Bytes of document lists and word postings read. Default 64 MB. */
  maxPostings?: number;
  /** Reports whose bigram positions are walked (phrase checks, occurrence counts). Default 200,000. */
  maxCandidates?: number;
  /** Characters of report text read (hits, passages, occurrences). Default 12,000,000. */
  maxText?: number;
  /** Wall-clock milliseconds from the budget's creation. Default 1,500. */
  deadlineMs?: number;
  /**
   * Longest the request holds the event loop between the engine's pause points
   * before it lets other requests run (`pause`). Default 20 ms; 0 yields at
   * every pause point (tests that need the interleaving to happen for certain).
   */
  sliceMs?: number;
}

export const DEFAULT_BUDGET: Required<BudgetLimits> = {
  maxPostings: 64 * 2 ** 20,
  maxCandidates: 200_000,
  maxText: 12_000_000,
  deadlineMs: 1_500,
  sliceMs: 20,
};

/** A request stopped by its budget; the message (Chinese) says how to narrow it. */
export class BudgetExceeded extends Error {
  readonly status = 503;
  constructor(readonly reason: CostKind | 'deadline') {
    super(
      reason === 'deadline'
        ? '查询用时太长，已停止：请缩小范围（减少用 OR 连接的词、加上地区或年份筛选、减少每页条数）后重试。'
        : '查询太复杂，已停止：请缩小范围（减少用 OR 连接的词或单个汉字、加上地区或年份筛选、减少每页条数）后重试。',
    );
    this.name = 'BudgetExceeded';
  }
}

export class QueryBudget implements CostMeter {
  private readonly limits: Required<BudgetLimits>;
  private readonly t0 = performance.now();
  readonly spent = { postings: 0, candidates: 0, text: 0 };
  /** How many times `pause` let other requests run. */
  yields = 0;

  constructor(limits: BudgetLimits = {}) {
    this.limits = { ...DEFAULT_BUDGET, ...limits };
  }

  charge(kind: CostKind, amount: number): void {
    this.spent[kind] += amount;
    const max = kind === 'postings' ? this.limits.maxPostings : kind === 'candidates' ? this.limits.maxCandidates : this.limits.maxText;
    if (this.spent[kind] > max) throw new BudgetExceeded(kind);
    this.check();
  }

  /** Throws once the deadline has passed. */
  check(): void {
    if (performance.now() - this.t0 > this.limits.deadlineMs) throw new BudgetExceeded('deadline');
  }

  get elapsedMs(): number {
    return performance.now() - this.t0;
  }

  private lastYield = performance.now();

  /**
   * For the engine's long loops (a hit's passages, ranking): lets other
   * requests run when this one has held the event loop for `sliceMs` (the
   * limit's, unless given) — await it between units of work. Also checks the
   * deadline.
   *
   * ### Examples
   * for (const doc of pageDocs) { hits.push(this.hit(doc)); await QueryBudget.current()?.pause(); }
   */
  async pause(sliceMs = this.limits.sliceMs): Promise<void> {
    this.check();
    if (performance.now() - this.lastYield < sliceMs) return;
    this.yields++;
    await new Promise((r) => setImmediate(r));
    this.lastYield = performance.now();
  }

  /** The budget of the request running now, if any. */
  static current(): QueryBudget | null {
    const m = costMeters.getStore();
    return m instanceof QueryBudget ? m : null;
  }

  /** Runs `fn` (and everything it awaits) under this budget. */
  run<T>(fn: () => T): T {
    return costMeters.run(this, fn);
  }
}
