/**
 * A resampled archive with page chrome left in: runs of raw lines (before any
 * cleaning) drawn from the real sample reports, so that furniture such as
 * 相关报道, 责任编辑, 【打印】 or a breadcrumb lands anywhere in a long report,
 * as on a scraped site whose pages were glued together. Seeded: the same seed
 * gives the same archive.
 *
 * Each raw line is labelled body or chrome by whether cleaning its own report
 * keeps it: a body sentence is one the original cleaning kept, so a test can
 * ask that resampling never loses one.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { mulberry32 } from '../../../bench/corpus.js';
import { cleanText, toLines } from '../../../src/ingest/clean.js';

export interface RawLine {
  text: string;
  body: boolean;
}

const squash = (s: string) => s.replace(/[\s\u3000]+/g, '');

/** Every raw line of the sample reports, in order per report, labelled. */
export function rawLines(corpusDir = 'test/fixtures/corpus'): RawLine[][] {
  const texts: string[] = [];
  for (const f of readdirSync(path.join(corpusDir, 'seeds')).sort()) texts.push(readFileSync(path.join(corpusDir, 'seeds', f), 'utf8'));
  const prov = path.join(corpusDir, 'provincial-2026');
  for (const f of readdirSync(prov).sort()) {
    const rows = parse(readFileSync(path.join(prov, f), 'utf8'), { columns: true, bom: true }) as Array<Record<string, string>>;
    for (const r of rows) texts.push(r.full_text);
  }
  return texts.map((t) => {
    const kept = squash(cleanText(t).text);
    return toLines(t)
      .filter((l) => l.length > 0)
      .map((l) => ({ text: l, body: kept.includes(squash(l)) }));
  });
}

/** `n` reports of 15–25 k characters, each a sequence of runs of 1–12 consecutive raw lines. */
export function resampledArchive(n: number, seed: number, corpusDir?: string): RawLine[][] {
  const reports = rawLines(corpusDir);
  const rand = mulberry32(seed);
  const out: RawLine[][] = [];
  for (let r = 0; r < n; r++) {
    const target = 15_000 + Math.floor(rand() * 10_000);
    const lines: RawLine[] = [];
    let chars = 0;
    while (chars < target) {
      const src = reports[Math.floor(rand() * reports.length)];
      const start = Math.floor(rand() * src.length);
      const len = 1 + Math.floor(rand() * 12);
      for (const l of src.slice(start, start + len)) {
        lines.push(l);
        chars += l.text.length + 1;
      }
    }
    out.push(lines);
  }
  return out;
}

/**
 * Sentences of at least `min` characters (cut after 。！？；) of the body lines,
 * whitespace removed. A piece without any punctuation (a bare title, a link's
 * text) is not a sentence: on a page it cannot be told from a link.
 */
export function bodySentences(lines: RawLine[], min = 12): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (!l.body) continue;
    for (const s of squash(l.text).split(/(?<=[。！？；])/)) if (s.length >= min && /[，。！？；：、,;:]/.test(s)) out.push(s);
  }
  return out;
}
