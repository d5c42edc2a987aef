/**
 * Stable document ids. An id is the file's path relative to the data folder,
 * without its extension, with every character that is not a letter (any
 * script, so Chinese stays readable), a digit, '_' or '.' replaced: '/' → '-',
 * anything else → '_'. Dataset rows add `-r<N>` (N = 1-based data row) or
 * `-<key>` when the row has an id column. The same path always yields the same
 * id; `ingestFolder` settles the rare collision (a/b.txt vs a-b.txt) by adding
 * a short hash of the full path to every colliding doc but the first by path order.
 *
 * ### Examples
 * ```ts
 * docId('seeds/000_abd99ba7655eaa30.txt') // => 'seeds-000_abd99ba7655eaa30'
 * docId('provincial-2026/2026_上海市_政府工作报告.csv', 'r1') // => 'provincial-2026-2026_上海市_政府工作报告-r1'
 * ```
 */
import { createHash } from 'node:crypto';

function slug(s: string): string {
  return s
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_.\-]+/gu, '_')
    .replace(/_+/g, '_')
    .replace(/^[_.\-]+|[_.\-]+$/g, '');
}

export function docId(relPath: string, rowKey?: string): string {
  const noExt = relPath.replace(/\.[A-Za-z0-9]{1,8}$/, '');
  const base = noExt
    .split('/')
    .map(slug)
    .filter(Boolean)
    .join('-');
  const id = rowKey === undefined ? base : `${base}-${slug(rowKey) || 'row'}`;
  return id || 'doc';
}

/** Suffix used to disambiguate two paths that map to the same id. */
export function collisionSuffix(relPath: string, rowKey?: string): string {
  return createHash('sha1').update(`${relPath}#${rowKey ?? ''}`).digest('hex').slice(0, 6);
}
