/**
 * The layers of src/ point one way and no import cycle exists: checked with
 * dependency-cruiser against the rules in .dependency-cruiser.cjs.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rules = createRequire(import.meta.url)('../../.dependency-cruiser.cjs');

async function check(ruleSet: unknown): Promise<ICruiseResult> {
  const prev = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(['src'], { ruleSet, ...rules.options, validate: true });
    return result.output as ICruiseResult;
  } finally {
    process.chdir(prev);
  }
}

describe('architecture', () => {
  it('no layer imports one above it, and there is no import cycle', async () => {
    const out = await check({ forbidden: rules.forbidden });
    expect(out.summary.totalCruised).toBeGreaterThan(40);
    const violations = out.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);
    expect(violations).toEqual([]);
  });

  it('the rules can fail: a web module importing the index layer is reported', async () => {
    // The same rules, but the web layer is told it may import nothing: its real imports become violations.
    const strict = rules.forbidden.map((r: { name: string }) =>
      r.name === 'layer-web' ? { ...r, to: { path: '^src/', pathNot: ['^src/web/', '^src/types\\.ts$'] } } : r,
    );
    const out = await check({ forbidden: strict });
    expect(out.summary.violations.some((v) => v.rule.name === 'layer-web' && v.from.startsWith('src/web/'))).toBe(true);
  });
});
