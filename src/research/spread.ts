/**
 * The spread of a passage (issue 11, "who wrote this first, and who followed?"):
 * for one paragraph, every report that carries the same wording — the
 * paragraph itself and its similar passages (src/reuse, through the engine) —
 * in time order, counted by year and by province, the earliest marked.
 *
 * Counts are reports, not paragraphs: a report that repeats the wording in two
 * paragraphs is one report carrying it (both paragraphs are listed).
 */
import type { Engine } from '../search/engine.js';

export interface SpreadOccurrence {
  id: string;
  /** `p-N`: the paragraph carrying the wording. */
  anchor: string;
  title: string;
  /** Region path ('' when unknown). */
  region: string;
  year: number | null;
  date: string | null;
  /** Characters shared with the asked paragraph (its own length for the asked one). */
  sharedChars: number;
  /** Similarity to the asked paragraph, 0..1 (1 for the asked one). */
  score: number;
  /** The asked paragraph itself. */
  asked: boolean;
  /** Among the first in time (several when year and date cannot order them). */
  earliest: boolean;
}

export interface SpreadBucket {
  /** A year (null: unknown), or a province ('' : unknown). */
  key: string | null;
  /** Reports carrying the wording. */
  reports: number;
  /** Year buckets: the provinces of those reports; province buckets: its first year. */
  provinces?: string[];
  firstYear?: number | null;
}

export interface Spread {
  id: string;
  anchor: string;
  title: string;
  /** The asked paragraph's text. */
  text: string;
  /** Every paragraph carrying the wording, earliest first (year, then date; unknown years last). */
  occurrences: SpreadOccurrence[];
  /** Reports per year, in year order (unknown last). */
  byYear: SpreadBucket[];
  /** Reports per province, by first year, then by count. */
  byProvince: SpreadBucket[];
}

/** Year, then date; unknown years last, undated after dated within a year. 0: the archive cannot tell. */
export function compareWhen(a: Pick<SpreadOccurrence, 'year' | 'date'>, b: Pick<SpreadOccurrence, 'year' | 'date'>): number {
  const ya = a.year ?? Infinity;
  const yb = b.year ?? Infinity;
  if (ya !== yb) return ya < yb ? -1 : 1;
  if (!a.date || !b.date || a.date === b.date) return 0;
  return a.date < b.date ? -1 : 1;
}

const province = (region: string) => region.split('/')[0] ?? '';

/**
 * The spread of paragraph `p` of report `id`; null when the report or
 * paragraph is unknown. Throws what `engine.similar` throws; undefined `similar`
 * is the caller's to report (a backend without a reuse index).
 *
 * ### Examples
 * await spread(engine, 'sichuan-2023', 4)
 * // => { occurrences: [{ id: 'hubei-2021', year: 2021, earliest: true, … }, { id: 'sichuan-2023', asked: true, … }],
 * //      byYear: [{ key: '2021', reports: 1, provinces: ['湖北省'] }, …], byProvince: [{ key: '湖北省', reports: 1, firstYear: 2021 }, …] }
 */
export async function spread(engine: Engine, id: string, p: number): Promise<Spread | null> {
  const similar = await engine.similar!(id, p);
  if (!similar) return null;
  const asked = await engine.paragraphs(id, null, { from: p, count: 1 });
  if (!asked || asked.paragraphs.length === 0) return null;
  const me = asked.report;
  const text = asked.paragraphs[0].text;
  const occurrences: SpreadOccurrence[] = [
    {
      id,
      anchor: similar.anchor,
      title: me.title,
      region: [me.region.province, me.region.city, me.region.county].filter(Boolean).join('/'),
      year: me.year,
      date: me.date,
      sharedChars: text.replace(/[^\p{L}\p{N}]/gu, '').length,
      score: 1,
      asked: true,
      earliest: false,
    },
  ];
  const titles = new Map<string, string>([[id, me.title]]);
  for (const h of similar.hits) {
    if (!titles.has(h.id)) titles.set(h.id, (await engine.paragraphs(h.id, null, { from: 0, count: 1 }))?.report.title ?? h.id);
    occurrences.push({ id: h.id, anchor: h.anchor, title: titles.get(h.id)!, region: h.region, year: h.year, date: h.date, sharedChars: h.sharedChars, score: h.score, asked: false, earliest: false });
  }
  const para = (o: SpreadOccurrence) => Number(o.anchor.slice(2));
  occurrences.sort((a, b) => compareWhen(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : para(a) - para(b)));
  for (const o of occurrences) if (compareWhen(o, occurrences[0]) === 0) o.earliest = true;

  // By year and by province: distinct reports.
  const years = new Map<number | null, Map<string, string>>(); // year → report id → province
  for (const o of occurrences) {
    const m = years.get(o.year) ?? new Map<string, string>();
    m.set(o.id, province(o.region));
    years.set(o.year, m);
  }
  const byYear: SpreadBucket[] = [...years]
    .sort(([a], [b]) => (a ?? Infinity) - (b ?? Infinity))
    .map(([year, reports]) => ({ key: year === null ? null : String(year), reports: reports.size, provinces: [...new Set(reports.values())].sort((a, b) => a.localeCompare(b, 'zh-CN')) }));
  const provinces = new Map<string, { reports: Set<string>; firstYear: number | null }>();
  for (const o of occurrences) {
    const k = province(o.region);
    const b = provinces.get(k) ?? { reports: new Set<string>(), firstYear: o.year };
    b.reports.add(o.id);
    provinces.set(k, b); // occurrences are in time order: the first seen is the first year
  }
  const byProvince: SpreadBucket[] = [...provinces]
    .map(([key, b]) => ({ key, reports: b.reports.size, firstYear: b.firstYear }))
    .sort((a, b) => (a.firstYear ?? Infinity) - (b.firstYear ?? Infinity) || b.reports - a.reports || a.key!.localeCompare(b.key!, 'zh-CN'));
  return { id, anchor: similar.anchor, title: me.title, text, occurrences, byYear, byProvince };
}
