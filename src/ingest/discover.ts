/**
 * Finding report files under the data folder. The walk never leaves the
 * folder: a symlink whose target resolves outside it is reported as skipped,
 * and directories are visited once by real path, so symlink loops end.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SkippedFile } from '../types.js';

export interface DiscoveredFile {
  /** Path relative to the data folder, with forward slashes. */
  path: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

export interface Discovery {
  /** Candidate report files, sorted by path. */
  files: DiscoveredFile[];
  /** Files found but not readable as reports (symlink outside, unsupported type), sorted by path. */
  skipped: SkippedFile[];
}

/** Extensions read as reports; everything else is reported as unsupported. */
export const REPORT_EXTENSIONS = [
  '.txt',
  '.md',
  '.markdown',
  '.html',
  '.htm',
  '.csv',
  '.jsonl',
  '.docx',
  '.pdf',
  '.ofd',
  '.doc',
  '.wps',
  '.png',
  '.jpg',
  '.jpeg',
  '.tif',
  '.tiff',
  '.zip',
] as const;

/** Why a file of another type is not read (Chinese, user-facing). */
export function unsupportedReason(ext: string): string {
  return `不支持的文件类型（${ext || '无扩展名'}），只读取 .txt、.md、.html、.csv、.jsonl、.docx、.pdf、.ofd、.doc、.wps、图片（.png、.jpg、.tif）和 .zip`;
}

/** Files that live next to reports but are not reports. */
export function isAuxiliaryFile(name: string): boolean {
  return /\.(meta|mapping)\.json$/i.test(name) || name.toLowerCase() === 'userdict.txt';
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export async function discover(dataDir: string): Promise<Discovery> {
  const root = await fs.realpath(dataDir).catch(() => {
    throw new Error(`ingest: 数据目录不存在或无法读取：${dataDir} —— 请用 --data 指定报告所在的文件夹`);
  });
  const files: DiscoveredFile[] = [];
  const skipped: SkippedFile[] = [];
  const seenDirs = new Set<string>();

  async function walk(absDir: string, relDir: string): Promise<void> {
    const real = await fs.realpath(absDir);
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    const entries = await fs.readdir(absDir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // hidden files and folders (.git, .DS_Store, an index cache)
      const abs = path.join(absDir, e.name);
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = await fs.realpath(abs);
        } catch {
          skipped.push({ path: rel, reason: '符号链接指向的目标不存在' });
          continue;
        }
        if (!isInside(root, target)) {
          skipped.push({ path: rel, reason: '符号链接指向数据目录之外，已跳过' });
          continue;
        }
        const st = await fs.stat(target);
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isDir) {
        await walk(abs, rel);
        continue;
      }
      if (!isFile || isAuxiliaryFile(e.name)) continue;
      const ext = path.extname(e.name).toLowerCase();
      if (!(REPORT_EXTENSIONS as readonly string[]).includes(ext)) {
        skipped.push({ path: rel, reason: unsupportedReason(ext) });
        continue;
      }
      const st = await fs.stat(abs);
      files.push({ path: rel, absPath: abs, size: st.size, mtimeMs: st.mtimeMs });
    }
  }

  await walk(root, '');
  files.sort(byPath);
  skipped.sort(byPath);
  return { files, skipped };
}
