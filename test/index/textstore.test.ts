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
        const store = TextStore.open(path);
        expect(store.docCount).toBe(texts.length);
        // Backwards, so the reads do not come from the store's recent-texts cache in order.
        for (let i = texts.length - 1; i >= 0; i--) {
          expect(store.originalText(i)).toBe(texts[i]);
          expect(store.normText(i)).toBe(normalize(texts[i]));
          expect(store.length(i)).toBe(texts[i].length);
        }
        store.close();
      }),
      { numRuns: 30 },
    );
  });

});
