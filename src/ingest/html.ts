/**
 * HTML pages → text and metadata hints. Scripts, styles and the usual page
 * furniture elements (nav, header, footer, aside, forms, elements whose class
 * or id says nav/menu/breadcrumb/footer/share/sidebar) are removed before the
 * text is taken; block elements become line breaks so paragraphs survive.
 * Chinese government sites publish ArticleTitle/PubDate/ContentSource <meta>
 * tags, used as header hints.
 */
import * as cheerio from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { MetaHints } from './metadata.js';

const BLOCK = new Set([
  'p', 'div', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'tr', 'table', 'section', 'article',
  'pre', 'blockquote', 'dd', 'dt', 'dl', 'hr', 'main', 'center', 'td', 'th', 'figcaption', 'figure',
]);
const FURNITURE = 'script, style, noscript, template, nav, header, footer, aside, iframe, form, select, button, svg, canvas, object, embed';
const FURNITURE_NAME = /(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|share|sharebar|sidebar|toolbar|position|location)(?:$|[\s_-])/i;

export function htmlToText(html: string): { text: string; hints: MetaHints } {
  const $ = cheerio.load(html);
  const metaContent = (name: string) =>
    $(`meta[name="${name}" i]`).attr('content')?.trim() || $(`meta[property="${name}" i]`).attr('content')?.trim() || null;
  const hints: MetaHints = {
    origin: 'header',
    title: metaContent('ArticleTitle') || null,
    date: metaContent('PubDate') || metaContent('article:published_time') || null,
    issuer: metaContent('ContentSource') || null,
    sourceUrl: $('link[rel="canonical"]').attr('href')?.trim() || metaContent('og:url') || null,
  };
  $(FURNITURE).remove();
  $('[class], [id]').each((_, el) => {
    const e = $(el);
    if (FURNITURE_NAME.test(`${e.attr('class') ?? ''} ${e.attr('id') ?? ''}`)) e.remove();
  });
  const roots: AnyNode[] = $('body').length ? $('body').toArray() : $.root().toArray();
  const parts: string[] = [];
  const walk = (node: AnyNode) => {
    if (node.type === 'text') {
      parts.push((node as unknown as { data: string }).data.replace(/\s+/g, ' '));
      return;
    }
    if (node.type !== 'tag') return;
    const tag = (node as unknown as { name: string }).name.toLowerCase();
    const block = BLOCK.has(tag);
    if (block) parts.push('\n');
    for (const child of (node as unknown as { children: AnyNode[] }).children ?? []) walk(child);
    if (block) parts.push('\n');
  };
  for (const n of roots) for (const c of (n as unknown as { children: AnyNode[] }).children ?? []) walk(c);
  const text = parts.join('');
  if (!hints.title) {
    const h1 = $('h1').first().text().trim();
    hints.title = h1 || null;
  }
  return { text, hints };
}
