/**
 * Runs per-file work over many files on worker threads (jieba is CPU-bound and
 * single-threaded: one worker per core), handing results back in file order:
 * processFile for the local index, and any other task whose worker module
 * answers through `serveTasks` (the OpenSearch build's analysis).
 *
 * A kind of task may split: a worker that reads a large file hands its
 * reports back instead of analyzing them, the pool cuts them into chunk tasks
 * that any free thread takes (before the next files), and assembles the
 * file's result from the chunks — so one 700 MB dataset keeps every core busy
 * as 500 small files do.
 *
 * Workers are only ever stopped at a safe point: when a task fails, the sink
 * throws (a full disk) or the build is aborted (Ctrl+C), no new task is handed
 * out, each worker finishes the one it is on, and then it is asked to exit.
 * `Worker.terminate()` while a thread is inside nodejieba aborts the whole
 * process natively ("terminate called after throwing an instance of
 * Napi::Error", exit 134), so it is used only on a worker that is already idle.
 */
import { parentPort, Worker } from 'node:worker_threads';
import {
  analyzeChunk,
  assembleSplit,
  CHUNK_CHARS,
  chunkTasks,
  processFile,
  transferList,
  writeCacheEntry,
  type ChunkResult,
  type ChunkTask,
  type FileResult,
  type FileTask,
  type SplitFile,
} from './filework.js';

/**
 * Receives each result in task order; may return a promise (a consumer that
 * writes to a slower sink, e.g. bulk requests): calls never overlap, and with
 * `maxPending` the workers wait for it instead of piling results up in memory.
 */
export type Sink<R> = (index: number, result: R) => void | Promise<void>;
export type ResultSink = Sink<FileResult>;

/** How a kind of task splits: the chunks of a task that came back split, and its result from theirs. */
export interface Splitting<T, R, S, C, CR> {
  chunks(split: S, task: T): C[];
  /** The task's result from its chunks' results (in order). */
  assemble(split: S, parts: CR[], task: T): R;
  /** Work to finish before the run settles (a cache entry), started when the chunks are back. */
  done?(split: S, parts: CR[], task: T): Promise<void>;
}

/** How to run one kind of task: the worker module (which calls `serveTasks`) and the same work on this thread. */
export interface TaskKind<T, R, S = never, C = never, CR = never> {
  /** Worker module, loaded through worker-boot.mjs (so it may be TypeScript). */
  entry: URL;
  inThread: (task: T) => Promise<R>;
  /** Names a task in an error message (a file's path). */
  describe: (task: T) => string;
  split?: Splitting<T, R, S, C, CR>;
}

/** What a worker's task function returns for a task it hands back to be split. */
export class SplitResult<S> {
  constructor(readonly value: S) {}
}

const FILE_TASKS: TaskKind<FileTask, FileResult, SplitFile, ChunkTask, ChunkResult> = {
  entry: new URL('./analyze-worker.ts', import.meta.url),
  inThread: processFile,
  describe: (t) => t.file.path,
  split: {
    chunks: (split, task) => chunkTasks(split, task.chunkChars ?? CHUNK_CHARS, task.userDict),
    assemble: assembleSplit,
    done: async (split, parts, task) => {
      if (split.fromCache || !split.cachePath) return;
      const counts = parts.flatMap((c) => c.counts ?? []);
      await writeCacheEntry(task.cacheDir!, split.cachePath, { docs: split.docs, skipped: split.skipped, counts });
    },
  },
};

/** The worker side of file tasks: whole files, large ones handed back split, and chunks. */
export function serveFileTasks(): void {
  serveTasks(
    async (task: FileTask) => {
      const r = await processFile(task, 2 * (task.chunkChars ?? CHUNK_CHARS));
      return 'analyzed' in r ? r : new SplitResult(r);
    },
    transferList,
    async (chunk: ChunkTask) => analyzeChunk(chunk),
    transferList,
  );
}

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

