/** Worker thread of the OpenSearch build: ingests a file and analyses its reports (jieba), for the builder's pool. */
import { serveTasks } from '../../index/pool.js';
import { prepareFile } from './prepare.js';

serveTasks(prepareFile);
