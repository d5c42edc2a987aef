/**
 * Reading ZIP archives (a .zip of reports, an OFD's package) with limits, so
 * a zip bomb or a damaged archive costs a bounded amount of memory and time:
 * entries are inflated as a stream (fflate) and given up as soon as one
 * grows past its limit, whatever its header claims.
 */
import { Unzip, UnzipInflate } from 'fflate';
import type { UnzipResult, ZipEntry } from './types.js';

export interface ZipLimits {
  /** Most entries read. */
  maxEntries: number;
  /** Largest size of one entry once inflated. */
  maxEntryBytes: number;
  /** Largest size of all entries once inflated. */
  maxTotalBytes: number;
}

export const ZIP_LIMITS: ZipLimits = { maxEntries: 2000, maxEntryBytes: 64 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024 };

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

/**
 * Every file entry of a ZIP archive (folders left out), or why the archive
 * cannot be read. `want` picks the entries to inflate (others are skipped
 * unread). An entry over a limit fails the whole archive: that is what a zip
 * bomb looks like.
 */
export function unzipLimited(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS, want: (name: string) => boolean = () => true): UnzipResult {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) return { ok: false, reason: '不是有效的 ZIP 压缩包（文件头不对）' };
  const entries: ZipEntry[] = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  let total = 0;
  let failure: string | null = null;
  let started = 0;
  const uz = new Unzip();
  uz.register(UnzipInflate);
  uz.onfile = (file) => {
    if (failure) return;
    const name = file.name;
    if (name.endsWith('/')) return;
    if (!want(name)) return;
    if (++started > limits.maxEntries) {
      failure = `压缩包中的文件超过 ${limits.maxEntries} 个`;
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        skipped.push({ name, reason: `压缩包中的这个文件已损坏（${err.message}）` });
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > limits.maxEntryBytes) {
        failure = `压缩包中的 ${name} 解压后超过 ${mb(limits.maxEntryBytes)}（疑似“压缩炸弹”），整个压缩包已跳过`;
        file.terminate();
        return;
      }
      if (total > limits.maxTotalBytes) {
        failure = `压缩包解压后超过 ${mb(limits.maxTotalBytes)}（疑似“压缩炸弹”），整个压缩包已跳过`;
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) {
        const data = new Uint8Array(size);
        let o = 0;
        for (const c of chunks) {
          data.set(c, o);
          o += c.length;
        }
        entries.push({ name, data });
      }
    };
    try {
      file.start();
    } catch (e) {
      skipped.push({ name, reason: `无法解压：${(e as Error).message}` });
    }
  };
  try {
    // Pushed in slices, so a bomb is stopped after its first megabytes rather than after inflating all of it.
    const step = 1 << 20;
    for (let o = 0; o < bytes.length && !failure; o += step) uz.push(bytes.subarray(o, Math.min(bytes.length, o + step)), o + step >= bytes.length);
  } catch (e) {
    if (!failure) failure = `ZIP 压缩包已损坏或不完整（${(e as Error).message}）`;
  }
  if (failure) return { ok: false, reason: failure };
  const done = new Set(entries.map((e) => e.name));
  if (started > entries.length + skipped.length) {
    // An entry that started but never finished: the archive is cut short.
    if (entries.length === 0) return { ok: false, reason: 'ZIP 压缩包不完整（文件被截断）' };
    skipped.push({ name: '(截断处)', reason: `压缩包不完整（文件被截断），只读取了完整的 ${done.size} 个文件` });
  }
  return { ok: true, entries, skipped };
}
