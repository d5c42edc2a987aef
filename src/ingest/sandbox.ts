/**
 * Parsers of binary formats (DOCX, PDF, OFD, images, DOC/WPS, ZIP) run in a
 * worker thread with a heap limit and a per-file timeout: a file that makes a
 * parser loop, allocate without end or crash costs that file only — it is
 * skipped with its reason and the worker replaced — and the build goes on.
 *
 * One worker serves files one at a time and is kept while it behaves; it does
 * not hold the process open when idle.
 *
 * ### Examples
 * ```ts
 * const r = await extract('pdf', '.pdf', bytes)
 * // => {ok: true, text: '…', pageTexts: ['…', '…'], warnings: []}
 * // => {ok: false, reason: 'PDF 文件已加密，需要密码才能打开，无法读取正文'}
 * ```
 */
import { Worker } from 'node:worker_threads';
import type { ExtractOptions, ExtractResult, UnzipResult } from './formats/types.js';
import type { SandboxKind, SandboxRequest } from './sandbox-worker.js';

export type { SandboxKind } from './sandbox-worker.js';

export interface SandboxOptions {
  /** Milliseconds one file may take (OCR of a long scan included). Default 180 000, or REPORT_SEARCH_PARSE_TIMEOUT_MS. */
  timeoutMs: number;
  /** Heap of the worker, MB. Default 768. */
  maxHeapMb: number;
}

export const SANDBOX_DEFAULTS: SandboxOptions = { timeoutMs: 180_000, maxHeapMb: 768 };

/** The per-file timeout: REPORT_SEARCH_PARSE_TIMEOUT_MS when set (read at each call), else the default. */
function timeoutMs(): number {
  const env = Number(process.env.REPORT_SEARCH_PARSE_TIMEOUT_MS);
  return env > 0 ? env : SANDBOX_DEFAULTS.timeoutMs;
}

const EXTRACT_DEFAULTS: ExtractOptions = { ocr: true, maxOcrPages: 50 };

interface Job {
  req: SandboxRequest;
  resolve: (r: ExtractResult | UnzipResult) => void;
  timeoutMs: number;
}

class Sandbox {
  private worker: Worker | null = null;
  private queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;

  constructor(private readonly opts: SandboxOptions) {}

  run(kind: SandboxKind, ext: string, bytes: Uint8Array, timeoutMs: number, opts: ExtractOptions): Promise<ExtractResult | UnzipResult> {
    return new Promise((resolve) => {
      this.queue.push({ req: { id: this.nextId++, kind, ext, bytes, opts }, resolve, timeoutMs });
      this.pump();
    });
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./sandbox-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./sandbox-worker.ts', import.meta.url).href },
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 },
      stdout: false,
      stderr: false,
    });
    w.on('message', (msg: { id: number; result: ExtractResult | UnzipResult }) => {
      if (!this.current || this.current.job.req.id !== msg.id) return;
      this.finish(msg.result);
    });
    w.on('error', (e: Error & { code?: string }) => {
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory/i.test(e.message);
      this.fail(oom ? `解析时内存超出上限（${this.opts.maxHeapMb} MB），文件可能是恶意构造的或已损坏` : `解析程序出错（${e.message.slice(0, 120)}）`);
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = null;
      if (this.current) this.fail('解析程序意外退出');
    });
    return w;
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) {
      if (!this.current && this.worker) this.worker.unref();
      return;
    }
    const job = this.queue.shift()!;
    if (!this.worker) this.worker = this.spawn();
    this.worker.ref();
    const timer = setTimeout(() => this.fail(`解析超时（超过 ${Math.round(job.timeoutMs / 1000)} 秒），已跳过`), job.timeoutMs);
    this.current = { job, timer };
    // A copy the worker owns: the caller's Buffer may be a slice of a shared pool.
    const copy = new Uint8Array(job.req.bytes);
    this.worker.postMessage({ ...job.req, bytes: copy }, [copy.buffer]);
  }

  private finish(result: ExtractResult | UnzipResult): void {
    const cur = this.current!;
    clearTimeout(cur.timer);
    this.current = null;
    cur.job.resolve(result);
    this.pump();
  }

  /** The current file failed: answer it, and replace the worker (it may be stuck or broken). */
  private fail(reason: string): void {
    const cur = this.current;
    if (!cur) return;
    clearTimeout(cur.timer);
    this.current = null;
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
    cur.job.resolve({ ok: false, reason });
    this.pump();
  }
}

let shared: Sandbox | null = null;

/** Extract the text of a binary file in the sandbox. Never throws: a failure is `{ok: false, reason}`. */
export async function extract(kind: Exclude<SandboxKind, 'zip'>, ext: string, bytes: Uint8Array, opts: Partial<ExtractOptions & { timeoutMs: number }> = {}): Promise<ExtractResult> {
  shared ??= new Sandbox(SANDBOX_DEFAULTS);
  const ocr = process.env.REPORT_SEARCH_OCR !== '0';
  return (await shared.run(kind, ext, bytes, opts.timeoutMs ?? timeoutMs(), { ...EXTRACT_DEFAULTS, ocr, ...opts })) as ExtractResult;
}

/** The entries of a ZIP archive, read in the sandbox with size limits. */
export async function unzip(bytes: Uint8Array, opts: { timeoutMs?: number } = {}): Promise<UnzipResult> {
  shared ??= new Sandbox(SANDBOX_DEFAULTS);
  return (await shared.run('zip', '.zip', bytes, opts.timeoutMs ?? timeoutMs(), EXTRACT_DEFAULTS)) as UnzipResult;
}
