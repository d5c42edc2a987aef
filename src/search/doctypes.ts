/**
 * Document types, recognised from a report's title by an ordered list of
 * rules: the first rule whose pattern matches the normalised title names the
 * type. The list is documented in the README and can be replaced by a JSON
 * file (`DOC_TYPES_FILE`: `[{"name": "…", "pattern": "…"}]`, patterns as
 * JavaScript regular expressions over the normalised title).
 *
 * ### Examples
 * docType('湟中区卫生健康局2024年法治政府建设情况报告') // => '法治政府建设报告'
 * docType('2026年上海市政府工作报告') // => '政府工作报告'
 * docType('关于政府工作报告的决议') // => '决议'
 */
import { readFileSync } from 'node:fs';
import { normalize } from '../analyze/analyzer.js';

export interface DocTypeRule {
  name: string;
  pattern: RegExp;
}

/** The default rules, most specific first. */
export const DEFAULT_DOC_TYPES: DocTypeRule[] = [
  { name: '决议', pattern: /决议$/ },
  { name: '政府工作报告', pattern: /政府工作报告/ },
  { name: '法治政府建设报告', pattern: /法治(政府)?建设.*(报告|总结)|法治政府建设/ },
  { name: '统计公报', pattern: /统计公报/ },
  { name: '预算报告', pattern: /预算.*(报告|草案)|决算.*报告/ },
  { name: '党代会报告', pattern: /代表大会上的报告|党代会/ },
  { name: '工作总结', pattern: /总结$/ },
  { name: '工作报告', pattern: /报告$/ },
  { name: '规划', pattern: /规划(纲要)?$/ },
  { name: '实施方案', pattern: /方案$/ },
  { name: '意见', pattern: /意见$/ },
  { name: '通知', pattern: /通知$/ },
];

/** Reads the rules from `DOC_TYPES_FILE` when set, else the defaults. Throws (Chinese) on a bad file. */
export function loadDocTypes(env: NodeJS.ProcessEnv = process.env): DocTypeRule[] {
  const file = env.DOC_TYPES_FILE;
  if (!file) return DEFAULT_DOC_TYPES;
  let rows: unknown;
  try {
    rows = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`文档类型：无法读取 ${file}（${(err as Error).message}）——应为 [{"name": "…", "pattern": "…"}] 格式的 JSON`);
  }
  if (!Array.isArray(rows)) throw new Error(`文档类型：${file} 应是数组`);
  return rows.map((r, i) => {
    const { name, pattern } = (r ?? {}) as { name?: unknown; pattern?: unknown };
    if (typeof name !== 'string' || typeof pattern !== 'string') throw new Error(`文档类型：${file} 第 ${i + 1} 项缺少 name 或 pattern`);
    return { name, pattern: new RegExp(pattern, 'u') };
  });
}

/** The type of a title under these rules, or null. */
export function docType(title: string, rules: DocTypeRule[] = DEFAULT_DOC_TYPES): string | null {
  const t = normalize(title).replace(/\s+/g, '');
  for (const r of rules) if (r.pattern.test(t)) return r.name;
  return null;
}
