/**
 * HTML of report text with matches marked, built as tantivy's `Snippet::to_html`
 * does: escape every slice of the original text, put `<mark>` tags between
 * slices; never a regex over HTML. The engine returns ranges (data); only the
 * web layer turns them into HTML.
 */
import type { PassageData, Range } from '../types.js';

/** Pushes `text[from, to)` HTML-escaped onto `out`, copying unescaped runs as slices. */
function pushEscaped(out: string[], text: string, from: number, to: number): void {
  let run = from;
  for (let i = from; i < to; i++) {
    let rep: string;
    switch (text.charCodeAt(i)) {
      case 38: // &
        rep = '&amp;';
        break;
      case 60: // <
        rep = '&lt;';
        break;
      case 62: // >
        rep = '&gt;';
        break;
      case 34: // "
        rep = '&quot;';
        break;
      case 39: // '
        rep = '&#39;';
        break;
      default:
        continue;
    }
    if (i > run) out.push(text.slice(run, i));
    out.push(rep);
    run = i + 1;
  }
  if (to > run) out.push(text.slice(run, to));
}

/** Escapes `& < > " '` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  const out: string[] = [];
  pushEscaped(out, text, 0, text.length);
  return out.join('');
}

/** Inverse of `escapeHtml` for the five entities it writes (terminal output, tests). */
export function unescapeHtml(html: string): string {
  return html.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
}

/**
 * Escaped HTML of `text[from, to)` with `ranges` (sorted, non-overlapping, e.g. from
 * `findMatches`) wrapped in `<mark>…</mark>`; ranges are clipped to `[from, to)`.
 * Safe to insert as HTML whatever the text or the query contains.
 *
 * ### Examples
 * highlightHtml('<b>法治</b>政府', [[3, 5]]) // => '&lt;b&gt;<mark>法治</mark>&lt;/b&gt;政府'
 */
export function highlightHtml(text: string, ranges: readonly Range[], from = 0, to = text.length): string {
  const out: string[] = [];
  let pos = from;
  for (const [s0, e0] of ranges) {
    const s = Math.max(s0, pos);
    const e = Math.min(e0, to);
    if (e <= s) {
      if (s0 >= to) break;
      continue;
    }
    pushEscaped(out, text, pos, s);
    out.push('<mark>');
    pushEscaped(out, text, s, e);
    out.push('</mark>');
    pos = e;
  }
  pushEscaped(out, text, pos, to);
  return out.join('');
}

/** A passage's HTML: its text with the ranges marked, and `…` where it cuts its paragraph. */
export function passageHtml(p: PassageData): string {
  const shifted = p.ranges.map(([s, e]): Range => [s - p.start, e - p.start]);
  return (p.start > 0 ? '…' : '') + highlightHtml(p.text, shifted) + (p.end < p.length ? '…' : '');
}
