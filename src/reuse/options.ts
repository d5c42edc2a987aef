/**
 * Settings of the text-reuse engine (issue 11), with their defaults in one place.
 *
 * Method in one paragraph: each paragraph is normalised (analyzer.normalize,
 * length-preserving) and reduced to its letters and digits (punctuation and
 * whitespace dropped, an offset map kept back to the paragraph). Overlapping
 * character shingles of `shingleSize` are hashed and *winnowed* (Schleimer et
 * al. 2003): the minimum hash of every window of `minSharedChars - shingleSize + 1`
 * shingles is kept, which guarantees that any exact shared run of
 * `minSharedChars` characters yields at least one shared fingerprint while
 * storing about one fingerprint in six. Fingerprints found in more than the
 * boilerplate document count are not used as candidates (passim keeps n-grams
 * found in 2..N documents). Candidates are aligned by seeded extend-and-merge:
 * every shared fingerprint is verified and extended to a maximal exact run,
 * runs are chained across small edits (`maxGap`) with an affine gap cost, and
 * a chain is kept when its score (shared characters minus gap costs) reaches
 * `minSharedChars` and at least half of that is outside boilerplate.
 */
export interface ReuseOptions {
  /**
   * Minimum shared characters (letters and digits after normalisation) for a
   * passage to count as reuse. Also fixes the winnowing window, so that an
   * exact shared run of this length is always found. Default 20.
   */
  minSharedChars: number;
  /** Characters per shingle (k). Smaller finds more edited passages, at more candidates. Default 10. */
  shingleSize: number;
  /**
   * Wording found in more than this share of the archive's reports is
   * boilerplate (习近平新时代中国特色社会主义思想 …): not reuse by itself.
   * Default 0.05 (5 %).
   */
  boilerplateShare: number;
  /**
   * Floor of the boilerplate document count, so a small archive does not call
   * a passage shared by three reports boilerplate. Default 10. The count used is
   * `max(boilerplateMinDocs, ceil(boilerplateShare × reports))`.
   */
  boilerplateMinDocs: number;
  /**
   * Largest gap (characters, on either side) bridged between two exact runs of
   * one passage: a replaced character, a changed word, a dropped or inserted
   * sentence. Default 60.
   */
  maxGap: number;
  /** Candidate paragraphs aligned per asked paragraph or draft (the most seeded first). Default 1000. */
  maxCandidates: number;
  /** Longest draft accepted by the draft check, in characters. Default 20,000. */
  maxDraftChars: number;
}

/** The defaults; see each field of {@link ReuseOptions}. */
export const DEFAULT_REUSE_OPTIONS: Readonly<ReuseOptions> = Object.freeze({
  minSharedChars: 20,
  shingleSize: 10,
  boilerplateShare: 0.05,
  boilerplateMinDocs: 10,
  maxGap: 60,
  maxCandidates: 1000,
  maxDraftChars: 20_000,
});

/**
 * Defaults merged with the given settings, checked.
 *
 * ### Examples
 * resolveOptions({ minSharedChars: 30 }).shingleSize // => 10
 * resolveOptions({ shingleSize: 40 }) // throws RangeError: reuse: shingleSize must be ≤ minSharedChars (40 > 20)
 */
export function resolveOptions(opts: Partial<ReuseOptions> = {}): ReuseOptions {
  const o = { ...DEFAULT_REUSE_OPTIONS, ...opts };
  const int = (name: keyof ReuseOptions, min: number) => {
    const v = o[name];
    if (!Number.isInteger(v) || v < min) throw new RangeError(`reuse: ${name} must be an integer ≥ ${min}, got ${v}`);
  };
  int('minSharedChars', 2);
  int('shingleSize', 2);
  int('boilerplateMinDocs', 2);
  int('maxGap', 0);
  int('maxCandidates', 1);
  int('maxDraftChars', 1);
  if (o.shingleSize > o.minSharedChars) {
    throw new RangeError(`reuse: shingleSize must be ≤ minSharedChars (${o.shingleSize} > ${o.minSharedChars})`);
  }
  if (!(o.boilerplateShare > 0 && o.boilerplateShare <= 1)) {
    throw new RangeError(`reuse: boilerplateShare must be in (0, 1], got ${o.boilerplateShare}`);
  }
  return o;
}

/** Winnowing window (shingles per window) that guarantees a run of `minSharedChars` is found. */
export function windowSize(o: ReuseOptions): number {
  return o.minSharedChars - o.shingleSize + 1;
}

/** Reports above which a fingerprint is boilerplate, for an archive of `reports` reports. */
export function boilerplateDocs(o: ReuseOptions, reports: number): number {
  return Math.max(o.boilerplateMinDocs, Math.ceil(o.boilerplateShare * reports));
}
