/**
 * Crash-safe file operations: a generation is written under a temporary name,
 * every file fsynced, then renamed into place, and only then does CURRENT
 * (itself replaced by rename) point at it. A crash at any moment leaves the
 * previous CURRENT and its generation intact and loadable.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CURRENT_FILE } from './format.js';

/** Writes a file and flushes it to disk before returning. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync a directory so a rename inside it survives a crash (no-op where unsupported). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync directories; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** An append-only file written with synchronous writes (large binary streams). */
export class AppendFile {
  private fd: number;
  bytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    this.bytes += data.length;
  }

  /** fsync and close. */
  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

/** The live generation's directory, or null when there is no index yet. */
export async function currentGeneration(indexDir: string): Promise<string | null> {
  let name: string;
  try {
    name = (await readFile(join(indexDir, CURRENT_FILE), 'utf8')).trim();
  } catch {
    return null;
  }
  if (!/^gen-[\w.-]+$/.test(name)) return null;
  return join(indexDir, name);
}

/** Makes a fresh temporary directory for a generation being written. */
export async function newGenerationDir(indexDir: string): Promise<{ tmpDir: string; name: string }> {
  await mkdir(indexDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const name = `gen-${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmpDir = join(indexDir, `.tmp-${name}`);
  await mkdir(tmpDir);
  return { tmpDir, name };
}

/** Moves a completed generation into place and points CURRENT at it. */
export async function publishGeneration(indexDir: string, tmpDir: string, name: string): Promise<string> {
  fsyncDir(tmpDir);
  const finalDir = join(indexDir, name);
  await rename(tmpDir, finalDir);
  fsyncDir(indexDir);
  const tmpCurrent = join(indexDir, `${CURRENT_FILE}.tmp-${process.pid}`);
  await writeFileDurable(tmpCurrent, `${name}\n`);
  renameSync(tmpCurrent, join(indexDir, CURRENT_FILE));
  fsyncDir(indexDir);
  return finalDir;
}

/**
 * Deletes generations other than the live one and the one before it (a server
 * may still be reading the previous one while it swaps), and leftovers of
 * interrupted builds older than an hour.
 */
export async function pruneGenerations(indexDir: string, keep: string[]): Promise<void> {
  const entries = await readdir(indexDir, { withFileTypes: true });
  const gens = entries.filter((e) => e.isDirectory() && e.name.startsWith('gen-')).map((e) => e.name);
  const stats = await Promise.all(gens.map(async (g) => ({ g, t: (await stat(join(indexDir, g))).mtimeMs })));
  stats.sort((a, b) => b.t - a.t);
  const keepSet = new Set(keep);
  // Keep the newest generation that is not live as the "previous" one.
  const previous = stats.find((s) => !keepSet.has(s.g));
  if (previous) keepSet.add(previous.g);
  for (const { g } of stats) if (!keepSet.has(g)) await rm(join(indexDir, g), { recursive: true, force: true });
  const hour = Date.now() - 3600_000;
  for (const e of entries) {
    if (!e.isDirectory() || !e.name.startsWith('.tmp-gen-')) continue;
    const s = await stat(join(indexDir, e.name)).catch(() => null);
    if (s && s.mtimeMs < hour) await rm(join(indexDir, e.name), { recursive: true, force: true });
  }
}

/**
 * Crash-test hook: when REPORT_SEARCH_FAULT names this point, the process dies
 * here as if the machine lost power (SIGKILL: no cleanup, no finally blocks).
 * The durability test uses it to show a build killed mid-write loses nothing.
 */
export function faultPoint(name: string): void {
  if (process.env.REPORT_SEARCH_FAULT === name) process.kill(process.pid, 'SIGKILL');
}
