/**
 * Region paths of an index snapshot: every report's place as a path
 * (四川省 → 四川省/达州市 → 四川省/达州市/通川区; 上海市/松江区; 全国), numbered
 * so that filters and facet counts are array lookups.
 */
import { Bitset } from '../index/bitset.js';
import type { Region } from '../types.js';

export const MAX_DEPTH = 3;

/** The path segments of a region: its non-empty levels, in order. */
export function regionSegments(r: Pick<Region, 'province' | 'city' | 'county'>): string[] {
  return [r.province, r.city, r.county].filter((x): x is string => !!x);
}

export class RegionTable {
  /** Path strings by id. */
  readonly paths: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly sets = new Map<number, Bitset>();
  /** levels[d][doc] = id of the doc's path prefix of length d + 1, or -1. */
  readonly levels: Int32Array[];

  constructor(regions: Array<Pick<Region, 'province' | 'city' | 'county'>>) {
    const n = regions.length;
    this.levels = Array.from({ length: MAX_DEPTH }, () => new Int32Array(n).fill(-1));
    regions.forEach((r, doc) => {
      const segs = regionSegments(r);
      for (let d = 0; d < Math.min(segs.length, MAX_DEPTH); d++) {
        this.levels[d][doc] = this.intern(segs.slice(0, d + 1).join('/'));
      }
    });
  }

  private intern(path: string): number {
    let id = this.ids.get(path);
    if (id === undefined) {
      id = this.paths.length;
      this.paths.push(path);
      this.ids.set(path, id);
    }
    return id;
  }

  /** Reports inside any of these paths (unknown paths match nothing). */
  filter(paths: string[]): Bitset {
    const n = this.levels[0].length;
    const out = new Bitset(n);
    for (const p of paths) {
      const segs = p.split('/').filter(Boolean);
      const id = this.ids.get(segs.join('/'));
      if (id === undefined || segs.length === 0 || segs.length > MAX_DEPTH) continue;
      let set = this.sets.get(id);
      if (!set) {
        // One scan per region and snapshot; after that a filter is an OR of cached sets.
        set = new Bitset(n);
        const level = this.levels[segs.length - 1];
        for (let doc = 0; doc < n; doc++) if (level[doc] === id) set.add(doc);
        this.sets.set(id, set);
      }
      out.or(set);
    }
    return out;
  }

  /**
   * The paths closest to a mistyped name: those whose last segment starts with
   * it or contains it (青海 → 青海省), then those within one edit of it.
   */
  nearest(name: string, max: number): string[] {
    const last = (p: string) => p.slice(p.lastIndexOf('/') + 1);
    const scored: Array<[number, string]> = [];
    for (const p of this.paths) {
      const seg = last(p);
      const rank = seg.startsWith(name) ? 0 : seg.includes(name) || name.includes(seg) ? 1 : withinOneEdit(seg, name) ? 2 : -1;
      if (rank >= 0) scored.push([rank * 100 + p.split('/').length, p]);
    }
    return scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1], 'zh-Hans-CN')).slice(0, max).map(([, p]) => p);
  }

  /** Id of a path, if any report is there. */
  idOf(path: string): number | undefined {
    return this.ids.get(path.split('/').filter(Boolean).join('/'));
  }
}

/** True when `a` becomes `b` by at most one insertion, deletion or substitution. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * The level the region facet lists for a selection: the children of the
 * selected regions' deepest common ancestor (provinces when nothing is selected).
 * Returns the ancestor's segments.
 */
export function commonAncestor(selected: string[]): string[] {
  if (selected.length === 0) return [];
  // 'X/本级' is inside X; '未知' (no region) is at the top.
  const split = selected.map((p) => (p === '未知' ? [] : p.split('/').filter((s) => s && s !== '本级')));
  const first = split[0];
  let len = 0;
  while (len < first.length && split.every((s) => s[len] === first[len])) len++;
  return first.slice(0, Math.min(len, MAX_DEPTH));
}
