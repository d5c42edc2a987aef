/**
 * Fixtures in every format, generated from a real report rather than
 * committed as blobs: DOCX written with the `docx` library, a text PDF
 * printed by Debian's chromium from HTML (fonts-noto-cjk; chromium's own
 * running header and footer left on, as a browser prints them), a scanned page
 * as a chromium screenshot at twice the resolution, a scanned PDF (that
 * screenshot printed as an image), and OFD assembled as a ZIP of XML pages.
 * Used by test/ingest/formats.test.ts and by make-samples.ts for data/.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { strToU8, zipSync } from 'fflate';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A report as a printed page: the title centred, every paragraph indented two characters. */
export function reportHtml(title: string, paragraphs: string[], opts: { fontPx?: number; widthPx?: number } = {}): string {
  const font = opts.fontPx ?? 16;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
  body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: ${font}px; line-height: 1.9; margin: 0 auto; padding: 24px 40px; ${opts.widthPx ? `width: ${opts.widthPx}px;` : ''} color: #000; background: #fff; }
  h1 { font-size: ${Math.round(font * 1.4)}px; text-align: center; font-weight: bold; margin: 0 0 ${font}px; }
  p { text-indent: 2em; margin: 0 0 ${Math.round(font * 0.4)}px; text-align: left; }
</style></head><body><h1>${esc(title)}</h1>
${paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}
</body></html>`;
}

function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, _out, stderr) => (err ? reject(new Error(`${cmd}: ${stderr || err.message}`)) : resolve())),
  );
}

const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-dev-shm-usage'];

async function withHtml<T>(html: string, fn: (url: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fmt-'));
  try {
    const f = path.join(dir, 'report.html');
    await writeFile(f, html);
    return await fn(pathToFileURL(f).href, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A text PDF printed by chromium (A4, its default header with date and title, footer with address and page N/M). */
export function printPdf(html: string): Promise<Buffer> {
  return withHtml(html, async (url, dir) => {
    const out = path.join(dir, 'out.pdf');
    await run(CHROMIUM, [...CHROME_FLAGS, `--user-data-dir=${dir}/profile`, `--print-to-pdf=${out}`, url]);
    return readFile(out);
  });
}

/** A screenshot of the page at twice the resolution (a clean scan). */
export function screenshotPng(html: string, widthPx: number, heightPx: number): Promise<Buffer> {
  return withHtml(html, async (url, dir) => {
    const out = path.join(dir, 'out.png');
    await run(CHROMIUM, [...CHROME_FLAGS, `--user-data-dir=${dir}/profile`, '--force-device-scale-factor=2', `--window-size=${widthPx},${heightPx}`, `--screenshot=${out}`, url]);
    return readFile(out);
  });
}

/** Height in CSS pixels that a reportHtml page of this width needs (generous). */
export function pageHeight(paragraphs: string[], fontPx: number, widthPx: number): number {
  const perLine = Math.floor((widthPx - 20) / fontPx);
  const lines = paragraphs.reduce((n, p) => n + Math.ceil((p.length + 2) / perLine), 0);
  return Math.ceil(lines * fontPx * 1.9 + paragraphs.length * fontPx * 0.4 + fontPx * 6 + 120);
}

/** A scanned PDF: the screenshot placed on pages as an image, no text layer. */
export async function scannedPdf(png: Buffer, cssWidth: number): Promise<Buffer> {
  const html = `<!doctype html><html><head><style>@page { size: A4; margin: 0 } body { margin: 0 } img { width: 100%; display: block }</style></head><body><img src="data:image/png;base64,${png.toString('base64')}" style="max-width:${cssWidth}px"></body></html>`;
  return printPdf(html);
}

/** A DOCX written with the `docx` library: the title as a heading, then the paragraphs; optionally a table. */
export async function makeDocx(title: string, paragraphs: string[], opts: { table?: string[][]; coreTitle?: string } = {}): Promise<Buffer> {
  const children: Array<Paragraph | Table> = [new Paragraph({ heading: HeadingLevel.HEADING_1, alignment: AlignmentType.CENTER, children: [new TextRun(title)] })];
  for (const p of paragraphs) children.push(new Paragraph({ children: [new TextRun(p)], indent: { firstLine: 420 } }));
  if (opts.table) {
    children.push(
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: opts.table.map((r) => new TableRow({ children: r.map((c) => new TableCell({ children: [new Paragraph(c)] })) })),
      }),
    );
  }
  const doc = new Document({ title: opts.coreTitle ?? title, creator: 'report-search tests', sections: [{ children }] });
  return Buffer.from(await Packer.toBuffer(doc));
}

/**
 * An OFD package: OFD.xml → Doc_0/Document.xml → Doc_0/Pages/Page_N/Content.xml,
 * each line of text one TextObject (Boundary in mm, y downwards), paragraphs
 * wrapped at `perLine` characters with a two-character first-line indent, a
 * page number at the foot of every page.
 */
export function makeOfd(title: string, paragraphs: string[], opts: { perLine?: number; linesPerPage?: number } = {}): Buffer {
  const size = 4.2;
  const perLine = opts.perLine ?? 38;
  const linesPerPage = opts.linesPerPage ?? 30;
  const left = 25;
  type L = { text: string; x: number };
  const lines: L[] = [{ text: title, x: left + Math.max(0, (perLine - title.length) / 2) * size }];
  for (const p of paragraphs) {
    const chars = [...p];
    let first = true;
    for (let i = 0; i < chars.length; ) {
      const n = first ? perLine - 2 : perLine;
      lines.push({ text: chars.slice(i, i + n).join(''), x: left + (first ? 2 * size : 0) });
      i += n;
      first = false;
    }
  }
  const pages: L[][] = [];
  for (let i = 0; i < lines.length; i += linesPerPage) pages.push(lines.slice(i, i + linesPerPage));
  const files: Record<string, Uint8Array> = {};
  const ns = 'xmlns:ofd="http://www.ofdspec.org/2016"';
  files['OFD.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD ${ns} Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID><ofd:Title>${esc(title)}</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
  );
  files['Doc_0/Document.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><ofd:Document ${ns}><ofd:CommonData><ofd:MaxUnitID>9999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>${pages
      .map((_, i) => `<ofd:Page ID="${i + 1}" BaseLoc="Pages/Page_${i}/Content.xml"/>`)
      .join('')}</ofd:Pages></ofd:Document>`,
  );
  files['Doc_0/PublicRes.xml'] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><ofd:Res ${ns} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>`);
  let id = 100;
  pages.forEach((pl, pi) => {
    const objs = pl.map((l, li) => {
      const y = 30 + li * size * 1.75;
      const w = [...l.text].length * size;
      return `<ofd:TextObject ID="${id++}" Boundary="${l.x.toFixed(2)} ${y.toFixed(2)} ${w.toFixed(2)} ${(size * 1.2).toFixed(2)}" Font="1" Size="${size}"><ofd:TextCode X="0" Y="${size}" DeltaX="g ${[...l.text].length - 1} ${size}">${esc(l.text)}</ofd:TextCode></ofd:TextObject>`;
    });
    const folio = `<ofd:TextObject ID="${id++}" Boundary="100 280 10 5" Font="1" Size="3.5"><ofd:TextCode X="0" Y="3.5">- ${pi + 1} -</ofd:TextCode></ofd:TextObject>`;
    files[`Doc_0/Pages/Page_${pi}/Content.xml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><ofd:Page ${ns}><ofd:Content><ofd:Layer ID="${id++}">${objs.join('')}${folio}</ofd:Layer></ofd:Content></ofd:Page>`,
    );
  });
  return Buffer.from(zipSync(files));
}

/**
 * A PDF whose text layer is noise: GBK bytes of Chinese text shown through a
 * Latin-1 font (¸ö»á…), as PDFs with a broken font encoding read.
 */
export function garbagePdf(gbkBytes: Buffer): Buffer {
  const hex = gbkBytes.toString('hex');
  const lines: string[] = [];
  for (let i = 0, y = 780; i < hex.length && y > 60; i += 60, y -= 18) lines.push(`BT /F1 12 Tf 50 ${y} Td <${hex.slice(i, i + 60)}> Tj ET`);
  const stream = lines.join('\n');
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
