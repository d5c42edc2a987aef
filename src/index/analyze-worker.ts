/** Worker thread: runs processFile for the builder's pool. */
import { parentPort } from 'node:worker_threads';
import { processFile, transferList, type FileTask } from './filework.js';

parentPort!.on('message', async ({ seq, task }: { seq: number; task: FileTask }) => {
  try {
    const result = await processFile(task);
    parentPort!.postMessage({ seq, result }, transferList(result));
  } catch (err) {
    parentPort!.postMessage({ seq, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
});
