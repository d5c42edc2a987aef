/** Worker thread of the local build: whole files, large ones handed back split, and chunks of their reports (src/index/pool.ts). */
import { serveFileTasks } from './pool.js';

serveFileTasks();
