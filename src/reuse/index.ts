/**
 * Text reuse (issue 11): similar passages per paragraph, draft check, reuse
 * pairs across the archive, boilerplate set aside. Pure: the index builder
 * passes reports in and writes `toBuffer()` as one more file of a generation;
 * the engine loads it with `fromBuffer()` and its text store.
 */
export { DEFAULT_REUSE_OPTIONS, resolveOptions, boilerplateDocs, windowSize, type ReuseOptions } from './options.js';
export { charStream, fingerprints, shingleHashes, type CharStream, type Fingerprints } from './shingles.js';
export { alignTexts, extendSeeds, chainRuns, type Run, type StreamPassage, type TextPassage } from './align.js';
export {
  ReuseIndex,
  ReuseIndexBuilder,
  reportFingerprints,
  regionPath,
  REUSE_FORMAT_VERSION,
  type ReuseDoc,
  type ReuseDocMeta,
  type ParagraphSource,
  type ReportFingerprints,
} from './reuseindex.js';
export { compareTime } from './core.js';
export { similarPassages, type SimilarHit, type SimilarResult, type Origin } from './similar.js';
export { checkDraft, type DraftCheck, type DraftSpan, type DraftSource } from './draft.js';
export { reusePairs, pairsByReport, pairsForReport, type ReusePair, type PassageSide } from './pairs.js';
