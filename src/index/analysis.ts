/**
 * What the index needs from one report, computed by the analyzer once:
 * normalised text and title, n-gram keys, and the words of title and body.
 * Kept in one pure function so it can run in worker threads unchanged.
 */
import { normalize, words } from '../analyze/analyzer.js';
import { gramKeys } from './postings.js';

export interface AnalyzedReport {
  norm: string;
  keys: Uint32Array;
  titleWords: string[];
  bodyWords: string[];
}

export function analyzeReport(title: string, text: string): AnalyzedReport {
  const norm = normalize(text);
  return {
    norm,
    keys: gramKeys(norm),
    titleWords: words(normalize(title)),
    bodyWords: words(norm),
  };
}
