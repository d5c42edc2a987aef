/**
 * Benchmark and quality measurement of the reuse engine (issue 11).
 *
 *   node --expose-gc --import tsx bench/reuse/run.ts [--scales 10,100] [--pairs-scales 10] [--out bench/reuse/RESULTS.md]
 *
 * Quality: recall/precision of planted pairs on the test archive (5 seeds),
 * with the default edits and with harsher ones. Speed: a generated archive of
 * 120 reports × scale (15–25 k characters each, planted reuse included):
 * index build time and memory, file size and load time, similar passages for
 * one paragraph (median of 200), draft check of 5,000 characters (median of
 * 20), the corpus-wide pass with its peak RSS. One process, one run: the
 * machine is shared, so numbers are medians and indicative.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { execSync } from 'node:child_process';
import { generateArchive, mulberry32, type Archive, type ArchiveOptions } from '../../test/reuse/archive.js';
import { scorePairs } from '../../test/reuse/evaluate.js';
import { ReuseIndex, checkDraft, pairsForReport, reusePairs, similarPassages, DEFAULT_REUSE_OPTIONS } from '../../src/reuse/index.js';

const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const scales = arg('--scales', '10').split(',').map(Number);
const pairScales = new Set(arg('--pairs-scales', '10').split(',').map(Number));
const pairsSample = Number(arg('--pairs-sample', '60'));
const out = arg('--out', 'bench/reuse/RESULTS.md');

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (b: number) => (b / 2 ** 20).toFixed(0);
const sec = (ms: number) => (ms / 1000).toFixed(1);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

const TEST: ArchiveOptions = { seed: 0, reports: 40, minChars: 2000, maxChars: 3600, plants: 80, chainShare: 0.3, fragments: 20, boilerplateShare: 0.4, spare: 40 };

const lines: string[] = [];
const md = (s = '') => lines.push(s);
const flush = () => writeFileSync(out, lines.join('\n') + '\n');

// ------------------------------------------------------------ quality
md('# Reuse engine: quality and speed');
md();
let commit = '';
try {
  commit = execSync('git rev-parse --short HEAD').toString().trim();
} catch {}
md(`Run ${new Date().toISOString().slice(0, 16)}Z at ${commit}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}. The machine is shared with other engineers' jobs: wall times are medians of one run and indicative; CPU times (user + system of this process) are given beside the long steps because they suffer less from the other jobs.`);
md();
md(`Settings: ${JSON.stringify(DEFAULT_REUSE_OPTIONS)}.`);
md();
md('## Quality: planted reuse (test archive, 40 reports of real paragraphs, 80 planted passages, 30 % chains A→B→C, 20 fragment decoys of 12–16 characters, 7 stock sentences each in 40 % of reports)');
md();
md('| edits in copies | seed | planted pairs | found | reported | recall | precision | source is the earlier | fragment pairs |');
md('|---|---|---|---|---|---|---|---|---|');
flush();
for (const [label, editEvery] of [
  ['1 char per 80 + punctuation + 30 % a sentence dropped (default)', 80],
  ['1 char per 30 (harsher)', 30],
  ['1 char per 15 (very harsh)', 15],
] as const) {
  for (const seed of [1, 2, 3, 4, 5]) {
    const a = await generateArchive({ ...TEST, seed, editEvery });
    const index = ReuseIndex.build(a.docs);
    const s = scorePairs(a, [...reusePairs(index)]);
    md(`| ${label} | ${seed} | ${s.expected} | ${s.found} | ${s.reported} | ${(100 * s.recall).toFixed(1)} % | ${(100 * s.precision).toFixed(1)} % | ${s.rightDirection}/${s.found} | ${s.fragmentPairs} |`);
    log(`quality ${label} seed ${seed}: recall ${s.recall.toFixed(3)} precision ${s.precision.toFixed(3)}`);
  }
}
md();

// ------------------------------------------------------------ speed
md('## Speed');
md();
md('Archive: 120 reports × scale, 15–25 k characters each; background text is real paragraphs while they last, then an order-2 character Markov chain over them (Chinese-looking, realistic character statistics, no planted reuse but some chance sharing of common phrases); planted: one passage per two reports, 30 % chains, stock sentences in 30 % of reports.');
md();
md('| scale | reports | characters | generate | build index | index arrays (heap growth) | postings | file size | load (fromBuffer) | similar p50 / p95 | draft 5,000 chars p50 / p95 | corpus-wide pass, estimated from a sample | corpus-wide pass | pairs | peak RSS in the pass | planted pairs found |');
md('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');

for (const scale of scales) {
  const reports = 120 * scale;
  log(`×${scale}: generating ${reports} reports`);
  let t = performance.now();
  let a: Archive | null = await generateArchive({
    seed: 2026,
    reports,
    minChars: 15_000,
    maxChars: 25_000,
    plants: reports / 2,
    chainShare: 0.3,
    fragments: 50,
    boilerplateShare: 0.3,
    spare: 40,
  });
  const genMs = performance.now() - t;
  let chars = 0;
  for (const d of a.docs) for (const p of d.paragraphs) chars += p.length;
  log(`×${scale}: ${(chars / 1e6).toFixed(1)} M characters in ${sec(genMs)} s; building`);
  gc();
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  t = performance.now();
  let cpu = process.cpuUsage();
  const index = ReuseIndex.build(a.docs);
  const buildMs = performance.now() - t;
  const buildCpu = cpuMs(cpu);
  gc();
  const heapIdx = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap0;
  log(`×${scale}: built in ${sec(buildMs)} s, +${mb(heapIdx)} MB, ${index.postingCount} postings`);
  const buf = index.toBuffer();
  const byId = new Map(a.docs.map((d) => [d.id, d.paragraphs]));
  t = performance.now();
  const loaded = ReuseIndex.fromBuffer(buf, (id) => byId.get(id)!);
  const loadMs = performance.now() - t;
  void loaded;

  // similar passages: 200 paragraphs of ≥ 50 characters, half of them holding a planted passage
  const rand = mulberry32(7);
  const asks: Array<[string, number]> = [];
  for (const p of a.plants.slice(0, 100)) asks.push([p.places[p.places.length - 1].doc, p.places[p.places.length - 1].para]);
  while (asks.length < 200) {
    const d = a.docs[Math.floor(rand() * a.docs.length)];
    const para = Math.floor(rand() * d.paragraphs.length);
    if (d.paragraphs[para].length >= 50) asks.push([d.id, para]);
  }
  const simMs: number[] = [];
  let simHits = 0;
  for (const [id, para] of asks) {
    t = performance.now();
    simHits += similarPassages(index, id, para).hits.length;
    simMs.push(performance.now() - t);
  }
  log(`×${scale}: similar p50 ${median(simMs).toFixed(1)} ms, ${simHits} hits over ${asks.length}`);

  // drafts of 5,000 characters: archive paragraphs (some planted) interleaved with spare text
  const draftMs: number[] = [];
  let covered = 0;
  for (let k = 0; k < 20; k++) {
    let draft = '';
    let i = 0;
    while (draft.length < 5000) {
      const p = a.plants[(k * 7 + i) % a.plants.length];
      draft += (i % 2 === 0 ? a.spare[(k + i) % a.spare.length] : p.texts[0]) + '\n';
      i++;
    }
    draft = draft.slice(0, 5000);
    t = performance.now();
    covered += checkDraft(index, draft).coveredChars / draft.length;
    draftMs.push(performance.now() - t);
  }
  log(`×${scale}: draft p50 ${median(draftMs).toFixed(0)} ms, mean covered ${(covered / 20).toFixed(2)}`);

  // Estimate of the full pass: report d is compared with the later ones, so the
  // pass costs about half of N × (one report against all others).
  const sampleMs: number[] = [];
  const sampleCpu = process.cpuUsage();
  for (let k = 0; k < pairsSample; k++) {
    const id = a.docs[Math.floor(rand() * a.docs.length)].id;
    t = performance.now();
    pairsForReport(index, id);
    sampleMs.push(performance.now() - t);
  }
  const perReportCpu = cpuMs(sampleCpu) / pairsSample;
  const estMs = (sampleMs.reduce((x, y) => x + y, 0) / pairsSample) * (reports / 2);
  const estCell = `${sec(estMs)} s (CPU ${sec((perReportCpu * reports) / 2)} s), ${pairsSample} reports`;
  log(`×${scale}: pass estimated ${estCell}`);

  let pairsCell = pairScales.has(scale) ? 'running' : 'not run';
  let pairCount = '';
  let rssCell = '';
  let foundCell = '';
  const row = () =>
    `| ×${scale} | ${reports} | ${(chars / 1e6).toFixed(1)} M | ${sec(genMs)} s | ${sec(buildMs)} s (CPU ${sec(buildCpu)} s) | ${mb(index.byteSize)} MB (+${mb(heapIdx)} MB) | ${(index.postingCount / 1e6).toFixed(2)} M | ${mb(buf.length)} MB | ${loadMs.toFixed(0)} ms | ${median(simMs).toFixed(1)} / ${pct(simMs, 0.95).toFixed(1)} ms | ${median(draftMs).toFixed(0)} / ${pct(draftMs, 0.95).toFixed(0)} ms | ${estCell} | ${pairsCell} | ${pairCount} | ${rssCell} | ${foundCell} |`;
  // Written before the pass too, so a pass stopped for time leaves the other numbers.
  const at = lines.length;
  md(row());
  flush();
  if (pairScales.has(scale)) {
    log(`×${scale}: corpus-wide pass`);
    let peak = process.memoryUsage().rss;
    t = performance.now();
    cpu = process.cpuUsage();
    const pairs: import('../../src/reuse/index.js').ReusePair[] = [];
    let lastId = '';
    let lastLog = performance.now();
    let n = 0;
    let done = 0;
    for (const p of reusePairs(index, { onProgress: (d) => (done = d) })) {
      // keep only what the score needs, as a writer streaming pairs to a file would
      pairs.push({ source: { ...p.source, text: '' }, target: { ...p.target, text: '' } } as never);
      if (++n % 2000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      if (p.source.id !== lastId) {
        lastId = p.source.id;
        if (performance.now() - lastLog > 60_000) {
          lastLog = performance.now();
          log(`×${scale}: pass at report ${done} of ${reports}, ${n} pairs, ${sec(lastLog - t)} s`);
        }
      }
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const pairsMs = performance.now() - t;
    const pairsCpu = cpuMs(cpu);
    const s = scorePairs(a, pairs);
    pairsCell = `${sec(pairsMs)} s (CPU ${sec(pairsCpu)} s)`;
    pairCount = String(n);
    rssCell = `${mb(peak)} MB`;
    foundCell = `${s.found}/${s.expected} (${(100 * s.recall).toFixed(1)} %); ${s.truePositives} of ${s.reported} reported are planted`;
    log(`×${scale}: pass ${sec(pairsMs)} s, ${n} pairs, recall ${s.recall.toFixed(3)}, planted share ${s.precision.toFixed(3)}, peak RSS ${mb(peak)} MB`);
  }
  lines[at] = row();
  flush();
  a = null;
  gc();
}
md();
md(`Peak RSS of the whole process: ${mb(process.resourceUsage().maxRSS * 1024)} MB.`);
writeFileSync(out, lines.join('\n') + '\n');
log(`wrote ${out}`);
