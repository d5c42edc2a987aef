/**
 * The ingest sandbox's worker: parsers of binary formats run here, in a
 * thread with its own heap limit, so a hostile file (a zip bomb, a PDF that
 * makes pdf.js loop or allocate without end) costs this thread, never the
 * build. See sandbox.ts for the protocol.
 */
import { parentPort } from 'node:worker_threads';
import { readDocx } from './formats/docx.js';
import { paragraphsFromPages } from './formats/layout.js';
import { readLegacyWord } from './formats/legacy.js';
import { ocrImageBytes, ocrStatus } from './formats/ocr.js';
import { readOfd } from './formats/ofd.js';
import { readPdf } from './formats/pdf.js';
import type { ExtractOptions, ExtractResult, UnzipResult } from './formats/types.js';
import { unzipLimited } from './formats/zip.js';

export type SandboxKind = 'docx' | 'pdf' | 'ofd' | 'image' | 'doc' | 'wps' | 'zip';

export interface SandboxRequest {
  id: number;
  kind: SandboxKind;
  ext: string;
  bytes: Uint8Array;
  opts: ExtractOptions;
}

async function readImage(bytes: Uint8Array, ext: string, opts: ExtractOptions): Promise<ExtractResult> {
  const status = ocrStatus(opts.ocr);
  if (!status.ok) return { ok: false, reason: `图片中的文字需要文字识别（OCR）才能读取：${status.reason}` };
  let pages;
  try {
    pages = await ocrImageBytes(bytes, ext === '.jpeg' ? '.jpg' : ext === '.tiff' ? '.tif' : ext);
  } catch (e) {
    const msg = (e as Error).message;
    return { ok: false, reason: /超时/.test(msg) ? '文字识别超时，已跳过' : '图片无法读取（文件已损坏或不是有效的图片），未能识别文字' };
  }
  const laid = paragraphsFromPages(pages.slice(0, opts.maxOcrPages));
  if (laid.paragraphs.length === 0) return { ok: false, reason: '图片中没有识别出文字' };
  return { ok: true, text: laid.paragraphs.join('\n'), ocrPages: [1], warnings: [] };
}

async function handle(req: SandboxRequest): Promise<ExtractResult | UnzipResult> {
  switch (req.kind) {
    case 'docx':
      return readDocx(req.bytes);
    case 'pdf':
      return readPdf(req.bytes, req.opts);
    case 'ofd':
      return readOfd(req.bytes);
    case 'image':
      return readImage(req.bytes, req.ext, req.opts);
    case 'doc':
    case 'wps':
      return readLegacyWord(req.bytes, req.kind === 'doc' ? '.doc' : '.wps');
    case 'zip':
      return unzipLimited(req.bytes);
  }
}

parentPort!.on('message', async (req: SandboxRequest) => {
  let result: ExtractResult | UnzipResult;
  try {
    result = await handle(req);
  } catch (e) {
    result = { ok: false, reason: `解析失败：${((e as Error).message ?? String(e)).slice(0, 160)}` };
  }
  const transfer = 'entries' in result && result.ok ? result.entries.map((e) => e.data.buffer as ArrayBuffer) : [];
  parentPort!.postMessage({ id: req.id, result }, transfer);
});
