/**
 * Dates and years as Chinese reports write them: 2025-04-07 16:37:24,
 * 2024年1月8日, 2026年02月10日, 二〇二四年一月八日, 2026/2/3, 2026.02.03.
 */

const CN_DIGIT: Record<string, number> = { 〇: 0, 零: 0, '○': 0, Ｏ: 0, O: 0, o: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN = '〇零○Ｏ一二三四五六七八九十';

/** 二〇二四 → 2024 (digit by digit), 十二 → 12, 二十五 → 25, 三十一 → 31. */
export function cnNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (!new RegExp(`^[${CN}]+$`).test(s)) return null;
  if (!s.includes('十')) {
    let n = 0;
    for (const ch of s) n = n * 10 + CN_DIGIT[ch];
    return n;
  }
  const [tens, ones] = s.split('十');
  const t = tens === '' ? 1 : CN_DIGIT[tens];
  const o = ones === '' ? 0 : CN_DIGIT[ones];
  if (t === undefined || o === undefined) return null;
  return t * 10 + o;
}

const NUM = `\\d{1,4}|[${CN}]{1,4}`;
const DATE_RE = new RegExp(
  `((?:19|20)\\d{2}|[一二][〇零○Ｏ一二三四五六七八九]{3})\\s*(?:年\\s*(${NUM})\\s*月\\s*(${NUM})\\s*日?|[-/.](\\d{1,2})[-/.](\\d{1,2})(?!\\d))`,
);

function iso(y: number, m: number, d: number): string | null {
  if (y < 1949 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * The first full date (year, month and day) in `s`, as ISO YYYY-MM-DD.
 *
 * ### Examples
 * ```ts
 * parseDate('2025-04-07 16:37:24') // => '2025-04-07'
 * parseDate('二〇二四年一月八日')     // => '2024-01-08'
 * parseDate('2024年')              // => null
 * ```
 */
export function parseDate(s: string | null | undefined): string | null {
  if (!s) return null;
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = cnNumber(m[1]);
  const mo = cnNumber(m[2] ?? m[4]);
  const d = cnNumber(m[3] ?? m[5]);
  if (y === null || mo === null || d === null) return null;
  return iso(y, mo, d);
}

/** A paragraph that is only a date (a signature date), optionally followed by 印发/发布. */
export function dateLine(p: string): { date: string; printed: boolean } | null {
  const m = new RegExp(`^(?:${DATE_RE.source})\\s*(印发|发布|制发)?$`).exec(p.replace(/\s+/g, ''));
  if (!m) return null;
  const date = parseDate(p.replace(/\s+/g, ''));
  return date ? { date, printed: Boolean(m[6]) } : null;
}

/**
 * The year a title says the report is about: 关于2023年法治政府建设情况的报告 → 2023,
 * 2026年政府工作报告 → 2026. A year inside a range (2021-2025年) or a full date
 * (2026年2月3日在…) is not it.
 */
export function titleYear(title: string): number | null {
  // Not a full date (2026年2月3日) and not a horizon (二〇三五年远景目标).
  const re = new RegExp(`((?:19|20)\\d{2}|[一二][〇零○Ｏ一二三四五六七八九]{3})\\s*年(?!\\s*(?:${NUM})\\s*月|远景|目标)`, 'g');
  for (let m = re.exec(title); m; m = re.exec(title)) {
    const before = title.slice(Math.max(0, m.index - 1), m.index);
    if (/[-—–~～至到]/.test(before)) continue;
    const y = cnNumber(m[1]);
    if (y !== null && y >= 1949 && y <= 2100) return y;
  }
  return null;
}

/** A year written in a dataset column: 2026, '2026', '2026年'. */
export function parseYear(v: unknown): number | null {
  const s = String(v ?? '').trim();
  const m = /^((?:19|20)\d{2})\s*年?(?:度)?$/.exec(s);
  return m ? Number(m[1]) : null;
}
