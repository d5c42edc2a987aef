/**
 * Bytes → text. Chinese government archives mix UTF-8 (with or without BOM),
 * UTF-16 exported from Word, and GB18030/GBK from older sites. The order is
 * BOM → strict UTF-8 → strict GB18030 → give up (binary), so a valid UTF-8
 * file is never misread as GB18030 and a binary file is never indexed.
 */
import iconv from 'iconv-lite';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export type Decoded = { ok: true; text: string; encoding: Encoding } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Control characters that never occur in text files (NUL, most C0 codes except tab/newlines/form feed). */
function looksBinary(text: string): boolean {
  let bad = 0;
  const n = Math.min(text.length, 65536);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) bad++;
  }
  return bad > 0 && bad / Math.max(n, 1) > 0.01;
}

/**
 * Strict GB18030 check: every byte sequence must be a valid 1-, 2- or 4-byte GB18030 code.
 * iconv-lite replaces invalid sequences silently, so validity is checked here first.
 */
function isValidGb18030(buf: Uint8Array): boolean {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b === 0x80 || b === 0xff) return false;
    if (i + 1 >= n) return false;
    const b2 = buf[i + 1];
    if ((b2 >= 0x40 && b2 <= 0x7e) || (b2 >= 0x80 && b2 <= 0xfe)) {
      i += 2;
      continue;
    }
    if (b2 >= 0x30 && b2 <= 0x39) {
      if (i + 3 >= n) return false;
      const b3 = buf[i + 2];
      const b4 = buf[i + 3];
      if (b3 < 0x81 || b3 > 0xfe || b4 < 0x30 || b4 > 0x39) return false;
      i += 4;
      continue;
    }
    return false;
  }
  return true;
}

/** Decode a file's bytes, or say in Chinese why it cannot be read as text. */
export function decodeBuffer(buf: Uint8Array): Decoded {
  let result: Decoded;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    try {
      result = { ok: true, text: utf8.decode(buf.subarray(3)), encoding: 'utf-8' };
    } catch {
      return { ok: false, reason: '文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8 编码' };
    }
  } else if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    result = { ok: true, text: iconv.decode(Buffer.from(buf.subarray(2)), 'utf-16le'), encoding: 'utf-16le' };
  } else if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    result = { ok: true, text: iconv.decode(Buffer.from(buf.subarray(2)), 'utf-16be'), encoding: 'utf-16be' };
  } else {
    try {
      result = { ok: true, text: utf8.decode(buf), encoding: 'utf-8' };
    } catch {
      if (!isValidGb18030(buf)) return { ok: false, reason: '无法识别的编码或二进制文件（不是 UTF-8、UTF-16 或 GB18030 文本）' };
      result = { ok: true, text: iconv.decode(Buffer.from(buf), 'gb18030'), encoding: 'gb18030' };
    }
  }
  if (looksBinary(result.text)) return { ok: false, reason: '二进制文件（包含控制字符），不是文本' };
  return result;
}
