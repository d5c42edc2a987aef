import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/analyze/analyzer.js';
import { TextStore, TextStoreWriter } from '../../src/index/textstore.js';

describe('TextStore', () => {
  it('gives back the original and the normalised text of every report', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 500 }), { maxLength: 20 }), (texts) => {
        const path = join(mkdtempSync(join(tmpdir(), 'rs-texts-')), 'texts.bin');
        const w = new TextStoreWriter(path);
        for (const t of texts) w.add(t, normalize(t));
        w.close();
        const store = TextStore.load(path);
        expect(store.docCount).toBe(texts.length);
        texts.forEach((t, i) => {
          expect(store.originalText(i)).toBe(t);
          expect(store.normText(i)).toBe(normalize(t));
        });
      }),
      { numRuns: 30 },
    );
  });

  it('contains() never matches across a character boundary', () => {
    // '\u4e2d\u6587' is bytes 2d 4e 87 65; the needle '\u874e' (bytes 4e 87) sits at an odd offset.
    const path = join(mkdtempSync(join(tmpdir(), 'rs-texts-')), 'texts.bin');
    const w = new TextStoreWriter(path);
    w.add('中文', '中文');
    w.add('蝎', '蝎');
    w.close();
    const store = TextStore.load(path);
    expect(store.contains(0, Buffer.from('\u874e', 'utf16le'))).toBe(false);
    expect(store.contains(1, Buffer.from('\u874e', 'utf16le'))).toBe(true);
    expect(store.contains(0, Buffer.from('文', 'utf16le'))).toBe(true);
  });
});
