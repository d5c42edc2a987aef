/**
 * Fresh-process measurement: every benchmark step (our build, cold start and
 * queries; the anchors' children) runs in its own Node process, so one step's
 * heap, JIT and caches never flatter the next one.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(BENCH, '..');

export const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** Runs a TypeScript file in a fresh Node process (through tsx); resolves with its last stdout line parsed as JSON. */
export function runChild<T>(
  script: string,
  args: string[],
  opts: { nodeFlags?: string[]; onFirstLine?: () => void } = {},
): Promise<{ result: T; wallMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let firstLine = true;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (firstLine && out.includes('\n')) {
        firstLine = false;
        opts.onFirstLine?.();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - t0;
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        const tail = err.trim().split('\n').slice(-15).join('\n');
        reject(new Error(`bench: ${script} ${args.join(' ')} exited with ${signal ?? code}\n${tail}`));
        return;
      }
      try {
        resolvePromise({ result: JSON.parse(last) as T, wallMs });
      } catch {
        reject(new Error(`bench: ${script} printed no JSON result:\n${out.slice(-2000)}`));
      }
    });
  });
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs per query class: keeps a whole ×100 run within ~25 minutes on 2 cores. */
export function runsFor(scale: number): number {
  return scale <= 10 ? 200 : scale <= 100 ? 100 : 30;
}

/** The 1-minute load average, per core, and raw: the machine is shared, so every timing carries it. */
export function load1(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

export const CORES = cpus().length;
