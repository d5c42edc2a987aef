/**
 * OCR through Debian's tesseract (packages tesseract-ocr and
 * tesseract-ocr-chi-sim), detected at run time: without it, scanned pages and
 * images are skipped with a Chinese reason that says how to enable OCR.
 * Recognised words come back with their boxes (tesseract's TSV output), so a
 * scanned page goes through the same paragraph rebuilding as a PDF's text layer.
 * Scanned PDF pages are rendered to PNG with poppler's pdftoppm.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LaidOutPage, TextLine } from './layout.js';

export const OCR_INSTALL_HINT = '安装 Debian 软件包 tesseract-ocr 和 tesseract-ocr-chi-sim（sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim）后重新建立索引即可识别';

let status: { ok: true } | { ok: false; reason: string } | null = null;

/** Is OCR available? `enabled` false (REPORT_SEARCH_OCR=0 in the main thread) turns it off. */
export function ocrStatus(enabled = true): { ok: true } | { ok: false; reason: string } {
  if (!enabled) return { ok: false, reason: '文字识别（OCR）已关闭（环境变量 REPORT_SEARCH_OCR=0）：去掉这个设置，并确认已安装 Debian 软件包 tesseract-ocr 和 tesseract-ocr-chi-sim，然后重新建立索引' };
  if (status) return status;
  try {
    const out = execFileSync('tesseract', ['--list-langs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    status = /^chi_sim$/m.test(out) ? { ok: true } : { ok: false, reason: `已安装 tesseract，但缺少简体中文语言包：请安装 Debian 软件包 tesseract-ocr-chi-sim 后重新建立索引` };
  } catch {
    status = { ok: false, reason: `没有安装文字识别程序 tesseract：${OCR_INSTALL_HINT}` };
  }
  return status;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // One thread: tesseract's OpenMP threads would fight the indexer's workers for the same cores.
    const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
    execFile(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL', env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd}: ${(err as NodeJS.ErrnoException).code === 'ETIMEDOUT' || err.killed ? '超时' : (stderr || err.message).trim().slice(0, 200)}`));
      else resolve(stdout);
    });
  });
}

/** Parse tesseract's TSV: words grouped into lines with their boxes, one LaidOutPage per page (a TIFF may hold several). */
export function pagesFromTsv(tsv: string): LaidOutPage[] {
  const pages = new Map<string, { width: number; height: number; lines: Map<string, Array<{ x: number; y: number; w: number; h: number; t: string; conf: number }>> }>();
  for (const r of tsv.split('\n').slice(1).map((l) => l.split('\t'))) {
    if (r.length < 12) continue;
    const [level, pageNum, block, par, line, , left, top, w, h, conf, text] = r;
    let page = pages.get(pageNum);
    if (!page) pages.set(pageNum, (page = { width: 0, height: 0, lines: new Map() }));
    if (level === '1') {
      page.width = Number(w);
      page.height = Number(h);
    }
    if (level !== '5' || !text || !text.trim() || Number(conf) < 0) continue;
    const key = `${block}.${par}.${line}`;
    const words = page.lines.get(key) ?? [];
    words.push({ x: Number(left), y: Number(top), w: Number(w), h: Number(h), t: text.trim(), conf: Number(conf) });
    page.lines.set(key, words);
  }
  return [...pages.values()].map((page) => {
    const out: TextLine[] = [];
    for (const words of page.lines.values()) {
      // A line tesseract itself doubts throughout is a speck or a smudge, not text.
      if (words.reduce((a, w) => a + w.conf, 0) / words.length < 40) continue;
      words.sort((a, b) => a.x - b.x);
      let text = '';
      for (const [i, wd] of words.entries()) {
        const prev = words[i - 1];
        // Latin words keep their spaces; Chinese characters are written without.
        text += prev && /[A-Za-z0-9]$/.test(prev.t) && /^[A-Za-z0-9]/.test(wd.t) ? ` ${wd.t}` : wd.t;
      }
      const hs = words.map((w) => w.h).sort((a, b) => a - b);
      out.push({
        text,
        x: Math.min(...words.map((w) => w.x)),
        right: Math.max(...words.map((w) => w.x + w.w)),
        y: Math.min(...words.map((w) => w.y)),
        size: hs[Math.floor(hs.length / 2)],
      });
    }
    return { width: page.width, height: page.height, lines: out };
  });
}

/** Recognise one image file (PNG, JPEG, TIFF; the first page of a multi-page TIFF). */
export async function ocrImageFile(file: string, timeoutMs = 120_000): Promise<LaidOutPage[]> {
  const tsv = await run('tesseract', [file, 'stdout', '-l', 'chi_sim', '--psm', '3', 'tsv'], timeoutMs);
  return pagesFromTsv(tsv);
}

export async function ocrImageBytes(bytes: Uint8Array, ext: string, timeoutMs?: number): Promise<LaidOutPage[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'report-ocr-'));
  try {
    const f = path.join(dir, `page${ext}`);
    await writeFile(f, bytes);
    return await ocrImageFile(f, timeoutMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let popplerOk: boolean | null = null;
export function hasPdftoppm(): boolean {
  if (popplerOk === null) {
    try {
      execFileSync('pdftoppm', ['-v'], { stdio: 'ignore', timeout: 10_000 });
      popplerOk = true;
    } catch {
      popplerOk = false;
    }
  }
  return popplerOk;
}

/** Render some pages of a PDF (1-based) at 300 dpi and recognise them. */
export async function ocrPdfPages(pdf: Uint8Array, pages: number[], timeoutMs = 120_000): Promise<Map<number, LaidOutPage>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'report-ocr-'));
  const out = new Map<number, LaidOutPage>();
  try {
    const f = path.join(dir, 'in.pdf');
    await writeFile(f, pdf);
    for (const p of pages) {
      await run('pdftoppm', ['-r', '300', '-gray', '-png', '-f', String(p), '-l', String(p), f, path.join(dir, `p${p}`)], timeoutMs);
      const png = (await readdir(dir)).find((n) => n.startsWith(`p${p}-`) || n === `p${p}.png`);
      if (!png) continue;
      const [page] = await ocrImageFile(path.join(dir, png), timeoutMs);
      if (page) out.set(p, page);
      await rm(path.join(dir, png), { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
