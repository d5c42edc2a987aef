/**
 * Precedents (issue 11): similar passages of one paragraph, and the draft check.
 *
 *   GET  /api/similar?id=…&p=N   {id, anchor, hits: [{id, anchor, region, year, date, score, sharedChars,
 *                                 spans, sourceSpans, boilerplate, earliest}], origins}
 *   GET  /similar?id=…&p=N       the paragraph beside the passages that share its wording
 *   POST /api/reuse {text}       {chars, coveredChars, spans: [{start, end, sources: [{id, anchor, year, date, region, start, end}]}]}
 *   GET  /reuse, POST /reuse     the draft-check page (a form; the text is neither stored nor logged)
 *
 * Spans are data from the engine; the pages escape every slice and mark the spans here.
 */
import express, { Router } from 'express';
import { mergeRanges } from '../../search/highlight.js';
import type { DraftCheck, Engine, EngineHandle, SimilarResult } from '../../search/engine.js';
import { ParamError, type RawQuery } from '../../search/request.js';
import type { Range } from '../../types.js';
import { NotFoundError, NotSupported } from '../errors.js';
import { highlightHtml } from '../html.js';
import { docUrl, spreadUrl } from '../urls.js';

/** The longest draft the check takes (characters). */
export const MAX_DRAFT_CHARS = 20_000;

export const NO_REUSE = '这个检索后端没有文本复用索引，不能查找相似表述或查重比对';

export function similarParams(query: RawQuery): { id: string; p: number } {
  const id = typeof query.id === 'string' ? query.id.trim() : '';
  const p = typeof query.p === 'string' && /^\d{1,7}$/.test(query.p) ? Number(query.p) : NaN;
  if (!id) throw new ParamError('参数 id 必须是一份报告的编号');
  if (!Number.isInteger(p)) throw new ParamError('参数 p 必须是段落编号（从 0 开始的整数，与 #p-N 相同）');
  return { id, p };
}

function draftText(body: unknown): string {
  const text = body && typeof body === 'object' ? (body as Record<string, unknown>).text : undefined;
  if (typeof text !== 'string' || text.trim() === '') throw new ParamError('请提供要比对的文字（text）');
  const chars = [...text].length;
  if (chars > MAX_DRAFT_CHARS) throw new ParamError(`文字过长：最多 ${MAX_DRAFT_CHARS} 个字符（当前 ${chars} 个）`);
  return text;
}

export async function similarOf(engine: Engine, id: string, p: number): Promise<SimilarResult> {
  if (!engine.similar) throw new NotSupported(NO_REUSE);
  const res = await engine.similar(id, p);
  if (!res) throw new NotFoundError('找不到这份报告或这一段。');
  return res;
}

async function draftOf(engine: Engine, text: string): Promise<DraftCheck> {
  if (!engine.draftCheck) throw new NotSupported(NO_REUSE);
  return engine.draftCheck(text);
}

/** A paragraph of a report, by number (one-paragraph slice). */
async function paragraphText(engine: Engine, id: string, p: number): Promise<{ title: string; text: string } | null> {
  const view = await engine.paragraphs(id, null, { from: p, count: 1 });
  if (!view || view.paragraphs.length === 0) return null;
  return { title: view.report.title, text: view.paragraphs[0].text };
}

const sorted = (spans: Array<[number, number]>): Range[] => [...spans].sort((a, b) => a[0] - b[0]).map(([s, e]) => [s, e]);

export function reuseRoutes(source: EngineHandle): Router {
  const router = Router();
  // A draft of 20,000 characters is at most 80 KB of UTF-8; the form's encoding can triple it.
  const json = express.json({ limit: '256kb' });
  const form = express.urlencoded({ extended: false, limit: '512kb' });

  router.get('/api/similar', async (req, res) => {
    const { id, p } = similarParams(req.query as RawQuery);
    res.json(await similarOf(source.current(), id, p));
  });

  router.post('/api/reuse', json, async (req, res) => {
    res.json(await draftOf(source.current(), draftText(req.body)));
  });

  router.get('/similar', async (req, res) => {
    const engine = source.current();
    const { id, p } = similarParams(req.query as RawQuery);
    const result = await similarOf(engine, id, p);
    const asked = (await paragraphText(engine, id, p))!;
    const hits = [];
    for (const h of result.hits) {
      const other = await paragraphText(engine, h.id, Number(h.anchor.slice(2)));
      if (!other) continue;
      hits.push({
        title: other.title,
        url: docUrl(h.id, '', h.anchor),
        meta: [h.region.split('/').join(' › '), h.year ? `${h.year}年` : '', h.date ?? ''].filter(Boolean).join(' · '),
        score: Math.round(h.score * 100),
        sharedChars: h.sharedChars,
        boilerplate: Math.round(h.boilerplate * 100),
        html: highlightHtml(other.text, sorted(h.spans)),
        number: Number(h.anchor.slice(2)) + 1,
        spread: spreadUrl(h.id, Number(h.anchor.slice(2))),
      });
    }
    const earliest = result.origins.filter((o) => o.id !== id);
    res.render('similar', {
      pageTitle: `${asked.title} 第 ${p + 1} 段的相似表述 - 报告搜索`,
      title: asked.title,
      number: p + 1,
      backUrl: docUrl(id, '', `p-${p}`),
      spreadUrl: spreadUrl(id, p),
      html: highlightHtml(asked.text, mergeRanges(sorted(result.hits.flatMap((h) => h.sourceSpans)))),
      origins: earliest.map((o) => ({
        text: asked.text.slice(o.start, o.end),
        url: docUrl(o.id, '', o.anchor),
        when: [o.year ? `${o.year}年` : '', o.date ?? ''].filter(Boolean).join(' '),
      })),
      hits,
    });
  });

  const draftPage = async (text: string | null) => {
    if (text === null) return { text: '', result: null };
    const result = await draftOf(source.current(), text);
    const sources = new Map<string, { title: string; url: string; meta: string }>();
    for (const s of result.spans) {
      for (const src of s.sources.slice(0, 3)) {
        const key = `${src.id}#${src.anchor}`;
        if (sources.has(key)) continue;
        const para = await paragraphText(source.current(), src.id, Number(src.anchor.slice(2)));
        sources.set(key, {
          title: para?.title ?? src.id,
          url: docUrl(src.id, '', src.anchor),
          meta: [src.region.split('/').join(' › '), src.year ? `${src.year}年` : '', `第 ${Number(src.anchor.slice(2)) + 1} 段`].filter(Boolean).join(' · '),
        });
      }
    }
    return {
      text,
      result: {
        chars: result.chars,
        covered: result.coveredChars,
        share: result.chars ? Math.round((result.coveredChars / result.chars) * 1000) / 10 : 0,
        html: highlightHtml(text, result.spans.map((s): Range => [s.start, s.end])),
        spans: result.spans.map((s) => ({
          text: text.slice(s.start, s.end),
          sources: s.sources.slice(0, 3).map((src) => sources.get(`${src.id}#${src.anchor}`)!),
          more: Math.max(0, s.sources.length - 3),
        })),
      },
    };
  };

  router.get('/reuse', async (req, res) => {
    res.render('reuse', { pageTitle: '查重比对 - 报告搜索', max: MAX_DRAFT_CHARS, ...(await draftPage(null)) });
  });

  router.post('/reuse', form, async (req, res) => {
    res.render('reuse', { pageTitle: '查重比对结果 - 报告搜索', max: MAX_DRAFT_CHARS, ...(await draftPage(draftText(req.body))) });
  });

  return router;
}


