/** What an extractor of a binary format gives back: raw text for the cleaner, plus what it knows about pages and metadata. */
export interface Extracted {
  /** Paragraphs joined by '\n', before cleaning. */
  text: string;
  /** The text of each page (1-based page = index + 1), to tell each cleaned paragraph its page; absent for unpaged formats. */
  pageTexts?: string[];
  /** Metadata the file's own properties state (a DOCX's core title, a PDF's info dictionary), used only when the text confirms them. */
  hints?: { title?: string | null };
  /** Pages (1-based) whose text was recognised by OCR; [1] for an image. */
  ocrPages?: number[];
  /** Problems that did not stop extraction (Chinese, user-facing). */
  warnings: string[];
}

export type ExtractResult = ({ ok: true } & Extracted) | { ok: false; reason: string };

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

export type UnzipResult = { ok: true; entries: ZipEntry[]; skipped: Array<{ name: string; reason: string }> } | { ok: false; reason: string };

/** Options every extractor gets. */
export interface ExtractOptions {
  /** Run OCR on scanned pages and images when tesseract is installed (default true). */
  ocr: boolean;
  /** Most pages to recognise by OCR in one document. */
  maxOcrPages: number;
}
