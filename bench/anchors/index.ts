/**
 * The other engines the benchmark measures on the same corpus and classes:
 * the anchors a user could pick instead of ours (Groonga, SQLite FTS5), run
 * when installed, and our own OpenSearch backend, run when asked for
 * (`--only opensearch`; it needs a node). Each result's hit counts are checked
 * against ours: an engine that finds other reports is not answering the same
 * question, and the difference is written into its notes.
 */
import { log } from '../child.js';
import type { Filter } from '../queries.js';
import type { EngineResult, ScaleResult } from '../report.js';
import { measureFts5, fts5Missing } from './fts5.js';
import { groongaMissing, measureGroonga, type AnchorContext } from './groonga.js';
import { measureOpenSearch, openSearchMissing } from './opensearch.js';

export const ENGINE_NAMES = ['groonga', 'fts5', 'opensearch'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

interface EngineDef {
  missing: () => string | null | Promise<string | null>;
  measure: (ctx: AnchorContext) => Promise<EngineResult>;
}

const ENGINES: Record<EngineName, EngineDef> = {
  groonga: { missing: groongaMissing, measure: measureGroonga },
  fts5: { missing: fts5Missing, measure: measureFts5 },
  opensearch: { missing: openSearchMissing, measure: measureOpenSearch },
};

/** Notes where an engine's hit counts differ from ours (none when they are all equal). */
export function hitDifferences(r: EngineResult, ours: ScaleResult | undefined): string[] {
  if (!ours) return [];
  const out: string[] = [];
  for (const [name, q] of Object.entries(r.queries)) {
    const mine = ours.queries[name]?.hits;
    if (mine !== undefined && mine !== q.hits) out.push(`${name}: ${q.hits} hits, ours ${mine}`);
  }
  return out;
}

/**
 * Measures the engines named in `which` at one scale, one after the other
 * (never two heavy measurements at once on this machine). An engine that is not
 * installed is skipped with a note on stderr; results come back in `which` order.
 */
export async function measureEngines(opts: {
  which: EngineName[];
  scale: number;
  corpusDir: string;
  workDir: string;
  runs: number;
  filter: Filter;
  ours: ScaleResult | undefined;
}): Promise<EngineResult[]> {
  const out: EngineResult[] = [];
  for (const name of opts.which) {
    const why = await ENGINES[name].missing();
    if (why) {
      log(`×${opts.scale} ${name}: ${why}`);
      continue;
    }
    const r = await ENGINES[name].measure(opts);
    const diff = hitDifferences(r, opts.ours);
    if (!opts.ours) r.notes.push('Hit counts not checked: ours was not measured at this scale.');
    else if (diff.length === 0) r.notes.push(`Hit counts equal ours for all ${Object.keys(r.queries).length} classes.`);
    else {
      r.notes.push(`Hit counts that differ from ours: ${diff.join('; ')}.`);
      log(`×${opts.scale} ${name}: hit counts differ from ours: ${diff.join('; ')}`);
    }
    out.push(r);
  }
  return out;
}
