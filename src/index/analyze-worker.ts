/** Worker thread: runs processFile (whole files) and analyzeChunk (chunks of split files) for the builder's pool; exits when asked, between tasks. */
import { parentPort } from 'node:worker_threads';
import { analyzeChunk, CHUNK_CHARS, processFile, transferList, type ChunkTask, type FileTask } from './filework.js';

parentPort!.on('message', async (m: { seq: number; task: FileTask; chunk?: undefined } | { seq: number; chunk: number; task: ChunkTask } | { stop: true }) => {
  if ('stop' in m) {
    // Nothing else keeps the thread alive: it ends on its own, outside nodejieba.
    parentPort!.close();
    return;
  }
  const { seq } = m;
  try {
    if (m.chunk !== undefined) {
      const chunkResult = analyzeChunk(m.task);
      parentPort!.postMessage({ seq, chunk: m.chunk, chunkResult }, transferList(chunkResult));
      return;
    }
    const result = await processFile(m.task, 2 * (m.task.chunkChars ?? CHUNK_CHARS));
    if ('analyzed' in result) parentPort!.postMessage({ seq, result }, transferList(result));
    else parentPort!.postMessage({ seq, split: result });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    parentPort!.postMessage({ seq, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err), code });
  }
});
