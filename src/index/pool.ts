/**
 * Runs processFile over many files on worker threads (jieba is CPU-bound and
 * single-threaded: one worker per core), handing results back in file order.
 *
 * Workers are only ever stopped at a safe point: when a task fails, the sink
 * throws (a full disk) or the build is aborted (Ctrl+C), no new file is handed
 * out, each worker finishes the file it is on, and then it is asked to exit.
 * `Worker.terminate()` while a thread is inside nodejieba aborts the whole
 * process natively ("terminate called after throwing an instance of
 * Napi::Error", exit 134), so it is used only on a worker that is already idle.
 */
import { Worker } from 'node:worker_threads';
import { CHUNK_CHARS, processFile, writeCacheEntry, type ChunkResult, type ChunkTask, type FileResult, type FileTask, type SplitFile } from './filework.js';

export type ResultSink = (index: number, result: FileResult) => void;

/** A worker's failure on one file; `code` is the errno code when there was one (ENOSPC …). */
export class TaskError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'TaskError';
  }
}

const EXIT_GRACE_MS = 10_000;

/** Asks an idle worker to exit and waits for it; terminates it only if it does not. */
function stopWorker(w: Worker): Promise<void> {
  return new Promise((resolve) => {
    if (w.threadId === -1) return resolve();
    const timer = setTimeout(() => void w.terminate().then(() => resolve(), () => resolve()), EXIT_GRACE_MS);
    w.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    w.postMessage({ stop: true });
  });
}

/** One unit of work for a thread: a whole file, or a chunk of a split file's reports. */
type Work = { seq: number; task: FileTask } | { seq: number; chunk: number; task: ChunkTask };

/** A split file while its chunks are out. */
interface Pending {
  split: SplitFile;
  chunks: Array<ChunkResult | undefined>;
  bounds: number[];
  left: number;
}

/** Chunk boundaries: consecutive reports of about `chunkChars` characters each. */
function chunkBounds(docs: { text: string }[], chunkChars: number): number[] {
  const bounds = [0];
  let chars = 0;
  for (let i = 0; i < docs.length; i++) {
    chars += docs[i].text.length;
    if (chars >= chunkChars && i + 1 < docs.length) {
      bounds.push(i + 1);
      chars = 0;
    }
  }
  bounds.push(docs.length);
  return bounds;
}

/** A split file's result from its analyzed chunks, in order. */
function assemble(p: Pending): FileResult {
  const analyzed = p.chunks.flatMap((c) => c!.analyzed);
  const parts = p.chunks.map((c) => ({ dictionary: null, terms: c!.terms, reports: c!.analyzed.length }));
  return { docs: p.split.docs, skipped: p.split.skipped, analyzed, parts, cacheKey: p.split.cacheKey, fromCache: p.split.fromCache };
}

/**
 * Processes `tasks` with `workers` threads (0: in this thread) and calls `sink`
 * with each result in task order, as soon as it and all before it are ready.
 * A file with many reports is split: the thread that read it hands its
 * reports back, and they are analyzed in chunks by whichever thread is free
 * (chunks go before the next files, so results keep flowing in order).
 * Rejects with the first failure (or `signal.reason`) once every worker has stopped.
 */
