/**
 * Cleaning never drops body text silently. Over a seeded resampled archive —
 * runs of raw lines of the real reports, page chrome included, glued into
 * long reports so that 相关报道, 责任编辑 or a footer can land anywhere — every
 * sentence of 12 characters or more that cleaning keeps in its own report
 * survives; the chrome the rules know still goes; what is removed is counted.
 */
import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/ingest/clean.js';
import { buildDocument, formatRemoved, ingestFolder } from '../../src/ingest/index.js';
import { bodySentences, resampledArchive } from './helpers/resample.js';

const squash = (s: string) => s.replace(/[\s\u3000]+/g, '');

describe('cleaning a resampled archive with chrome left in', () => {
  const archive = resampledArchive(60, 0x5eed2026);

  it('keeps every body sentence of 12+ characters', () => {
    let total = 0;
    const lost: string[] = [];
    for (const report of archive) {
      const out = squash(cleanText(report.map((l) => l.text).join('\n')).text);
      for (const s of bodySentences(report)) {
        total++;
        if (!out.includes(s)) lost.push(s);
      }
    }
    expect(total).toBeGreaterThan(10_000);
    expect(lost).toEqual([]);
  });

  it('still removes the furniture that follows a tail marker', () => {
    let markers = 0;
    for (const report of archive) {
      const paras = cleanText(report.map((l) => l.text).join('\n')).paragraphs;
      for (const p of paras) if (/^(?:相关报道|相关推荐|相关链接|扫一扫在手机|责任编辑|打印本页|关闭窗口)/.test(p) && !/[。！？；]/.test(p)) markers++;
    }
    expect(markers).toBe(0);
  });

  it('counts what each rule removed, and warns on a report when a rule removed more than 200 characters', () => {
    const text = archive[0].map((l) => l.text).join('\n');
    const c = cleanText(text);
    const removed = Object.values(c.removed).reduce((a, b) => a + (b ?? 0), 0);
    // Every character is either kept or counted as removed by a rule (joins and tidying remove only whitespace).
    expect(squash(c.text).length + removed).toBe(squash(text.replace(/\[bookmark:[^\]]*\]/gi, '').replace(/(\*\*|__)/g, '')).length);
    const built = buildDocument(text, { relPath: 'resampled/0.txt' });
    if ('reason' in built) throw new Error(built.reason);
    for (const r of c.removals.filter((x) => x.chars > 200)) expect(built.doc.warnings.some((w) => w.includes(`去掉了 ${r.chars.toLocaleString('en-US')} 字`))).toBe(true);
    expect(formatRemoved({ chrome: 1234, tail: 56 })).toBe('清洗去掉：网页框架和导航 1,234 字，页面尾部（相关报道、责任编辑、版权信息等） 56 字');
  });

  it('cuts a real page tail but keeps the text after it', () => {
    const body = '正文第一段，内容足够长以占据文本的大部分篇幅，确保尾部标记出现在后半部分。';
    const after = '三、下一步工作打算';
    const more = '我们将继续深化法治政府建设，推动各项工作再上新台阶。';
    const out = cleanText([body, '相关报道：', '湖北召开全省法治政府建设推进会', '责任编辑：张三', '版权所有：湖北省人民政府办公厅 主办单位：湖北省人民政府办公厅 网站标识码：4200000011 鄂ICP备05003300号', after, more].join('\n'));
    expect(out.paragraphs).toEqual([body, after, more]);
    expect(out.removed.tail).toBeGreaterThan(60);
  });
});

describe('what cleaning removed, over an archive', () => {
  it('is totalled per rule in the ingest result and warned on the reports that lost more than 200 characters to a rule', async () => {
    const r = await ingestFolder('test/fixtures/corpus');
    // The sample pages carry navigation, labelled headers, tails and one body shown twice (seed 004).
    expect(r.removed.chrome).toBeGreaterThan(1000);
    expect(r.removed.tail).toBeGreaterThan(100);
    expect(r.removed.repeat).toBeGreaterThan(5000);
    const seed4 = r.docs.find((d) => d.path === 'seeds/004_8c958e78da1e36e1.txt')!;
    expect(seed4.warnings.some((w) => w.includes('重复显示的正文') && /去掉了 [\d,]+ 字/.test(w))).toBe(true);
    expect(formatRemoved(r.removed)).toMatch(/^清洗去掉：网页框架和导航 [\d,]+ 字，/);
  }, 60_000);
});
