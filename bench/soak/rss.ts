/**
 * The soak's RSS phase: the server's resident memory sampled while a long
 * load runs (issue 14: "RSS stable over a 5-minute soak, growth ≤ 10%").
 * Growth compares the median of the first minute's samples with the last
 * minute's: single samples move with GC, a leak moves the medians.
 */
import { readFile } from 'node:fs/promises';

/** A process's resident set in MB from /proc (Linux), or null when it cannot be read. */
export async function rssMb(pid: number | undefined): Promise<number | null> {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface RssSample {
  /** seconds since sampling began */
  t: number;
  mb: number;
}

/** Samples `pid`'s RSS every `everyMs` until `during` settles (one sample at the start, one at the end). */
export async function sampleRss(pid: number | undefined, during: Promise<unknown>, everyMs = 5000): Promise<RssSample[]> {
  const out: RssSample[] = [];
  const t0 = performance.now();
  let done = false;
  void during.finally(() => (done = true)).catch(() => undefined);
  const take = async () => {
    const mb = await rssMb(pid);
    if (mb !== null) out.push({ t: Math.round((performance.now() - t0) / 100) / 10, mb: Math.round(mb * 10) / 10 });
  };
  await take();
  while (!done) {
    await Promise.race([new Promise((r) => setTimeout(r, everyMs)), during.catch(() => undefined)]);
    await take();
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/**
 * First and last window's medians and the growth between them. The window is
 * a minute, or a third of a shorter run (SOAK_RSS_SECONDS below 180, for trying).
 */
export function rssSummary(samples: RssSample[]) {
  const end = samples.length ? samples[samples.length - 1].t : 0;
  const window = Math.min(60, end / 3);
  const first = median(samples.filter((s) => s.t <= window).map((s) => s.mb));
  const last = median(samples.filter((s) => s.t >= end - window).map((s) => s.mb));
  const mbs = samples.map((s) => s.mb);
  return {
    windowSeconds: Math.round(window),
    firstMb: first,
    lastMb: last,
    growthPct: Math.round(((last - first) / first) * 1000) / 10,
    minMb: Math.min(...mbs),
    maxMb: Math.max(...mbs),
  };
}