/**
 * Processes `tasks` with `workers` threads (0: in this thread) and calls `sink`
 * with each result in task order, as soon as it and all before it are ready.
 * Rejects with the first failure (or `signal.reason`) once every worker has stopped.
 */
export function runFileTasks(tasks: FileTask[], workers: number, sink: ResultSink, signal?: AbortSignal): Promise<RunStats> {
  return runTasks(FILE_TASKS, tasks, workers, sink, { signal });
}

export interface RunOptions {
  /** Stops handing out tasks; the run rejects with `signal.reason` once every worker has stopped. */
  signal?: AbortSignal;
  /**
   * Results received but not yet consumed by the sink, at most (a result
   * waiting for an earlier, slower task counts too); a worker gets its next
   * task only below this. Default: no bound (a synchronous sink never lags).
   */
  maxPending?: number;
}

export interface RunStats {
  /** Chunk tasks of split tasks (0: every task went whole to one thread). */
  chunks: number;
}

/** One unit of work for a thread: a whole task, or a chunk of a split one. */
type Work<T, C> = { seq: number; task: T } | { seq: number; chunk: number; task: C };

interface Message<R, S, CR> {
  seq: number;
  result?: R;
  split?: S;
  chunk?: number;
  chunkResult?: CR;
  error?: string;
  code?: string;
}

/** `runFileTasks` for any kind of task. */
export async function runTasks<T, R, S = never, C = never, CR = never>(
  kind: TaskKind<T, R, S, C, CR>,
  tasks: T[],
  workers: number,
  sink: Sink<R>,
  opts: RunOptions = {},
): Promise<RunStats> {
  const { signal } = opts;
  const maxPending = opts.maxPending ?? Infinity;
  const ready = new Map<number, R>();
  let next = 0;
  let pending = 0;
  let wake: Array<() => void> = [];
  let sinkFailure: unknown = null;
  // Sink calls in task order, one after the other; after a failure the rest are skipped.
  let sinking: Promise<void> = Promise.resolve();
  const settled = () => {
    pending--;
    const waiting = wake;
    wake = [];
    for (const w of waiting) w();
  };
  const deliver = (i: number, r: R) => {
    pending++;
    ready.set(i, r);
    while (ready.has(next)) {
      const res = ready.get(next)!;
      ready.delete(next);
      const at = next++;
      sinking = sinking
        .then(async () => {
          if (sinkFailure === null) await sink(at, res);
        })
        .catch((err) => void (sinkFailure ??= err))
        .finally(settled);
    }
  };
  /** Resolves when fewer than maxPending results wait for the sink. */
  const room = async () => {
    while (pending >= maxPending && sinkFailure === null) await new Promise<void>((r) => wake.push(r));
  };

  if (workers <= 0) {
    for (let i = 0; i < tasks.length && sinkFailure === null; i++) {
      signal?.throwIfAborted();
      deliver(i, await kind.inThread(tasks[i]));
      await room();
    }
    await sinking;
    if (sinkFailure !== null) throw sinkFailure;
    signal?.throwIfAborted();
    return { chunks: 0 };
  }

  const boot = new URL('./worker-boot.mjs', import.meta.url);
  const entry = kind.entry.href;
  const threads = Array.from({ length: Math.min(workers, tasks.length) }, () => new Worker(boot, { workerData: { entry } }));
  let cursor = 0;
  let failure: unknown = null;
  const chunkQueue: Array<Work<T, C>> = [];
  const splits = new Map<number, { split: S; parts: Array<CR | undefined>; left: number }>();
  const finals: Promise<void>[] = [];
  let chunks = 0;
  // Threads with work out: a task being read may still come back split, with chunks for every thread.
  let busy = 0;
  const outstanding = () => chunkQueue.length > 0 || cursor < tasks.length || busy > 0;
  const takeWork = (): Work<T, C> | null => chunkQueue.shift() ?? (cursor < tasks.length ? { seq: cursor, task: tasks[cursor++] } : null);
  // Idle threads wait here for chunks another thread's split may still bring.
  let idleThreads: Array<() => void> = [];
  const wakeIdle = () => {
    const waiting = idleThreads;
    idleThreads = [];
    for (const w of waiting) w();
  };

  const onSplit = (seq: number, split: S) => {
    const parts = kind.split!.chunks(split, tasks[seq]);
    splits.set(seq, { split, parts: new Array(parts.length), left: parts.length });
    chunks += parts.length;
    parts.forEach((task, chunk) => chunkQueue.push({ seq, chunk, task }));
  };
  const onChunk = (seq: number, chunk: number, result: CR) => {
    const s = splits.get(seq)!;
    s.parts[chunk] = result;
    if (--s.left > 0) return;
    splits.delete(seq);
    const parts = s.parts as CR[];
    const done = kind.split!.done?.(s.split, parts, tasks[seq]);
    if (done) finals.push(done.catch((err) => void (failure ??= err)));
    deliver(seq, kind.split!.assemble(s.split, parts, tasks[seq]));
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
            wakeIdle();
            resolve();
          };
          const feed = () => {
            if (sinkFailure !== null) return idle(sinkFailure);
            if (failure !== null || signal?.aborted) return idle();
            const work = takeWork();
            if (work) {
              busy++;
              return w.postMessage(work);
            }
            if (!outstanding()) return idle();
            // Nothing now; a split elsewhere may bring chunks.
            idleThreads.push(() => void room().then(feed));
          };
          w.on('message', (m: Message<R, S, CR>) => {
            busy--;
            if (m.error) {
              const what = kind.describe(tasks[m.seq]);
              return idle(new TaskError(`index: worker failed on ${what}: ${m.error}`, m.code, what));
            }
            try {
              if (m.split !== undefined) onSplit(m.seq, m.split);
              else if (m.chunk !== undefined) onChunk(m.seq, m.chunk, m.chunkResult!);
              else deliver(m.seq, m.result!);
            } catch (err) {
              return idle(err);
            }
            wakeIdle();
            // A slow sink holds the workers back once maxPending results wait for it.
            void room().then(feed);
          });
          w.on('error', (err) => idle(err));
          w.on('exit', () => idle(failure === null && outstanding() ? new Error('index: a worker thread exited') : undefined));
          feed();
        }),
    ),
  );
  await Promise.all(threads.map(stopWorker));
  // Every result delivered has been consumed (or skipped after a failure) before the run settles.
  await sinking;
  await Promise.all(finals);
  if (failure !== null) throw failure;
  if (sinkFailure !== null) throw sinkFailure;
  signal?.throwIfAborted();
  return { chunks };
}

