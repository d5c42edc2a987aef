/**
 * Word 97–2003 (.doc) and WPS (.wps) files through Debian's antiword, when
 * installed (detected at run time). antiword reads Word's binary format,
 * which older WPS versions also write; a file it cannot read is skipped with
 * a reason that says how to convert it.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExtractResult } from './types.js';

let present: boolean | null = null;

export function hasAntiword(): boolean {
  if (present === null) present = !(spawnSync('antiword', [], { stdio: 'ignore', timeout: 10_000 }).error as NodeJS.ErrnoException | undefined);
  return present;
}

const CONVERT = '可以用 WPS、Word 或 LibreOffice 另存为 .docx 后再放入';

export async function readLegacyWord(bytes: Uint8Array, ext: '.doc' | '.wps'): Promise<ExtractResult> {
  const kind = ext === '.doc' ? 'Word 97–2003 文档（.doc）' : 'WPS 文字文档（.wps）';
  if (!hasAntiword()) return { ok: false, reason: `读取${kind}需要 Debian 软件包 antiword（sudo apt-get install antiword），未安装；或者${CONVERT}` };
  // Word's binary files are OLE compound documents: D0 CF 11 E0 A1 B1 1A E1.
  const ole = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  if (bytes.length < 8 || ole.some((b, i) => bytes[i] !== b)) return { ok: false, reason: `不是有效的${kind}（文件头不对，可能已损坏或扩展名有误）` };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'report-doc-'));
  try {
    const f = path.join(dir, `in${ext}`);
    await writeFile(f, bytes);
    const text = await new Promise<string>((resolve, reject) =>
      execFile('antiword', ['-m', 'UTF-8.txt', '-w', '0', f], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' }, (err, out, stderr) =>
        err ? reject(new Error((stderr || err.message).trim().slice(0, 160))) : resolve(out),
      ),
    );
    // antiword separates paragraphs with blank lines and writes each on one line (-w 0).
    const lines = text.split(/\n/).map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) return { ok: false, reason: `${kind}中没有文字` };
    return { ok: true, text: lines.join('\n'), warnings: [] };
  } catch (e) {
    return { ok: false, reason: `antiword 无法读取这个${kind}（${(e as Error).message}）；${CONVERT}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
