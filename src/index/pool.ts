/**
 * Runs per-file work over many files on worker threads (jieba is CPU-bound and
 * single-threaded: one worker per core), handing results back in file order:
 * processFile for the local index, and any other task whose worker module
 * answers through `serveTasks` (the OpenSearch build's analysis).
 *
 * Workers are only ever stopped at a safe point: when a task fails, the sink
 * throws (a full disk) or the build is aborted (Ctrl+C), no new file is handed
 * out, each worker finishes the file it is on, and then it is asked to exit.
 * `Worker.terminate()` while a thread is inside nodejieba aborts the whole
 * process natively ("terminate called after throwing an instance of
 * Napi::Error", exit 134), so it is used only on a worker that is already idle.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { processFile, type FileResult, type FileTask } from './filework.js';

/**
 * Receives each result in task order; may return a promise (a consumer that
 * writes to a slower sink, e.g. bulk requests): calls never overlap, and with
 * `maxPending` the workers wait for it instead of piling results up in memory.
 */
export type Sink<R> = (index: number, result: R) => void | Promise<void>;
export type ResultSink = Sink<FileResult>;

/** How to run one kind of task: the worker module (which calls `serveTasks`) and the same work on this thread. */
export interface TaskKind<T, R> {
  /** Worker module, loaded through worker-boot.mjs (so it may be TypeScript). */
  entry: URL;
  inThread: (task: T) => Promise<R>;
  /** Names a task in an error message (a file's path). */
  describe: (task: T) => string;
}

const FILE_TASKS: TaskKind<FileTask, FileResult> = {
  entry: new URL('./analyze-worker.ts', import.meta.url),
  inThread: processFile,
  describe: (t) => t.file.path,
};

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
export function runFileTasks(tasks: FileTask[], workers: number, sink: ResultSink, signal?: AbortSignal): Promise<void> {
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

/** `runFileTasks` for any kind of task. */
export async function runTasks<T, R>(kind: TaskKind<T, R>, tasks: T[], workers: number, sink: Sink<R>, opts: RunOptions = {}): Promise<void> {
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
    return;
  }

  const boot = new URL('./worker-boot.mjs', import.meta.url);
  const entry = kind.entry.href;
  const threads = Array.from({ length: Math.min(workers, tasks.length) }, () => new Worker(boot, { workerData: { entry } }));
  let cursor = 0;
  let failure: unknown = null;
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
            resolve();
          };
          const feed = () => {
            if (sinkFailure !== null) return idle(sinkFailure);
            if (failure !== null || signal?.aborted || cursor >= tasks.length) return idle();
            const seq = cursor++;
            w.postMessage({ seq, task: tasks[seq] });
          };
          w.on('message', (m: { seq: number; result?: R; error?: string; code?: string }) => {
            if (m.error) {
              const what = kind.describe(tasks[m.seq]);
              return idle(new TaskError(`index: worker failed on ${what}: ${m.error}`, m.code, what));
            }
            deliver(m.seq, m.result!);
            // A slow sink holds the workers back once maxPending results wait for it.
            void room().then(feed);
          });
          w.on('error', (err) => idle(err));
          w.on('exit', () => idle(failure === null && cursor < tasks.length ? new Error('index: a worker thread exited') : undefined));
          feed();
        }),
    ),
  );
  await Promise.all(threads.map(stopWorker));
  // Every result delivered has been consumed (or skipped after a failure) before the run settles.
  await sinking;
  if (failure !== null) throw failure;
  if (sinkFailure !== null) throw sinkFailure;
  signal?.throwIfAborted();
}

/**
 * The worker side: answers the pool's tasks with `fn` until asked to stop.
 * `transfer` lists a result's buffers to move rather than copy.
 */
export function serveTasks<T, R>(fn: (task: T) => Promise<R>, transfer: (result: R) => ArrayBuffer[] = () => []): void {
  parentPort!.on('message', async (m: { seq: number; task: T } | { stop: true }) => {
    if ('stop' in m) {
      // Nothing else keeps the thread alive: it ends on its own, outside nodejieba.
      parentPort!.close();
      return;
    }
    const { seq, task } = m;
    try {
      const result = await fn(task);
      parentPort!.postMessage({ seq, result }, transfer(result));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      parentPort!.postMessage({ seq, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err), code });
    }
  });
}
