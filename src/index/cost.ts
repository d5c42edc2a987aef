/**
 * What a query costs the index, counted where the work is done: postings
 * (bytes of document lists and word postings read), candidates (reports
 * whose positions are walked) and text (characters of report texts read).
 *
 * The meter is ambient (AsyncLocalStorage): whoever runs a request installs
 * one (the web installs a `QueryBudget`, src/search/budget.ts) and the index
 * charges it without any signature in between knowing. A meter may throw from
 * `charge` to stop the request (over budget, past its deadline); without a
 * meter, charging costs one lookup.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type CostKind = 'postings' | 'candidates' | 'text';

export interface CostMeter {
  /** Adds `amount` of `kind`; may throw to stop the request. */
  charge(kind: CostKind, amount: number): void;
}

export const costMeters = new AsyncLocalStorage<CostMeter>();

/** Charges the current request's meter, if it has one. */
export function charge(kind: CostKind, amount: number): void {
  costMeters.getStore()?.charge(kind, amount);
}

/** How many loop steps between charges in hot loops (and deadline checks). */
export const CHARGE_EVERY = 256;
