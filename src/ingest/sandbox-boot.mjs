// Worker-thread bootstrap for the ingest sandbox: the TypeScript worker module
// is loaded through tsx, which (unlike the main thread's --import) is not
// inherited by workers.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
