/** Worker thread: runs processFile for the builder's pool; exits when asked, between files. */
import { processFile, transferList } from './filework.js';
import { serveTasks } from './pool.js';

serveTasks(processFile, transferList);
