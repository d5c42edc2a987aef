/**
 * Runs processFile over many files on worker threads (jieba is CPU-bound and
 * single-threaded: one worker per core), handing results back in file order.
 */
import { Worker } from 'node:worker_threads';
import { processFile, type FileResult, type FileTask } from './filework.js';

export type ResultSink = (index: number, result: FileResult) => void;

/**
 * Processes `tasks` with `workers` threads (0: in this thread) and calls `sink`
 * with each result in task order, as soon as it and all before it are ready.
 */
export async function runFileTasks(tasks: FileTask[], workers: number, sink: ResultSink): Promise<void> {
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
    for (let i = 0; i < tasks.length; i++) deliver(i, await processFile(tasks[i]));
    return;
  }

  const boot = new URL('./worker-boot.mjs', import.meta.url);
  const entry = new URL('./analyze-worker.ts', import.meta.url).href;
  const threads = Array.from({ length: Math.min(workers, tasks.length) }, () => new Worker(boot, { workerData: { entry } }));
  let cursor = 0;
  try {
    await Promise.all(
      threads.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (cursor >= tasks.length) return resolve();
              const seq = cursor++;
              w.postMessage({ seq, task: tasks[seq] });
            };
            w.on('message', (m: { seq: number; result?: FileResult; error?: string }) => {
              if (m.error) return reject(new Error(`index: worker failed on ${tasks[m.seq].file.path}: ${m.error}`));
              deliver(m.seq, m.result!);
              feed();
            });
            w.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}
