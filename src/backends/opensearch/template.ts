/**
 * The OpenSearch index template for reports (opensearch/template.json) and the
 * names around it. Why each field is analysed as it is: opensearch/README.md.
 *
 * Indices are never written in place: each build creates `report-search-<build>`
 * (the template applies to it by name), fills it, then one `_aliases` call moves
 * the alias from the old index to the new one, so a searcher sees either the old
 * or the new archive, never half of one.
 */
import template from '../../../opensearch/template.json' with { type: 'json' };

/** The composable index template, as sent to `PUT _index_template/<TEMPLATE_NAME>`. */
export const INDEX_TEMPLATE = template;

export const TEMPLATE_NAME = 'report-search';
/** Searches go through this alias; it points at exactly one concrete index. */
export const DEFAULT_ALIAS = 'report-search';
/** Concrete index names start with this, which is the template's pattern. */
export const INDEX_PREFIX = 'report-search-';

/** Bump with any change to template.json that needs a reindex (also `version` in the JSON). */
export const TEMPLATE_VERSION: number = template.version;

/**
 * A fresh concrete index name for one build; sortable by time.
 *
 * ### Examples
 * indexNameFor(new Date('2026-12-01T15:04:05Z')) // => 'report-search-20261201t150405000'
 */
export function indexNameFor(at: Date = new Date(), prefix = INDEX_PREFIX): string {
  return prefix + at.toISOString().replace(/[-:.Z]/g, '').toLowerCase();
}

/** One `POST _aliases` body that points `alias` at `newIndex` and away from every old index, atomically. */
export function aliasSwap(alias: string, newIndex: string, oldIndices: string[]): { actions: object[] } {
  return {
    actions: [
      ...oldIndices.filter((i) => i !== newIndex).map((index) => ({ remove: { index, alias } })),
      { add: { index: newIndex, alias, is_write_index: true } },
    ],
  };
}
