/**
 * Crash-safe file operations: a generation is written under a temporary name,
 * every file fsynced, then renamed into place, and only then does CURRENT
 * (itself replaced by rename) point at it. A crash at any moment leaves the
 * previous CURRENT and its generation intact and loadable.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from './checksum.js';
import { CURRENT_FILE } from './format.js';

/**
 * Test hook for a full disk where no small filesystem can be mounted:
 * REPORT_SEARCH_FAULT=enospc makes writes fail with ENOSPC once the process
 * has written REPORT_SEARCH_FAULT_BYTES bytes (default 0) of index files.
 */
let faultBytes = 0;
function injectedWriteFault(path: string, bytes: number): void {
  if (process.env.REPORT_SEARCH_FAULT !== 'enospc') return;
  faultBytes += bytes;
  if (faultBytes > Number(process.env.REPORT_SEARCH_FAULT_BYTES ?? 0)) {
    throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC', syscall: 'write', path });
  }
}

/** Writes a file and flushes it to disk before returning. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  injectedWriteFault(path, typeof data === 'string' ? Buffer.byteLength(data) : data.length);
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

/** An append-only file written with synchronous writes (large binary streams), with its running CRC32. */
export class AppendFile {
  private fd: number | null;
  bytes = 0;
  /** CRC32 of everything written so far. */
  checksum = 0;
  /** Running CRC32s of the bytes written since each `mark()`. */
  private marks = new Map<number, number>();

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(data: Uint8Array): void {
    if (this.fd === null) throw new Error('index: write after close');
    injectedWriteFault(this.path, data.length);
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    this.bytes += data.length;
    this.checksum = crc32(data, this.checksum);
    for (const [at, c] of this.marks) this.marks.set(at, crc32(data, c));
  }

  /** CRC32 of the bytes written since `mark()` returned `at`. */
  checksumSince(at: number): number {
    const c = this.marks.get(at);
    if (c === undefined) throw new Error(`index: no mark at ${at}`);
    return c;
  }

  /** Starts a CRC32 of the bytes written from now on; returns the offset to give `checksumSince`. */
  mark(): number {
    this.marks.set(this.bytes, 0);
    return this.bytes;
  }

  /** fsync and close. */
  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }

  /** Closes without syncing and deletes the file (a failed build). */
  abandon(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.path, { force: true });
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

/** Temporary generation directories this process is writing now. */
const activeTmpDirs = new Set<string>();

/**
 * Makes a fresh temporary directory for a generation being written. Its name
 * carries this process's id, so a later build can tell a dead build's
 * leftovers from a live one's.
 */
export async function newGenerationDir(indexDir: string): Promise<{ tmpDir: string; name: string }> {
  await mkdir(indexDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const name = `gen-${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmpDir = join(indexDir, `.tmp-${name}`);
  await mkdir(tmpDir);
  activeTmpDirs.add(tmpDir);
  return { tmpDir, name };
}

/** Deletes a temporary generation this process was writing (a failed or interrupted build). */
export async function discardGenerationDir(tmpDir: string): Promise<void> {
  await rm(tmpDir, { recursive: true, force: true });
  activeTmpDirs.delete(tmpDir);
}

/** Synchronous: for the last moment before exiting on a second Ctrl+C. */
export function discardActiveGenerationsSync(): void {
  for (const dir of activeTmpDirs) rmSync(dir, { recursive: true, force: true });
  activeTmpDirs.clear();
}

/** Whether a process with this id is running (EPERM: it runs as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `.tmp-gen-<stamp>-<pid>-<random>` and `CURRENT.tmp-<pid>`: the pid of the build that made it. */
function leftoverPid(name: string): number | null {
  const m = /^\.tmp-gen-[^-]+-(\d+)-[a-z0-9]+$/.exec(name) ?? /^CURRENT\.tmp-(\d+)$/.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Removes what dead builds left behind (temporary generations, a half-written
 * CURRENT), whatever their age: a build whose process is gone will never
 * finish them. A live build's are kept. Names without a pid (older versions)
 * go after an hour, as before. Returns how many were removed.
 */
export async function removeDeadLeftovers(indexDir: string): Promise<number> {
  const entries = await readdir(indexDir, { withFileTypes: true }).catch(() => []);
  const hour = Date.now() - 3600_000;
  let removed = 0;
  for (const e of entries) {
    if (!e.name.startsWith('.tmp-gen-') && !e.name.startsWith(`${CURRENT_FILE}.tmp-`)) continue;
    const path = join(indexDir, e.name);
    const pid = leftoverPid(e.name);
    let dead: boolean;
    if (pid === null) dead = ((await stat(path).catch(() => null))?.mtimeMs ?? Infinity) < hour;
    else if (pid === process.pid) dead = !activeTmpDirs.has(path);
    else dead = !processAlive(pid);
    if (dead) {
      await rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/** Moves a completed generation into place and points CURRENT at it. */
export async function publishGeneration(indexDir: string, tmpDir: string, name: string): Promise<string> {
  fsyncDir(tmpDir);
  const finalDir = join(indexDir, name);
  await rename(tmpDir, finalDir);
  activeTmpDirs.delete(tmpDir);
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
 * dead builds.
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
  await removeDeadLeftovers(indexDir);
}

/**
 * Crash-test hook: when REPORT_SEARCH_FAULT names this point, the process dies
 * here as if the machine lost power (SIGKILL: no cleanup, no finally blocks).
 * The durability test uses it to show a build killed mid-write loses nothing.
 */
export function faultPoint(name: string): void {
  if (process.env.REPORT_SEARCH_FAULT === name) process.kill(process.pid, 'SIGKILL');
}
