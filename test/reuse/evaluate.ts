/** Scores reported reuse pairs against the planted truth of a generated archive. */
import type { ReusePair, PassageSide } from '../../src/reuse/pairs.js';
import type { Archive, Place } from './archive.js';

export interface PairScore {
  expected: number;
  found: number;
  reported: number;
  truePositives: number;
  recall: number;
  precision: number;
  /** Found expected pairs whose source is the earlier report. */
  rightDirection: number;
  /** Reported pairs touching a fragment decoy (must be 0). */
  fragmentPairs: number;
  /** Reported pairs that are not planted, for reading. */
  falsePositives: ReusePair[];
  missed: Array<[Place, Place]>;
}

const overlaps = (s: PassageSide, p: Place) => s.id === p.doc && s.anchor === `p-${p.para}` && s.start < p.end && p.start < s.end;

export function scorePairs(archive: Archive, pairs: ReusePair[]): PairScore {
  const expected: Array<[Place, Place]> = [];
  for (const pl of archive.plants) for (let i = 0; i < pl.places.length; i++) for (let j = i + 1; j < pl.places.length; j++) expected.push([pl.places[i], pl.places[j]]);
  const found = new Set<number>();
  let tp = 0;
  let rightDirection = 0;
  const dirOk = new Set<number>();
  const falsePositives: ReusePair[] = [];
  for (const r of pairs) {
    let hit = false;
    expected.forEach(([a, b], e) => {
      const forward = overlaps(r.source, a) && overlaps(r.target, b);
      const backward = overlaps(r.source, b) && overlaps(r.target, a);
      if (forward || backward) {
        hit = true;
        found.add(e);
        if (forward) dirOk.add(e);
      }
    });
    if (hit) tp++;
    else falsePositives.push(r);
  }
  rightDirection = dirOk.size;
  let fragmentPairs = 0;
  for (const r of pairs) for (const f of archive.fragments) if (f.some((p) => overlaps(r.source, p)) && f.some((p) => overlaps(r.target, p))) fragmentPairs++;
  return {
    expected: expected.length,
    found: found.size,
    reported: pairs.length,
    truePositives: tp,
    recall: found.size / expected.length,
    precision: pairs.length ? tp / pairs.length : 1,
    rightDirection,
    fragmentPairs,
    falsePositives,
    missed: expected.filter((_, e) => !found.has(e)),
  };
}
