/** Fingerprints that tell whether an index still matches its data folder. */
import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * Hash of every file's path, size and modification time under the data folder
 * (sidecars and the user dictionary included, hidden files not): cheap enough to check at every
 * start, and it changes whenever a file is added, removed or touched.
 */
export async function statFingerprint(dataDir: string): Promise<string> {
  const rows: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      // Hidden files (.DS_Store, .git) are not reports and must not trigger a rebuild.
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const s = await lstat(p).catch(() => null);
        if (s) rows.push(`${relative(dataDir, p).split(sep).join('/')}\t${s.size}\t${Math.trunc(s.mtimeMs)}`);
      }
    }
  }
  await walk(dataDir);
  rows.sort();
  return createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 32);
}
