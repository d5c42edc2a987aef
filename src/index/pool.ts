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
import { processFile, type FileResult, type FileTask } from './filework.js';

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

/**
 * Processes `tasks` with `workers` threads (0: in this thread) and calls `sink`
 * with each result in task order, as soon as it and all before it are ready.
 * Rejects with the first failure (or `signal.reason`) once every worker has stopped.
 */
export async function runFileTasks(tasks: FileTask[], workers: number, sink: ResultSink, signal?: AbortSignal): Promise<void> {
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
    return;
  }

  const boot = new URL('./worker-boot.mjs', import.meta.url);
  const entry = new URL('./analyze-worker.ts', import.meta.url).href;
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
            if (failure !== null || signal?.aborted || cursor >= tasks.length) return idle();
            const seq = cursor++;
            w.postMessage({ seq, task: tasks[seq] });
          };
          w.on('message', (m: { seq: number; result?: FileResult; error?: string; code?: string }) => {
            if (m.error) return idle(new TaskError(`index: worker failed on ${tasks[m.seq].file.path}: ${m.error}`, m.code, tasks[m.seq].file.path));
            try {
              deliver(m.seq, m.result!);
            } catch (err) {
              return idle(err);
            }
            feed();
          });
          w.on('error', (err) => idle(err));
          w.on('exit', () => idle(failure === null && cursor < tasks.length ? new Error('index: a worker thread exited') : undefined));
          feed();
        }),
    ),
  );
  await Promise.all(threads.map(stopWorker));
  if (failure !== null) throw failure;
  signal?.throwIfAborted();
}
