/**
 * The per-file work of an OpenSearch build, the same on a worker thread or in
 * process: ingest one file and analyse each report (normalised text and title,
 * jieba words). What stays on the main thread is what needs the whole folder:
 * duplicate removal and final ids (FolderMerger), archive order, the bulk requests.
 */
import { useUserDictionary } from '../../analyze/analyzer.js';
import { ingestFile, type DiscoveredFile, type FileResult } from '../../ingest/index.js';
import { analyzeFields, type AnalyzedFields } from './documents.js';

export interface PrepareTask {
  dataDir: string;
  file: DiscoveredFile;
  /** The user dictionary's content (null: none): every thread segments with the build's dictionary. */
  userDict: string | null;
}

export interface PreparedFile extends FileResult {
  /** Per report, in the order of `docs`. */
  analyzed: AnalyzedFields[];
}

export async function prepareFile(task: PrepareTask): Promise<PreparedFile> {
  useUserDictionary(task.userDict);
  const r = await ingestFile(task.dataDir, task.file);
  return { ...r, analyzed: r.docs.map(analyzeFields) };
}