/**
 * The worker side: answers the pool's tasks with `fn` until asked to stop.
 * `transfer` lists a result's buffers to move rather than copy. A task `fn`
 * hands back as a `SplitResult` comes back as chunks, answered by `chunkFn`.
 */
export function serveTasks<T, R, S = never, C = never, CR = never>(
  fn: (task: T) => Promise<R | SplitResult<S>>,
  transfer: (result: R) => ArrayBuffer[] = () => [],
  chunkFn?: (task: C) => Promise<CR>,
  chunkTransfer: (result: CR) => ArrayBuffer[] = () => [],
): void {
  parentPort!.on('message', async (m: Work<T, C> | { stop: true }) => {
    if ('stop' in m) {
      // Nothing else keeps the thread alive: it ends on its own, outside nodejieba.
      parentPort!.close();
      return;
    }
    const { seq } = m;
    try {
      if ('chunk' in m) {
        const chunkResult = await chunkFn!(m.task);
        parentPort!.postMessage({ seq, chunk: m.chunk, chunkResult }, chunkTransfer(chunkResult));
        return;
      }
      const result = await fn(m.task);
      if (result instanceof SplitResult) parentPort!.postMessage({ seq, split: result.value });
      else parentPort!.postMessage({ seq, result }, transfer(result));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      parentPort!.postMessage({ seq, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err), code });
    }
  });
}
