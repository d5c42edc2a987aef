/** Worker thread: runs processFile for the builder's pool; exits when asked, between files. */
import { parentPort } from 'node:worker_threads';
import { processFile, transferList, type FileTask } from './filework.js';

parentPort!.on('message', async (m: { seq: number; task: FileTask } | { stop: true }) => {
  if ('stop' in m) {
    // Nothing else keeps the thread alive: it ends on its own, outside nodejieba.
    parentPort!.close();
    return;
  }
  const { seq, task } = m;
  try {
    const result = await processFile(task);
    parentPort!.postMessage({ seq, result }, transferList(result));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    parentPort!.postMessage({ seq, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err), code });
  }
});