export async function runFileTasks(tasks: FileTask[], workers: number, sink: ResultSink, signal?: AbortSignal): Promise<{ chunks: number }> {
  const ready = new Map<number, FileResult>();
  let next = 0;
  const deliver = (i: number, r: FileResult) => {
    ready.set(i, r);
    while (ready.has(next)) {
      const res = ready.get(next)!;
      ready.delete(next);
      sink(next++, res);
    }
  };

  if (workers <= 0) {
    for (let i = 0; i < tasks.length; i++) {
      signal?.throwIfAborted();
      deliver(i, await processFile(tasks[i]));
    }
    signal?.throwIfAborted();
    return { chunks: 0 };
  }

  const boot = new URL('./worker-boot.mjs', import.meta.url);
  const entry = new URL('./analyze-worker.ts', import.meta.url).href;
  const threads = Array.from({ length: Math.min(workers, tasks.length) }, () => new Worker(boot, { workerData: { entry } }));
  let cursor = 0;
  let failure: unknown = null;
  const chunkQueue: Work[] = [];
  const pending = new Map<number, Pending>();
  const cacheWrites: Promise<void>[] = [];
  let chunks = 0;
  const takeWork = (): Work | null => chunkQueue.shift() ?? (cursor < tasks.length ? { seq: cursor, task: tasks[cursor++] } : null);
  // Threads with work out: a file being read may still come back split, with chunks for every thread.
  let busy = 0;
  const outstanding = () => chunkQueue.length > 0 || cursor < tasks.length || busy > 0;

  const onSplit = (seq: number, split: SplitFile) => {
    const bounds = chunkBounds(split.docs, tasks[seq].chunkChars ?? CHUNK_CHARS);
    const n = bounds.length - 1;
    pending.set(seq, { split, chunks: new Array(n), bounds, left: n });
    chunks += n;
    const task = tasks[seq];
    for (let c = 0; c < n; c++) {
      const docs = split.docs.slice(bounds[c], bounds[c + 1]);
      const counts = split.counts ? split.counts.slice(bounds[c], bounds[c + 1]) : null;
      chunkQueue.push({ seq, chunk: c, task: { docs, counts, userDict: task.userDict } });
    }
  };
  const onChunk = (seq: number, chunk: number, result: ChunkResult) => {
    const p = pending.get(seq)!;
    p.chunks[chunk] = result;
    if (--p.left > 0) return;
    pending.delete(seq);
    const { split } = p;
    if (!split.fromCache && split.cachePath) {
      const counts = p.chunks.flatMap((c) => c!.counts ?? []);
      cacheWrites.push(writeCacheEntry(tasks[seq].cacheDir!, split.cachePath, { docs: split.docs, skipped: split.skipped, counts }));
    }
    deliver(seq, assemble(p));
  };

  // Idle threads wait here for chunks another thread's split may still bring.
  const waiting: Array<() => void> = [];
  const wakeAll = () => {
    for (const wake of waiting.splice(0)) wake();
  };

  await Promise.all(
    threads.map(
      (w) =>
        new Promise<void>((resolve) => {
          let done = false;
          // Resolves when this worker is idle for good: nothing more to do, or a stop was asked.
          const idle = (err?: unknown) => {
            if (done) return;
            done = true;
            if (err !== undefined) failure ??= err;
            w.removeAllListeners('message');
            wakeAll();
            resolve();
          };
          const feed = () => {
            if (failure !== null || signal?.aborted) return idle();
            const work = takeWork();
            if (work) {
              busy++;
              return w.postMessage(work);
            }
            // Nothing now; a split elsewhere may bring chunks.
            if (!outstanding()) {
              wakeAll();
              return idle();
            }
            waiting.push(feed);
          };
          w.on('message', (m: { seq: number; chunk?: number; result?: FileResult; split?: SplitFile; chunkResult?: ChunkResult; error?: string; code?: string }) => {
            busy--;
            if (m.error) return idle(new TaskError(`index: worker failed on ${tasks[m.seq].file.path}: ${m.error}`, m.code, tasks[m.seq].file.path));
            try {
              if (m.split) onSplit(m.seq, m.split);
              else if (m.chunkResult) onChunk(m.seq, m.chunk!, m.chunkResult);
              else deliver(m.seq, m.result!);
            } catch (err) {
              return idle(err);
            }
            wakeAll();
            feed();
          });
          w.on('error', (err) => idle(err));
          w.on('exit', () => idle(failure === null && outstanding() ? new Error('index: a worker thread exited') : undefined));
          feed();
        }),
    ),
  );
  await Promise.all(threads.map(stopWorker));
  await Promise.all(cacheWrites);
  if (failure !== null) throw failure;
  signal?.throwIfAborted();
  return { chunks };
}
